"""Runs of packs driven by the runner: start, list, get, events (SSE with resume), verify, replay, transcript."""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.parse
from typing import Any, Iterator, Mapping, cast

from ._http import Transport, problem_error
from .errors import SDK_BAD_STREAM, ReachError
from .sse import parse_sse
from .types import JsonObject, Run, RunEnd, RunReplay, RunVerification
from .verify import TranscriptVerification, verify_transcript


def _stream_error(why: str) -> ReachError:
    return ReachError(
        f"The run's event stream is malformed: {why}.",
        code=SDK_BAD_STREAM,
        fix="Check that base_url points at a Reach runner and that no proxy rewrites the stream.",
    )


def _lines(response: http.client.HTTPResponse) -> Iterator[bytes]:
    while True:
        line = response.readline()
        if not line:
            return
        yield line


class RunEventStream:
    """The events of a run as they are recorded, read from the runner's Server-Sent Events stream.

    Iterate over it. After a dropped connection it reconnects with ``Last-Event-ID`` and goes on from the last
    event it yielded, never yielding one twice. ``end`` holds the end message (status, fingerprint) once the run
    has finished and the stream ended.
    """

    def __init__(self, transport: Transport, run_id: str, *, after: int | None = None, max_resumes: int = 5) -> None:
        self._transport = transport
        self._run_id = run_id
        self._max_resumes = max_resumes
        self.last_seq: int | None = after
        """The seq of the last event yielded."""
        self.end: RunEnd | None = None
        """The end message, once the stream has ended."""
        self.resumes = 0
        """How many times the stream was resumed after a drop."""

    def _open(self) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        path = f"/v1/runs/{urllib.parse.quote(self._run_id, safe='')}/events"
        extra = {"Last-Event-ID": str(self.last_seq)} if self.last_seq is not None else {}
        headers = self._transport.headers(extra, accept="text/event-stream")
        target = self._transport.target(path, {"after": self.last_seq})
        attempt = 0
        while True:
            conn = self._transport.connect()
            try:
                conn.request("GET", target, headers=headers)
                response = conn.getresponse()
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                if attempt < self._transport.retries:
                    time.sleep(self._transport._backoff(attempt))
                    attempt += 1
                    continue
                raise self._transport.failure(f"GET {path}", error, attempt + 1) from error
            if response.status >= 400:
                body = response.read()
                conn.close()
                if response.status in (429, 503) and attempt < self._transport.retries:
                    time.sleep(self._transport._backoff(attempt))
                    attempt += 1
                    continue
                raise problem_error(f"GET {path}", response.status, body)
            kind = response.getheader("content-type") or ""
            if not kind.startswith("text/event-stream"):
                conn.close()
                raise _stream_error(f"the answer is {kind or 'of no content type'}, not text/event-stream")
            return conn, response

    def __iter__(self) -> Iterator[dict[str, Any]]:
        fruitless = 0
        while True:
            conn, response = self._open()
            progressed = False
            idle = False
            dropped: BaseException | None = None
            try:
                for message in parse_sse(_lines(response)):
                    if message.event == "end":
                        self.end = cast(RunEnd, _parse(message.data, "the end message"))
                        return
                    event = _parse(message.data, f"event {message.id or '?'}")
                    seq = event.get("seq")
                    if not isinstance(seq, int):
                        try:
                            seq = int(message.id or "")
                        except ValueError:
                            raise _stream_error(f"an event carries no seq (id {message.id!r})") from None
                    if self.last_seq is not None and seq <= self.last_seq:
                        continue  # already yielded before a resume
                    self.last_seq = seq
                    progressed = True
                    yield event
            except (TimeoutError, socket.timeout):
                # Nothing for `timeout` seconds: the run is busy, not the stream broken. Reconnect and go on waiting.
                idle = True
            except (OSError, http.client.HTTPException) as error:
                dropped = error
            finally:
                conn.close()
            # The stream ended (or broke) before its end message: resume after the last event.
            fruitless = 0 if progressed or idle else fruitless + 1
            if fruitless > self._max_resumes:
                why = f" ({dropped!r})" if dropped else ""
                raise ReachError(
                    f"The event stream of run {self._run_id} ended {fruitless} times in a row without its end message{why}.",
                    code=SDK_BAD_STREAM,
                    fix="Check the runner's health (GET /healthz) and any proxy that buffers or cuts streams; "
                    "read the events with runs.event_pages meanwhile.",
                )
            self.resumes += 1
            time.sleep(min(0.1 * 2 ** max(0, fruitless - 1), 2.0))


