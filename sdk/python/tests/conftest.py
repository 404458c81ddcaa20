"""Test support: the repository's paths, a real runner (``reach serve``) and a scripted fake server."""

from __future__ import annotations

import json
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterator

import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "sdk" / "python"))

from runner_support import Runner, reach_command, start_runner, stop_runner  # noqa: E402

__all__ = ["Runner", "reach_command", "start_runner", "stop_runner"]

GOLDEN = ROOT / "tests" / "golden"
AGENT_PACK = "sdk-agent"
TIGHT_PACK = "sdk-tight"


@pytest.fixture(scope="module")
def runner() -> Iterator[Runner]:
    started = start_runner()
    try:
        yield started
    finally:
        stop_runner(started)


# ---- a scripted fake server for failure tests ----

Handler = Callable[[BaseHTTPRequestHandler, bytes], None]


@dataclass
class Fake:
    url: str
    requests: list[dict[str, object]] = field(default_factory=list)


def json_answer(status: int, value: object, headers: dict[str, str] | None = None) -> Handler:
    def handle(h: BaseHTTPRequestHandler, _body: bytes) -> None:
        data = json.dumps(value).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/problem+json" if status >= 400 else "application/json")
        h.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)

    return handle


def text_answer(status: int, text: str, kind: str = "text/html") -> Handler:
    def handle(h: BaseHTTPRequestHandler, _body: bytes) -> None:
        data = text.encode()
        h.send_response(status)
        h.send_header("Content-Type", kind)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    return handle


def sse_answer(body: str) -> Handler:
    """Writes an event stream and closes the connection (a stream without its end event is a dropped one)."""

    def handle(h: BaseHTTPRequestHandler, _body: bytes) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(body.encode())
        h.wfile.flush()
        h.close_connection = True

    return handle


def silent(stop: threading.Event) -> Handler:
    def handle(_h: BaseHTTPRequestHandler, _body: bytes) -> None:
        stop.wait()

    return handle


@pytest.fixture
def fake() -> Iterator[Callable[..., Fake]]:
    servers: list[ThreadingHTTPServer] = []
    stop = threading.Event()

    def make(*handlers: Handler) -> Fake:
        result = Fake("")

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                index = min(len(result.requests), len(handlers) - 1)
                result.requests.append({"method": self.command, "path": self.path, "headers": dict(self.headers.items()), "body": body})
                handlers[index](self, body)

            do_GET = _serve
            do_POST = _serve

        server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        server.daemon_threads = True
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        result.url = f"http://127.0.0.1:{server.server_address[1]}"
        return result

    make.stop = stop  # type: ignore[attr-defined]
    yield make
    stop.set()
    for server in servers:
        server.shutdown()
        server.server_close()
