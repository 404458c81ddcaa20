#!/usr/bin/env python3
"""Verify a Reach transcript (format 1) with nothing but the Python standard library.

Written from docs/EVENT_MODEL.md, not from the C# code, so that the two can check each other.

    python3 tools/verify_transcript.py FILE [--json]

Exit 0: every line canonical (RFC 8785), the header well formed, seq consecutive from 0, every prev linked,
every data digest (redacted events excepted) and event hash recomputed, and the seal's count, last hash and
RFC 6962 fingerprint matching. Exit 1: the first bad line, its seq, expected and actual. A torn last line or
a missing seal is exit 1 too, though the whole events before it verify, and so is a line longer than 64 MiB, which
is refused without being read whole (memory stays bounded, as in `reach verify`). Exit 2: the file is not a transcript
(or is one of a format this verifier does not read).
"""
import hashlib
import json
import re
import sys
from decimal import Decimal

HEADER = {"engine", "format", "inputs_digest", "pack", "pack_digest", "policy_digest", "run_id", "type"}
FULL_EVENT = {"data", "data_digest", "hash", "prev", "salt", "seq", "type"}
REDACTED_EVENT = {"data_digest", "hash", "prev", "redacted", "seq", "type"}
SEAL = {"events", "fingerprint", "last_hash", "type"}
DIGESTS = ("data_digest", "hash", "prev", "inputs_digest", "pack_digest", "policy_digest", "fingerprint", "last_hash")
FIELD_TYPES = {  # what each field holds; data holds any JSON value
    **{k: lambda v: isinstance(v, str) and re.fullmatch("sha256:[0-9a-f]{64}", v) for k in DIGESTS},
    **{k: lambda v: type(v) is int and v >= 0 for k in ("seq", "format", "events")},
    **{k: lambda v: isinstance(v, str) for k in ("type", "engine", "run_id")},
    "salt": lambda v: isinstance(v, str) and re.fullmatch("[0-9a-f]{32}", v),
    "pack": lambda v: isinstance(v, dict) and set(v) == {"name", "version"} and all(type(s) is str for s in v.values()),
    "redacted": lambda v: v is True,
    "data": lambda v: True,
}
MAX_LINE_BYTES = 64 * 1024 * 1024  # docs/EVENT_MODEL.md: a longer line is refused, so memory stays bounded
ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


class Failure(Exception):
    """Args: code, message, line[, seq, expected, actual]. not_transcript and unknown_format exit 2, the others 1."""


