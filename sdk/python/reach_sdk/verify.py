"""An offline verifier of Reach transcripts (format 1), written from docs/EVENT_MODEL.md with hashlib only."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from .canonical import canonicalize

_HEADER = frozenset({"engine", "format", "inputs_digest", "pack", "pack_digest", "policy_digest", "run_id", "type"})
_EVENT = frozenset({"data", "data_digest", "hash", "prev", "salt", "seq", "type"})
_REDACTED = frozenset({"data_digest", "hash", "prev", "redacted", "seq", "type"})
_SEAL = frozenset({"events", "fingerprint", "last_hash", "type"})
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
_SALT = re.compile(r"[0-9a-f]{32}")
# A line nests at most 65 deep: data at most 64, counting data itself, inside the line's own object.
_LINE_DEPTH = 65


@dataclass(frozen=True)
class TranscriptProblem:
    """The first problem a verification found, named by its REACH code as `reach verify` names it."""

    code: str
    """The catalogue code: REACH-1101 (not a transcript) … REACH-1118 (content after the seal)."""
    message: str
    """What is wrong, naming the line and event."""
    line: int
    """The 1-based number of the first bad line."""
    seq: int | None = None
    """The seq expected at that line, when the line should be an event."""
    expected: str | None = None
    """The value the verifier computed, when there are two values to compare."""
    actual: str | None = None
    """The value found in the transcript."""


@dataclass(frozen=True)
class TranscriptVerification:
    """What verifying a transcript found."""

    ok: bool
    """True when every check passed and the transcript is sealed."""
    events: int
    """The number of events that verified."""
    redacted: int
    """How many of them are redacted."""
    fingerprint: str
    """The RFC 6962 tree head over the hashes of the events that verified."""
    sealed: bool
    """Whether the seal was read and matched."""
    torn: bool
    """Whether the last line is torn (the run stopped while writing it)."""
    chain_intact: bool
    """True when the only problem is a torn last line or a missing seal."""
    run_id: str | None = None
    """The header's run id, when the header could be read."""
    pack: dict[str, str] | None = field(default=None)
    """The header's pack name and version, when the header could be read."""
    error: TranscriptProblem | None = None
    """The first problem; None when ok."""