def _parse(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        raise _stream_error(f"{what} is not JSON: {text[:80]!r}") from None
    if not isinstance(value, dict):
        raise _stream_error(f"{what} is not a JSON object")
    return value


class Runs:
    """Runs of packs driven by the runner."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    @staticmethod
    def _path(run_id: str, suffix: str = "") -> str:
        return f"/v1/runs/{urllib.parse.quote(run_id, safe='')}{suffix}"

    def start(self, pack: str, inputs: JsonObject | None = None, *, policy: str | JsonObject | None = None) -> Run:
        """Starts a run of a pack by name (installed on the runner or in its pack directories); answers at once, status ``running``."""
        body: dict[str, Any] = {"pack": pack}
        if inputs is not None:
            body["inputs"] = inputs
        if policy is not None:
            body["policy"] = policy
        return cast(Run, self._transport.request("POST", "/v1/runs", body=body).json("POST /v1/runs"))

    def list(self, *, status: str | None = None, pack: str | None = None, after: str | None = None, page_size: int | None = None) -> Iterator[Run]:
        """All runs that match, page after page."""
        cursor = after
        while True:
            query: Mapping[str, object | None] = {"status": status, "pack": pack, "after": cursor, "limit": page_size}
            page = self._transport.request("GET", "/v1/runs", query=query).json("GET /v1/runs")
            runs = page.get("runs") or []
            yield from runs
            cursor = page.get("next_after")
            if cursor is None or not runs:
                return

    def get(self, run_id: str) -> Run:
        """One run."""
        return cast(Run, self._transport.request("GET", self._path(run_id)).json("GET run"))

    def events(self, run_id: str, *, after: int | None = None, max_resumes: int = 5) -> RunEventStream:
        """The run's events as a live stream (Server-Sent Events) that resumes after a dropped connection."""
        return RunEventStream(self._transport, run_id, after=after, max_resumes=max_resumes)

    def event_pages(self, run_id: str, *, after: int | None = None, page_size: int | None = None) -> Iterator[dict[str, Any]]:
        """The run's recorded events as JSON pages (no stream), from the one after ``after``."""
        cursor = after
        while True:
            page = self._transport.request("GET", self._path(run_id, "/events"), query={"after": cursor, "limit": page_size}).json("GET events")
            events = page.get("events") or []
            yield from events
            cursor = page.get("next_after")
            if cursor is None or not events:
                return

    def verify(self, run_id: str) -> RunVerification:
        """Asks the runner to verify the run's transcript."""
        return cast(RunVerification, self._transport.request("POST", self._path(run_id, "/verify"), idempotent=True).json("POST verify"))

    def replay(self, run_id: str) -> RunReplay:
        """Asks the runner to replay the run and compare fingerprints."""
        return cast(RunReplay, self._transport.request("POST", self._path(run_id, "/replay"), idempotent=True).json("POST replay"))

    def transcript(self, run_id: str) -> bytes:
        """The run's transcript, JSON Lines bytes."""
        return self._transport.request("GET", self._path(run_id, "/transcript")).body

    def verify_offline(self, run_id: str) -> TranscriptVerification:
        """Downloads the run's transcript and verifies it offline."""
        return verify_transcript(self.transcript(run_id))

    def wait(self, run_id: str) -> Run:
        """Waits until the run has finished (by following its event stream) and returns it."""
        for _ in self.events(run_id):
            pass
        return self.get(run_id)
