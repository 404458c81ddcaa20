"""runs.events over Server-Sent Events: parsing, resuming, malformed and truncated streams."""

from __future__ import annotations

import json
from typing import Any, Callable

from conftest import Fake, json_answer, sse_answer
from reach_sdk import SDK_BAD_STREAM, ReachClient, ReachError, parse_sse


def test_parse_sse_reads_id_event_and_data_with_either_line_ending() -> None:
    lines = [b"id: 1\n", b"event: run.started\n", b'data: {"seq":1}\n', b"\n", b": comment\r\n", b"id: 2\r\n", b"event: x\r\n", b"data: a\r\n", b"data: b\r\n", b"\r\n"]
    messages = list(parse_sse(lines))
    assert [(m.id, m.event, m.data) for m in messages] == [("1", "run.started", '{"seq":1}'), ("2", "x", "a\nb")]


def test_parse_sse_drops_a_message_cut_off_by_the_end_of_the_stream() -> None:
    assert len(list(parse_sse([b"id: 1\n", b"data: {}\n", b"\n", b"id: 2\n", b'data: {"trunc']))) == 1


def event(seq: int) -> dict[str, Any]:
    return {"seq": seq, "type": "step.started", "data": {"n": seq}, "data_digest": "sha256:" + "0" * 64, "hash": "sha256:" + str(seq).zfill(64), "prev": "sha256:" + "0" * 64, "salt": "0" * 32}


def frame(seq: int) -> str:
    return f"id: {seq}\nevent: step.started\ndata: {json.dumps(event(seq))}\n\n"


END = 'event: end\ndata: {"status":"succeeded","fingerprint":"sha256:' + "f" * 64 + '"}\n\n'


def collect(client: ReachClient, **options: Any) -> tuple[list[int], ReachError | None]:
    seqs: list[int] = []
    try:
        for e in client.runs.events("r1", **options):
            seqs.append(e["seq"])
    except ReachError as error:
        return seqs, error
    return seqs, None


def test_yields_every_event_and_the_end_message(fake: Callable[..., Fake]) -> None:
    server = fake(sse_answer(frame(0) + frame(1) + END))
    stream = ReachClient(server.url).runs.events("r1")
    assert [e["seq"] for e in stream] == [0, 1]
    assert stream.end is not None and stream.end["status"] == "succeeded"
    headers = server.requests[0]["headers"]
    assert isinstance(headers, dict) and headers["Accept"] == "text/event-stream"


def test_resumes_after_a_dropped_connection_from_the_last_event_id_never_twice(fake: Callable[..., Fake]) -> None:
    server = fake(
        sse_answer(frame(0) + frame(1) + 'id: 2\nevent: step.started\ndata: {"seq":2,'),
        sse_answer(frame(1) + frame(2) + frame(3) + END),
    )
    seqs, error = collect(ReachClient(server.url))
    assert error is None
    assert seqs == [0, 1, 2, 3]
    assert len(server.requests) == 2
    headers = server.requests[1]["headers"]
    assert isinstance(headers, dict) and headers["Last-Event-ID"] == "1"
    assert "after=1" in str(server.requests[1]["path"])


def test_starts_after_the_given_seq(fake: Callable[..., Fake]) -> None:
    server = fake(sse_answer(frame(5) + END))
    seqs, _ = collect(ReachClient(server.url), after=4)
    assert seqs == [5]
    headers = server.requests[0]["headers"]
    assert isinstance(headers, dict) and headers["Last-Event-ID"] == "4"


def test_a_stream_that_keeps_ending_without_its_end_message_is_bad_stream(fake: Callable[..., Fake]) -> None:
    server = fake(sse_answer(frame(0)), sse_answer(""))
    seqs, error = collect(ReachClient(server.url), max_resumes=2)
    assert seqs == [0]
    assert error is not None and error.code == SDK_BAD_STREAM
    assert len(server.requests) == 4


def test_an_event_whose_data_is_not_json_is_bad_stream_naming_it(fake: Callable[..., Fake]) -> None:
    server = fake(sse_answer("id: 0\nevent: run.started\ndata: {not json\n\n" + END))
    _, error = collect(ReachClient(server.url))
    assert error is not None and error.code == SDK_BAD_STREAM
    assert "event 0 is not JSON" in error.message


def test_an_answer_that_is_not_an_event_stream_is_bad_stream(fake: Callable[..., Fake]) -> None:
    server = fake(json_answer(200, {"run_id": "r1", "events": [], "next_after": None}))
    _, error = collect(ReachClient(server.url))
    assert error is not None and error.code == SDK_BAD_STREAM
