"""verify_transcript agrees with `reach verify` on every golden transcript and on broken ones."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest

from conftest import GOLDEN, ROOT, reach_command
from reach_sdk import canonicalize, merkle_head, verify_transcript

GOLDENS = sorted(p.name for p in GOLDEN.glob("*.jsonl"))
HELLO = (GOLDEN / "hello.v1.jsonl").read_bytes()
LINES = [line + b"\n" for line in HELLO.split(b"\n")[:-1]]


def edit(index: int, change: Callable[[dict[str, Any]], None]) -> bytes:
    copy = list(LINES)
    obj = json.loads(copy[index])
    change(obj)
    copy[index] = canonicalize(obj).encode() + b"\n"
    return b"".join(copy)


def _set(key: str, value: object) -> Callable[[dict[str, Any]], None]:
    return lambda o: o.__setitem__(key, value)


def _redact_keep_salt(o: dict[str, Any]) -> None:
    del o["data"]
    o["redacted"] = True


def _tamper_data(o: dict[str, Any]) -> None:
    o["data"]["output"] = "Hello, World!"


def _line(index: int, old: bytes, new: bytes) -> bytes:
    return b"".join(line.replace(old, new) if i == index else line for i, line in enumerate(LINES))


VARIANTS: dict[str, bytes] = {
    "tampered data": edit(5, _tamper_data),
    "tampered hash": edit(3, _set("hash", "sha256:" + "0" * 64)),
    "changed header": edit(0, _set("run_id", "0" * 32)),
    "wrong seq": edit(2, _set("seq", 7)),
    "seal fingerprint": edit(len(LINES) - 1, _set("fingerprint", "sha256:" + "1" * 64)),
    "seal count": edit(len(LINES) - 1, _set("events", 3)),
    "reordered": b"".join([LINES[0], LINES[2], LINES[1], *LINES[3:]]),
    "removed event": b"".join(LINES[:4] + LINES[5:]),
    "torn last line": HELLO[:-20],
    "torn event": b"".join(LINES[:4]) + LINES[4][:50],
    "unsealed": b"".join(LINES[:-1]),
    "after seal": HELLO + LINES[1],
    "not canonical space": _line(2, b'{"data":', b'{ "data":'),
    "not canonical escape": _line(1, b'"run.started"', b'"run\\u002estarted"'),
    "duplicate key": _line(1, b'{"data":', b'{"seq":0,"data":'),
    "redacted keeps salt": edit(4, _redact_keep_salt),
    "empty": b"",
    "not a transcript": b'{"hello":"world"}\n',
    "unknown format": LINES[0].replace(b'"format":1', b'"format":2') + b"".join(LINES[1:]),
    "crlf": HELLO.replace(b"\n", b"\r\n"),
    "invalid utf-8": LINES[0] + b"\xff\xfe\n" + b"".join(LINES[1:]),
    # Torn and over the limit: too long is what reach verify says first (a torn line would be REACH-1115).
    "torn line over the limit": b"".join(LINES[:3]) + b"x" * (64 * 1024 * 1024 + 1),
}


def cli_verify(path: Path) -> dict[str, Any]:
    result = subprocess.run([reach_command(), "verify", "--json", str(path)], cwd=ROOT, capture_output=True, text=True)
    assert result.stdout.strip().startswith("{"), f"reach verify --json printed no JSON (exit {result.returncode}): {result.stdout}{result.stderr}"
    report: dict[str, Any] = json.loads(result.stdout)
    return report


@pytest.mark.parametrize("name", GOLDENS)
def test_golden_transcripts_verify_as_reach_verify_says(name: str) -> None:
    mine = verify_transcript(GOLDEN / name)
    cli = cli_verify(GOLDEN / name)
    assert cli["ok"] is True
    assert mine.ok, mine.error
    assert (mine.events, mine.redacted, mine.fingerprint) == (cli["events"], cli["redacted"], cli["fingerprint"])
    assert mine.sealed


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_broken_transcripts_fail_at_the_same_line_with_the_same_code(name: str, tmp_path: Path) -> None:
    path = tmp_path / "variant.jsonl"
    path.write_bytes(VARIANTS[name])
    mine = verify_transcript(path)
    cli = cli_verify(path)
    assert not mine.ok and not cli["ok"]
    assert mine.error is not None
    error = cli["error"]
    assert mine.error.code == error["code"], (mine.error, error)
    if "line" in error:
        assert mine.error.line == error["line"]
    if "seq" in error:
        assert mine.error.seq == error["seq"]
    if "expected" in error:
        assert mine.error.expected == error["expected"]
    assert (mine.events, mine.fingerprint) == (cli["events"], cli["fingerprint"])


def test_the_redacted_golden_transcript_keeps_the_fingerprint() -> None:
    full = verify_transcript(GOLDEN / "files-and-processes.v1.jsonl")
    redacted = verify_transcript((GOLDEN / "files-and-processes.redacted.v1.jsonl").read_bytes())
    assert redacted.ok and redacted.redacted == 2
    assert redacted.fingerprint == full.fingerprint


def test_a_tampered_event_is_named_with_its_line_seq_and_digests() -> None:
    report = verify_transcript(VARIANTS["tampered data"])
    assert report.error is not None
    assert (report.error.code, report.error.line, report.error.seq) == ("REACH-1111", 6, 4)
    assert "Event 4 (line 6)" in report.error.message
    assert report.events == 4 and not report.chain_intact


def test_a_torn_transcript_keeps_its_whole_events() -> None:
    report = verify_transcript(VARIANTS["torn event"])
    assert report.error is not None and report.error.code == "REACH-1115"
    assert report.torn and report.chain_intact and report.events == 3


def test_merkle_head_matches_the_worked_example() -> None:
    hashes = [
        bytes.fromhex(h)
        for h in (
            "25b962994066cf13771fc25e059c6081e5c2c8f2dbd5c97fc19aa86860de3441",
            "c62c6ca5c44a2ec7121e5e6d026fa0aaeeebc4b7a76fad451c71d0f28a2058f3",
            "5d8b699d740d338fa33e5de629e950c40d7e0aac6c95e4824153a8f0dd3ddf6c",
            "1ee65514460aee48c669f7e34709d0804cfafe0ce26551498f01b6aef0f00981",
        )
    ]
    assert merkle_head(hashes) == "sha256:754d683aded73e6eb95193c8f9e696c32b44dbc04e3755bc9b4ebfe7b20269e0"
    assert merkle_head(hashes[:3]) == "sha256:5f26b60dddcd385469b3808b7320bf6d767a9af1b69f9cd0fa852291dca05af7"
    assert merkle_head([]) == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_canonicalize_writes_the_event_model_examples() -> None:
    assert canonicalize(json.loads('{ "b": 1, "a": [1.0, 2e0] }')) == '{"a":[1,2],"b":1}'
    assert canonicalize(json.loads('"\\u0041\\/\\u00e9"')) == '"A/é"'
    assert canonicalize(json.loads("[1E30, 0.0000001, -0.0, 333333333.33333329]")) == "[1e+30,1e-7,0,333333333.3333333]"
    assert canonicalize(json.loads('"\\u0009\\u001F"')) == '"\\t\\u001f"'
    assert canonicalize(9007199254740993) == "9007199254740992"
    assert canonicalize({"\ufb33": 1, "\U0001f600": 2}) == '{"\U0001f600":2,"\ufb33":1}'