def es_number(x):
    """A double as ECMAScript's Number.prototype.toString writes it (RFC 8785 section 3.2.2.3)."""
    if x != x or abs(x) == float("inf"):
        raise ValueError("NaN and infinities have no JSON form")
    if x == 0:
        return "0"
    _, digits, exponent = Decimal(repr(abs(x))).normalize().as_tuple()  # repr: the shortest digits that round-trip
    s, k, n = "".join(map(str, digits)), len(digits), len(digits) + exponent  # |x| = 0.s * 10**n, s has k digits
    if k <= n <= 21:
        text = s + "0" * (n - k)
    elif 0 < n <= 21:
        text = s[:n] + "." + s[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + s
    else:
        text = s[0] + ("." + s[1:] if k > 1 else "") + "e" + ("+" if n > 0 else "-") + str(abs(n - 1))
    return ("-" if x < 0 else "") + text


def canonical(value, depth=0):
    """The RFC 8785 text of a parsed JSON value."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int) and abs(value) <= 2**53:
        return str(value)
    if isinstance(value, (int, float)):  # a JSON number is a double: a larger integer rounds as in JavaScript
        return es_number(float(value))
    if isinstance(value, str):
        return '"' + "".join(ESCAPES.get(c) or (f"\\u{ord(c):04x}" if c < " " else c) for c in value) + '"'
    if depth >= 64:
        raise ValueError("arrays and objects nest at most 64 deep")
    if isinstance(value, list):
        return "[" + ",".join(canonical(item, depth + 1) for item in value) + "]"
    members = sorted(value.items(), key=lambda member: member[0].encode("utf-16-be"))  # by UTF-16 code units
    return "{" + ",".join(canonical(k) + ":" + canonical(v, depth + 1) for k, v in members) + "}"


def parse(raw):
    """The object on a line that is exactly its canonical form, else None."""
    try:
        # An object with a duplicate key becomes null, so the line cannot equal its canonical form.
        value = json.loads(raw.decode("utf-8"), object_pairs_hook=lambda kv: dict(kv) if len(dict(kv)) == len(kv) else None)
        return value if isinstance(value, dict) and canonical(value).encode("utf-8") == raw else None
    except (ValueError, RecursionError, OverflowError):  # bad UTF-8 or JSON, lone surrogates, huge numbers
        return None


def has_fields(obj, fields):
    return set(obj) == fields and all(FIELD_TYPES[k](v) for k, v in obj.items())


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def merkle_head(leaves):
    """RFC 6962 section 2.1: leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left || right)."""
    if len(leaves) <= 1:
        return hashlib.sha256(b"\x00" + leaves[0] if leaves else b"").digest()
    k = 1 << ((len(leaves) - 1).bit_length() - 1)  # the largest power of two below n
    return hashlib.sha256(b"\x01" + merkle_head(leaves[:k]) + merkle_head(leaves[k:])).digest()


def read_lines(stream):
    """Each line with its newline, read at most MAX_LINE_BYTES + 1 bytes at a time: a longer line is refused unread."""
    number = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            raise Failure("too_long", f"the line is longer than {MAX_LINE_BYTES} bytes", number)
        yield raw


def verify(stream, leaves, redacted):
    lines = read_lines(stream)
    first = next(lines, b"")
    if not first.endswith(b"\n"):
        raise Failure("torn", "line 1 is torn", 1) if first else Failure("not_transcript", "the file is empty", 1)
    try:
        loose = json.loads(first.decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        loose = None
    if not isinstance(loose, dict) or loose.get("type") != "reach.transcript":
        raise Failure("not_transcript", "line 1 is not a Reach transcript header", 1)
    if type(loose.get("format")) is not int or loose["format"] != 1:
        raise Failure("unknown_format", "this verifier reads format 1", 1, None, "1", json.dumps(loose.get("format")))
    header = parse(first[:-1])
    if header is None or not has_fields(header, HEADER):
        raise Failure("header", "the header is not canonical or does not carry exactly its fields", 1)
    prev, sealed, line = sha256(first[:-1]), False, 1
    while True:
        try:
            raw = next(lines, None)
        except Failure as failure:  # too long: on an event's line it names the seq expected there, like any bad event
            raise Failure(*failure.args[:3], None if sealed else len(leaves)) from None
        if raw is None:
            break
        line, seq = line + 1, len(leaves)
        if not raw.endswith(b"\n"):
            raise Failure("torn", f"the line is torn; the {seq} whole events before it verify", line, seq)
        if sealed:
            raise Failure("after_seal", "a line follows the seal", line)
        obj = parse(raw[:-1])
        if obj is None:
            raise Failure("not_canonical", "the line is not one JSON object in canonical form", line, seq)
        sealed = obj.get("type") == "reach.seal" and "seq" not in obj
        kind = "seal" if sealed else "redacted event" if "redacted" in obj else "event"
        if not has_fields(obj, {"seal": SEAL, "redacted event": REDACTED_EVENT, "event": FULL_EVENT}[kind]):
            raise Failure("malformed", f"the line does not carry exactly the fields of a {kind}", line, None if sealed else seq)
        if sealed:
            checks = [("events", seq), ("last_hash", prev), ("fingerprint", "sha256:" + merkle_head(leaves).hex())]
        else:
            checks = [("seq", seq), ("prev", prev)]
            if "redacted" not in obj:
                salted_data = bytes.fromhex(obj["salt"]) + canonical(obj["data"]).encode("utf-8")
                checks.append(("data_digest", sha256(salted_data)))
            hash_input = canonical({k: obj[k] for k in ("data_digest", "prev", "seq", "type")})
            checks.append(("hash", sha256(hash_input.encode("utf-8"))))
        for field, expected in checks:
            if obj[field] != expected:
                message = ("the seal's " if sealed else f"event {seq}'s ") + field + " does not match"
                raise Failure("seal" if sealed else field, message, line, None if sealed else seq, str(expected), str(obj[field]))
        if sealed:
            continue
        leaves.append(bytes.fromhex(obj["hash"][7:]))  # a leaf's data: the 32 bytes of the event hash
        redacted += [seq] if "redacted" in obj else []
        prev = obj["hash"]
    if not sealed:
        raise Failure("unsealed", f"no seal after {len(leaves)} events; those events verify", line + 1, len(leaves))


def main(argv):
    if len(argv) not in (1, 2) or argv[1:] not in ([], ["--json"]):
        print("usage: verify_transcript.py FILE [--json]", file=sys.stderr)
        return 2
    leaves, redacted, error = [], [], None
    try:
        with open(argv[0], "rb") as stream:
            verify(stream, leaves, redacted)
    except (Failure, OSError) as failure:
        details = failure.args if isinstance(failure, Failure) else ("not_transcript", str(failure), None)
        error = dict(zip(("code", "message", "line", "seq", "expected", "actual"), details + (None,) * 6))
    fingerprint = "sha256:" + merkle_head(leaves).hex()
    if "--json" in argv:
        print(json.dumps({"ok": not error, "events": len(leaves), "redacted": len(redacted), "fingerprint": fingerprint,
                          "error": error}))
    elif not error:
        print(f"OK {len(leaves)} events ({len(redacted)} redacted) fingerprint {fingerprint}")
    else:
        where = f"line {error['line']}" + ("" if error["seq"] is None else f", seq {error['seq']}")
        found = "" if error["expected"] is None else f": expected {error['expected']}, found {error['actual']}"
        print(f"FAIL ({error['code']}) {where}: {error['message']}{found}")
    return 0 if not error else 2 if error["code"] in ("not_transcript", "unknown_format") else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
