"""Drives examples/fastapi-basic's app with HTTP requests (FastAPI's TestClient) against a real runner."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "sdk" / "python"))
sys.path.insert(0, str(ROOT / "sdk" / "python" / "tests"))
sys.path.insert(0, str(HERE))

from app import PACK, create_app  # noqa: E402
from reach_sdk import ReachClient, Session, verify_transcript  # noqa: E402
from runner_support import start_runner, stop_runner  # noqa: E402


@pytest.fixture(scope="module")
def setup() -> Iterator[tuple[TestClient, Session]]:
    runner = start_runner()
    notes = tempfile.TemporaryDirectory()
    try:
        session = ReachClient(runner.url).open_session(PACK)
        yield TestClient(create_app(session, Path(notes.name))), session
    finally:
        stop_runner(runner)
        notes.cleanup()


def test_a_note_is_written_and_read_back_through_reach(setup: tuple[TestClient, Session]) -> None:
    http, _ = setup
    written = http.post("/notes/todo", json={"text": "ship the SDKs"})
    assert written.status_code == 201
    assert written.json() == {"path": "todo.txt", "bytes": 13}
    read = http.get("/notes/todo")
    assert read.status_code == 200 and read.json()["content"] == "ship the SDKs"


def test_a_missing_note_is_404_and_the_failed_read_is_recorded(setup: tuple[TestClient, Session]) -> None:
    http, session = setup
    assert http.get("/notes/nothing-here").status_code == 404
    assert any(e["type"] == "tool.error" and "nothing-here" in e["data"]["message"] for e in session.events())


def test_a_denied_action_answers_403_with_reachs_reason(setup: tuple[TestClient, Session]) -> None:
    http, _ = setup
    denied = http.post("/cleanup")
    assert denied.status_code == 403
    assert denied.json()["code"] == "REACH-2201"
    assert "proc.exec" in denied.json()["error"]


def test_the_audit_trail_verifies_and_closing_seals_it(setup: tuple[TestClient, Session]) -> None:
    http, session = setup
    audit = http.get("/audit").json()
    assert audit["chain_intact"] is True and audit["events"] > 0
    closed = session.close()
    report = verify_transcript(session.transcript())
    assert report.ok and report.fingerprint == closed["fingerprint"]