class _Failure(Exception):
    def __init__(self, problem: TranscriptProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _fail(code: str, message: str, line: int, seq: int | None = None, expected: str | None = None, actual: str | None = None) -> _Failure:
    return _Failure(TranscriptProblem(code, message, line, seq, expected, actual))


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def merkle_head(leaves: list[bytes]) -> str:
    """RFC 6962 §2.1 Merkle Tree Hash over the 32-byte leaves, as a digest text."""
    return "sha256:" + _mth(leaves, 0, len(leaves)).hex()


def _mth(leaves: list[bytes], start: int, end: int) -> bytes:
    n = end - start
    if n == 0:
        return _sha256(b"")
    if n == 1:
        return _sha256(b"\x00" + leaves[start])
    k = 1 << ((n - 1).bit_length() - 1)  # the largest power of two smaller than n
    return _sha256(b"\x01" + _mth(leaves, start, start + k) + _mth(leaves, start + k, end))


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise ValueError("duplicate key")
    return obj


def _parse_canonical(raw: bytes) -> dict[str, Any] | None:
    """The object a line holds when the line is exactly its canonical form, else None."""
    try:
        value = json.loads(raw.decode("utf-8"), object_pairs_hook=_unique)
        if not isinstance(value, dict):
            return None
        return value if canonicalize(value, _LINE_DEPTH).encode("utf-8") == raw else None
    except (ValueError, RecursionError, OverflowError, UnicodeError):
        return None


def _is_digest(v: object) -> bool:
    return isinstance(v, str) and _DIGEST.fullmatch(v) is not None


def _is_count(v: object) -> bool:
    return type(v) is int and v >= 0


def _header_ok(h: dict[str, Any]) -> bool:
    pack = h.get("pack")
    return (
        set(h) == _HEADER
        and isinstance(h["engine"], str)
        and _is_count(h["format"])
        and all(_is_digest(h[k]) for k in ("inputs_digest", "pack_digest", "policy_digest"))
        and isinstance(h["run_id"], str)
        and isinstance(pack, dict)
        and set(pack) == {"name", "version"}
        and all(isinstance(v, str) for v in pack.values())
    )


def _event_ok(e: dict[str, Any], redacted: bool) -> bool:
    if set(e) != (_REDACTED if redacted else _EVENT):
        return False
    if not all(_is_digest(e[k]) for k in ("data_digest", "hash", "prev")):
        return False
    if not _is_count(e["seq"]) or not isinstance(e["type"], str):
        return False
    if redacted:
        return e["redacted"] is True
    return isinstance(e["salt"], str) and _SALT.fullmatch(e["salt"]) is not None


def _seal_ok(s: dict[str, Any]) -> bool:
    return set(s) == _SEAL and _is_count(s["events"]) and _is_digest(s["fingerprint"]) and _is_digest(s["last_hash"])


MAX_LINE_BYTES = 64 * 1024 * 1024
"""The longest line a transcript may hold, its newline not counted (docs/EVENT_MODEL.md)."""


def _lines(data: bytes) -> Iterator[tuple[bytes, bool]]:
    start = 0
    while start < len(data):
        end = data.find(b"\n", start)
        if end < 0:
            yield data[start:], True
            return
        yield data[start:end], False
        start = end + 1


def verify_transcript(source: bytes | bytearray | memoryview | str | os.PathLike[str]) -> TranscriptVerification:
    """Verifies a transcript offline: bytes, or the path of a file holding it. Stops at the first problem and names it.

    Checks every line canonical (RFC 8785), the header well formed, seq consecutive from 0, every prev linked,
    every data digest (redacted events excepted) and event hash recomputed, and the seal's count, last hash and
    RFC 6962 fingerprint matching.
    """
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as stream:
            data = stream.read()
    else:
        data = bytes(source)
    leaves: list[bytes] = []
    redacted = 0
    sealed = False
    torn = False
    header: dict[str, Any] | None = None
    error: TranscriptProblem | None = None
    try:
        line_no = 0
        prev = ""
        for raw, is_torn in _lines(data):
            line_no += 1
            if len(raw) > MAX_LINE_BYTES:
                # As reach verify: a line longer than the limit is refused, torn or not (docs/EVENT_MODEL.md).
                raise _fail("REACH-1117", f"Line {line_no} is longer than {MAX_LINE_BYTES} bytes.", line_no, None if line_no == 1 or sealed else len(leaves))
            if line_no == 1:
                if is_torn:
                    torn = True
                    raise _fail("REACH-1115", "Line 1 is torn: the header was not written whole.", 1, 0)
                header = _read_header(raw)
                prev = "sha256:" + _sha256(raw).hex()
                continue
            seq = len(leaves)
            if is_torn:
                torn = True
                raise _fail("REACH-1115", f"Line {line_no} is torn: the run stopped while writing it. The {seq} whole events before it verify.", line_no, seq)
            if sealed:
                raise _fail("REACH-1118", f"Line {line_no} follows the seal; nothing may follow it.", line_no)
            obj = _parse_canonical(raw)
            if obj is None:
                raise _fail("REACH-1117", f"Line {line_no} is not one JSON object in canonical form (RFC 8785).", line_no, seq)
            if obj.get("type") == "reach.seal" and "seq" not in obj:
                if not _seal_ok(obj):
                    raise _fail("REACH-1117", f"Line {line_no}: the seal does not carry exactly its fields.", line_no)
                _check("REACH-1114", "the seal's events", str(seq), str(obj["events"]), line_no)
                _check("REACH-1114", "the seal's last_hash", prev, obj["last_hash"], line_no)
                _check("REACH-1114", "the seal's fingerprint", merkle_head(leaves), obj["fingerprint"], line_no)
                sealed = True
                continue
            is_redacted = "redacted" in obj
            if not _event_ok(obj, is_redacted):
                kind = "a redacted event" if is_redacted else "an event"
                raise _fail("REACH-1117", f"Line {line_no} does not carry exactly the fields of {kind}.", line_no, seq)
            where = f"Event {seq} (line {line_no})"
            _check("REACH-1113", f"{where}: its seq", str(seq), str(obj["seq"]), line_no, seq)
            _check("REACH-1112", f"{where}: its prev", prev, obj["prev"], line_no, seq)
            if not is_redacted:
                salted = bytes.fromhex(obj["salt"]) + canonicalize(obj["data"], 64).encode("utf-8")
                _check("REACH-1111", f"{where}: its data_digest", "sha256:" + _sha256(salted).hex(), obj["data_digest"], line_no, seq)
            hash_input = canonicalize({k: obj[k] for k in ("data_digest", "prev", "seq", "type")})
            _check("REACH-1110", f"{where}: its hash", "sha256:" + _sha256(hash_input.encode("utf-8")).hex(), obj["hash"], line_no, seq)
            leaves.append(bytes.fromhex(obj["hash"][7:]))
            redacted += 1 if is_redacted else 0
            prev = obj["hash"]
        if line_no == 0:
            raise _fail("REACH-1104", "The transcript is empty.", 1, 0)
        if not sealed:
            raise _fail("REACH-1116", f"The transcript is not sealed: no seal after {len(leaves)} events; those events verify.", line_no + 1, len(leaves))
    except _Failure as failure:
        error = failure.problem
    pack = header.get("pack") if header else None
    return TranscriptVerification(
        ok=error is None,
        events=len(leaves),
        redacted=redacted,
        fingerprint=merkle_head(leaves),
        sealed=sealed,
        torn=torn,
        chain_intact=error is None or error.code in ("REACH-1115", "REACH-1116"),
        run_id=header.get("run_id") if header else None,
        pack=dict(pack) if isinstance(pack, dict) else None,
        error=error,
    )


def _check(code: str, what: str, expected: str, actual: str, line: int, seq: int | None = None) -> None:
    if expected != actual:
        raise _fail(code, f"{what} does not match: expected {expected}, found {actual}.", line, seq, expected, actual)


def _read_header(raw: bytes) -> dict[str, Any]:
    try:
        loose = json.loads(raw.decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        loose = None
    if not isinstance(loose, dict) or loose.get("type") != "reach.transcript":
        raise _fail("REACH-1101", "Line 1 is not a Reach transcript header.", 1, 0)
    fmt = loose.get("format")
    if type(fmt) is not int or fmt != 1:
        raise _fail("REACH-1102", f"The transcript's format is {json.dumps(fmt)}; this verifier reads format 1.", 1, 0, "1", json.dumps(fmt))
    header = _parse_canonical(raw)
    if header is None or not _header_ok(header):
        raise _fail("REACH-1103", "The header is not canonical or does not carry exactly its fields with their types.", 1, 0)
    return header
