"""Runs against a real runner: start, the event stream to its end, get, list, verify, replay, transcript."""

from __future__ import annotations

import http.client
from typing import Iterator

import pytest

from conftest import Runner
from reach_sdk import ReachClient, verify_transcript
from reach_sdk import runs as runs_module


@pytest.fixture
def client(runner: Runner) -> ReachClient:
    return ReachClient(runner.url, backoff=0.01)


def test_start_follow_get_verify_replay_and_download(client: ReachClient) -> None:
    run = client.runs.start("hello", {"name": "SDK"})
    assert len(run["run_id"]) == 32 and run["pack"]["name"] == "hello"
    stream = client.runs.events(run["run_id"])
    events = list(stream)
    assert [e["seq"] for e in events] == list(range(len(events)))
    assert events[0]["type"] == "run.started" and events[-1]["type"] == "run.finished"
    assert stream.end is not None and stream.end["status"] == "succeeded"
    finished = client.runs.get(run["run_id"])
    assert finished["status"] == "succeeded"
    assert finished.get("fingerprint") == stream.end["fingerprint"]
    verified = client.runs.verify(run["run_id"])
    assert verified["ok"] and verified["fingerprint"] == finished.get("fingerprint")
    replayed = client.runs.replay(run["run_id"])
    assert replayed["ok"] and replayed["identical"]
    offline = verify_transcript(client.runs.transcript(run["run_id"]))
    assert offline.ok, offline.error
    assert offline.fingerprint == finished.get("fingerprint") and offline.events == len(events)


def test_events_resume_from_a_given_seq(client: ReachClient) -> None:
    run = client.runs.start("hello")
    client.runs.wait(run["run_id"])
    assert next(iter(client.runs.events(run["run_id"], after=3)))["seq"] == 4


def test_a_stream_cut_after_its_first_event_is_resumed_every_event_once(client: ReachClient, monkeypatch: pytest.MonkeyPatch) -> None:
    run = client.runs.start("hello")
    client.runs.wait(run["run_id"])
    original = runs_module._lines
    opened: list[int] = []

    def cut(response: http.client.HTTPResponse) -> Iterator[bytes]:
        # The first stream ends after its first event, as a dropped connection would end it.
        opened.append(1)
        for line in original(response):
            yield line
            if len(opened) == 1 and line in (b"\n", b"\r\n"):
                return

    monkeypatch.setattr(runs_module, "_lines", cut)
    stream = client.runs.events(run["run_id"])
    seqs = [e["seq"] for e in stream]
    assert len(opened) == 2 and stream.resumes == 1
    assert seqs == list(range(client.runs.get(run["run_id"])["events"]))
    assert stream.end is not None and stream.end["status"] == "succeeded"


def test_a_denied_run_ends_denied(client: ReachClient) -> None:
    run = client.runs.start("denied")
    assert client.runs.wait(run["run_id"])["status"] == "denied"


def test_list_pages_through_runs_and_filters_by_status(client: ReachClient) -> None:
    started = [client.runs.start("hello")["run_id"] for _ in range(3)]
    for run_id in started:
        client.runs.wait(run_id)
    listed = []
    for run in client.runs.list(status="succeeded", page_size=2):
        assert run["status"] == "succeeded"
        listed.append(run["run_id"])
    assert set(started) <= set(listed)
