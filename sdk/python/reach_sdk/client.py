"""The client of one Reach runner (``reach serve``)."""

from __future__ import annotations

import urllib.parse
from typing import Any, Iterator, cast

from ._http import Transport
from .runs import Runs
from .session import Session
from .types import JsonObject, SessionInfo, SessionStatus, VersionInfo


class ReachClient:
    """A client of one Reach runner. Sessions gate and record the tool calls of an agent the caller drives; runs
    are packs the runner drives itself.

    Every argument has a default that reaches a local ``reach serve``: ``base_url`` from ``REACH_URL`` or
    http://127.0.0.1:8787, ``token`` from ``REACH_TOKEN``, ``tenant`` from ``REACH_TENANT``.
    """

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
        self.transport = Transport(
            base_url, token=token, tenant=tenant, timeout=timeout, retries=retries, backoff=backoff, max_backoff=max_backoff
        )
        """The HTTP layer (headers, timeouts, retries)."""
        self.runs = Runs(self.transport)
        """Runs of packs: start, list, get, events, verify, replay, transcript."""

    @property
    def base_url(self) -> str:
        """The runner's address."""
        return self.transport.base_url

    def open_session(self, pack: str, *, inputs: JsonObject | None = None, policy: str | JsonObject | None = None, policy_mode: str | None = None) -> Session:
        """Opens a session bound to a pack by name (``NAME`` or ``NAME@VERSION``, installed on the runner or in its pack
        directories; never a path) and optionally a policy bundle, by name or inline as the bundle object.

        Use the session as a context manager to close it on exit.
        """
        body: dict[str, Any] = {"pack": pack}
        if inputs is not None:
            body["inputs"] = inputs
        if policy is not None:
            body["policy"] = policy
        if policy_mode is not None:
            body["policy_mode"] = policy_mode
        info = self.transport.request("POST", "/v1/sessions", body=body).json("POST /v1/sessions")
        return Session(self.transport, cast(SessionInfo, info))

    def get_session(self, session_id: str) -> SessionStatus:
        """A session's state."""
        path = f"/v1/sessions/{urllib.parse.quote(session_id, safe='')}"
        return cast(SessionStatus, self.transport.request("GET", path).json(f"GET {path}"))

    def session(self, session_id: str) -> Session:
        """A handle on a session opened earlier (by id), after checking that it exists for this tenant."""
        status = self.get_session(session_id)
        info: SessionInfo = {
            "session_id": status["session_id"],
            "tenant": status["tenant"],
            "pack": status["pack"],
            "tools": list(status.get("tools") or []),
        }
        if "parent_id" in status:
            info["parent_id"] = status["parent_id"]
        if "depth" in status:
            info["depth"] = status["depth"]
        return Session(self.transport, info)

    def list_sessions(self, *, after: str | None = None, page_size: int | None = None) -> Iterator[SessionStatus]:
        """The tenant's sessions, page after page."""
        cursor = after
        while True:
            page = self.transport.request("GET", "/v1/sessions", query={"after": cursor, "limit": page_size}).json("GET /v1/sessions")
            sessions = page.get("sessions") or []
            yield from sessions
            cursor = page.get("next_after")
            if cursor is None or not sessions:
                return

    def version(self) -> VersionInfo:
        """The runner's version, engine and transcript format."""
        return cast(VersionInfo, self.transport.request("GET", "/v1/version").json("GET /v1/version"))

    def healthy(self) -> bool:
        """True when the runner answers ``GET /healthz``."""
        try:
            return bool(self.transport.request("GET", "/healthz").json("GET /healthz").get("status") == "ok")
        except Exception:
            return False

    def close(self) -> None:
        """Closes this thread's kept-alive connection."""
        self.transport.close()

    def __enter__(self) -> ReachClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
