"""The HTTP layer: persistent connections, headers, timeouts, retries with backoff, problem details to ReachError."""

from __future__ import annotations

import http.client
import json
import os
import random
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Mapping

from .errors import SDK_BAD_RESPONSE, SDK_BAD_TOOL_CALL, SDK_TIMEOUT, SDK_UNREACHABLE, ReachError

_RETRY_STATUSES = frozenset({429, 503})


@dataclass
class Response:
    """A successful answer (status below 400)."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self, what: str) -> Any:
        """The body parsed as JSON, or SDK-BAD-RESPONSE."""
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            raise _bad_response(what, self.status, f"it is not JSON: {self.body[:80]!r}") from None


class Transport:
    """Sends requests to one runner, with the retry rules of docs/SDK.md."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        token: str | None = None,
        tenant: str | None = None,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.1,
        max_backoff: float = 30.0,
    ) -> None:
        self.base_url = (base_url or os.environ.get("REACH_URL") or "http://127.0.0.1:8787").rstrip("/")
        parsed = urllib.parse.urlsplit(self.base_url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(f"base_url must be an http(s) URL, not {self.base_url!r}")
        self._scheme = parsed.scheme
        self._host = parsed.hostname
        self._port = parsed.port or (443 if parsed.scheme == "https" else 80)
        self._prefix = parsed.path.rstrip("/")
        self.token = token if token is not None else os.environ.get("REACH_TOKEN") or None
        self.tenant = tenant if tenant is not None else os.environ.get("REACH_TENANT") or None
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._local = threading.local()

    def connect(self) -> http.client.HTTPConnection:
        """A new connection to the runner (not yet opened)."""
        if self._scheme == "https":
            return http.client.HTTPSConnection(self._host, self._port, timeout=self.timeout)
        return http.client.HTTPConnection(self._host, self._port, timeout=self.timeout)

    def target(self, path: str, query: Mapping[str, object | None] | None = None) -> str:
        """The request target: the base URL's path, the path and the query."""
        target = self._prefix + path
        if query:
            pairs = [(k, str(v)) for k, v in query.items() if v is not None]
            if pairs:
                target += "?" + urllib.parse.urlencode(pairs)
        return target

    def headers(self, extra: Mapping[str, str] | None = None, *, accept: str = "application/json") -> dict[str, str]:
        """The headers every request carries: accept, token, tenant."""
        headers = {"Accept": accept}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.tenant:
            headers["X-Tenant-ID"] = self.tenant
        if extra:
            headers.update(extra)
        return headers

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self.connect()
            self._local.conn = conn
            return conn, False
        return conn, True

    def _drop(self) -> None:
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
        self._local.conn = None

    def close(self) -> None:
        """Closes this thread's connection."""
        self._drop()

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, object | None] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
    ) -> Response:
        """Sends the request, retrying as the rules say, and returns the successful answer."""
        what = f"{method} {path}"
        all_headers = self.headers(headers)
        payload: bytes | None = None
        if body is not None:
            try:
                payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")
            except (TypeError, ValueError) as error:
                raise ReachError(
                    f"The body of {what} is not JSON: {error}.",
                    code=SDK_BAD_TOOL_CALL,
                    fix="Pass and return JSON values only (dict, list, str, int, float, bool, None) as tools' inputs and outputs.",
                ) from error
            all_headers["Content-Type"] = "application/json"
        target = self.target(path, query)
        safe = idempotent if idempotent is not None else method == "GET"
        attempt = 0
        stale_retried = False
        while True:
            conn, reused = self._connection()
            try:
                conn.request(method, target, body=payload, headers=all_headers)
                raw = conn.getresponse()
                data = raw.read()
                status = raw.status
                answer_headers = {k.lower(): v for k, v in raw.getheaders()}
                if raw.will_close:
                    self._drop()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as error:
                self._drop()
                if reused and not stale_retried:
                    # A kept-alive connection the runner had closed: the request never reached it. Once, at once.
                    stale_retried = True
                    continue
                if attempt < self.retries and safe:
                    time.sleep(self._backoff(attempt))
                    attempt += 1
                    continue
                raise self.failure(what, error, attempt + 1) from error
            except (OSError, http.client.HTTPException) as error:
                self._drop()
                refused = isinstance(error, (ConnectionRefusedError, socket.gaierror))
                if attempt < self.retries and (refused or safe):
                    time.sleep(self._backoff(attempt))
                    attempt += 1
                    continue
                raise self.failure(what, error, attempt + 1) from error
            if status < 400:
                return Response(status, answer_headers, data)
            if status in _RETRY_STATUSES and attempt < self.retries:
                wait = _retry_after(answer_headers.get("retry-after"))
                time.sleep(min(wait if wait is not None else self._backoff(attempt), self.max_backoff))
                attempt += 1
                continue
            raise problem_error(what, status, data)

    def _backoff(self, attempt: int) -> float:
        base: float = min(self.backoff * (2**attempt), self.max_backoff)
        return base / 2 + random.random() * base / 2

    def failure(self, what: str, error: BaseException, attempts: int) -> ReachError:
        """The error for a request that got no answer."""
        tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
        if isinstance(error, (TimeoutError, socket.timeout)):
            return ReachError(
                f"The runner at {self.base_url} did not answer {what} within {self.timeout} s ({tries}).",
                code=SDK_TIMEOUT,
                fix="Check that the runner is not overloaded or stuck (GET /healthz), or raise timeout.",
            )
        return ReachError(
            f"The runner at {self.base_url} could not be reached for {what} ({tries}): {error!r}.",
            code=SDK_UNREACHABLE,
            fix="Start it with `reach serve` (it listens on http://127.0.0.1:8787 by default), "
            "or pass the address it prints as base_url.",
        )


def _bad_response(what: str, status: int, why: str) -> ReachError:
    return ReachError(
        f"The runner's answer to {what} (HTTP {status}) is unusable: {why}.",
        code=SDK_BAD_RESPONSE,
        status=status,
        fix="Check that base_url points at a Reach runner (GET /v1/version) and not at another server or a proxy.",
    )


def problem_error(what: str, status: int, data: bytes) -> ReachError:
    """The ReachError for an error answer: the problem's code, status, detail and fix."""
    try:
        problem = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        problem = None
    if not isinstance(problem, dict) or not isinstance(problem.get("code"), str):
        return _bad_response(what, status, f"an error without problem details: {data[:80]!r}")
    message = problem.get("detail") or problem.get("title") or f"HTTP {status}"
    fix = problem.get("fix")
    return ReachError(
        f"{problem['code']}: {message}",
        code=problem["code"],
        status=status,
        fix=fix if isinstance(fix, str) else "",
        problem=problem,
    )


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value)
        return seconds if seconds >= 0 else None
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
