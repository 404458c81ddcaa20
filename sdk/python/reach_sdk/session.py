"""A session: every tool call of an agent the caller drives, gated by policy and budget and recorded."""

from __future__ import annotations

import functools
import inspect
import re
import urllib.parse
import uuid
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Callable, Iterator, Mapping, ParamSpec, TypeVar, cast

from ._http import Transport
from .errors import SDK_BAD_RESPONSE, SDK_DENIED, ReachError
from .types import CloseResult, Decision, JsonValue, SessionInfo, SessionStatus, ToolError
from .verify import TranscriptVerification, verify_transcript

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

_CODE = re.compile(r"REACH-\d{4}")


@dataclass
class CallOutcome:
    """What one call came to. A denial is a value: ``allowed`` is False and ``status`` is ``"denied"``."""

    decision: Decision
    """The gates' decision: allowed, effect, code, reason, rules, gate."""
    status: str
    """``succeeded``, ``failed`` or ``denied``."""
    seq: int
    """The seq of the last event the call wrote."""
    hash: str
    """The hash of that event."""
    output: Any = None
    """The tool's output, when it succeeded."""
    error: ToolError | None = None
    """The tool's error (code, message), when it failed."""
    replayed: bool = False
    """True when the runner answered from an earlier call with the same Idempotency-Key."""
    value: Any = None
    """For ``record``: what the caller's function returned, unchanged (None when it never ran)."""

    @property
    def allowed(self) -> bool:
        """Whether the gates permitted the call."""
        return bool(self.decision.get("allowed"))


def _error_result(thrown: BaseException) -> dict[str, str]:
    message = str(thrown) or type(thrown).__name__
    code = getattr(thrown, "code", None)
    return {"message": message, "code": code} if isinstance(code, str) and _CODE.fullmatch(code) else {"message": message}


class Session:
    """An open session on the runner. Use it as a context manager to close it (and seal its transcript) on exit."""

    def __init__(self, transport: Transport, info: SessionInfo) -> None:
        self._transport = transport
        self.info = info
        """What the runner answered when the session was opened (pack, tools, parent, depth)."""
        self.id: str = info["session_id"]
        """The session's id on the runner."""
        self.closed: CloseResult | None = None
        """What ``close`` answered, once closed."""

    @property
    def tools(self) -> list[str]:
        """The tools the pack declares."""
        return list(self.info.get("tools", []))

    def _path(self, suffix: str = "") -> str:
        return f"/v1/sessions/{urllib.parse.quote(self.id, safe='')}{suffix}"

    def call(self, tool: str, input: JsonValue = None, *, step: str | None = None, idempotency_key: str | None = None) -> CallOutcome:
        """Calls a tool the runner executes itself (a built-in such as ``echo`` or ``fs.read``)."""
        body: dict[str, Any] = {"tool": tool, "input": {} if input is None else input}
        if step is not None:
            body["step"] = step
        return self._send(body, idempotency_key)

    def decide(self, tool: str, input: JsonValue = None) -> Decision:
        """Asks the gates about a call without recording anything (a dry evaluation)."""
        answer = self._transport.request(
            "POST", self._path("/decide"), body={"tool": tool, "input": {} if input is None else input}, idempotent=True
        ).json(f"POST {self._path('/decide')}")
        if not isinstance(answer, dict) or not isinstance(answer.get("decision"), dict):
            raise ReachError("The runner's answer to decide has no decision.", code=SDK_BAD_RESPONSE, status=200)
        return cast(Decision, answer["decision"])

    def record(
        self,
        tool: str,
        input: T,
        run: Callable[[T], R],
        *,
        step: str | None = None,
        idempotency_key: str | None = None,
    ) -> CallOutcome:
        """Runs a tool the caller executes itself, through the gates.

        When the call is denied, ``run`` is never called and the denial is recorded and returned. When it is
        permitted, ``run(input)`` runs and its return value is recorded (and returned as ``value``); if it raises,
        its error is recorded as the call's result and the exception is re-raised unchanged.
        """
        base: dict[str, Any] = {"tool": tool, "input": input}
        if step is not None:
            base["step"] = step
        decision = self.decide(tool, cast(JsonValue, input))
        if not decision.get("allowed"):
            # execute=False: should the gates allow it by now, the runner refuses (REACH-4010) instead of running it.
            return self._send({**base, "execute": False}, idempotency_key)
        try:
            value = run(input)
        except Exception as thrown:
            try:
                self._send({**base, "result": {"error": _error_result(thrown)}}, idempotency_key)
            except ReachError as recording:
                raise ReachError(
                    f"The error of '{tool}' could not be recorded: {recording.message}",
                    code=recording.code,
                    status=recording.status,
                    fix=recording.fix,
                ) from thrown
            raise
        outcome = self._send({**base, "result": {"output": value}}, idempotency_key)
        outcome.value = value
        return outcome

    def tool(self, name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
        """A decorator: each call of the function goes through ``record`` as the tool ``name``.

        The call's arguments, bound to the function's parameter names, are the tool's input. A denied call raises
        a ReachError carrying the decision (its code is the denial's REACH code); the function is not run.
        """

        def decorate(fn: Callable[P, R]) -> Callable[P, R]:
            signature = inspect.signature(fn)

            @functools.wraps(fn)
            def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
                bound = signature.bind(*args, **kwargs)
                bound.apply_defaults()
                arguments = dict(bound.arguments)
                outcome = self.record(name, arguments, lambda _input: fn(*bound.args, **bound.kwargs))
                if not outcome.allowed:
                    decision = outcome.decision
                    raise ReachError(
                        f"Reach denied '{name}': {decision.get('reason', 'no reason given')}",
                        code=decision.get("code", SDK_DENIED),
                        status=403,
                        fix="Declare the tool in the pack (and grant its permissions), or change the policy or budget that denied it.",
                        decision=decision,
                    )
                return cast(R, outcome.value)

            return wrapper

        return decorate

    def spawn(self, *, tools: list[str] | None = None, budget: Mapping[str, int] | None = None) -> Session:
        """Opens a child session limited to a subset of this one's tools (and its own budget)."""
        body: dict[str, Any] = {}
        if tools is not None:
            body["tools"] = tools
        if budget is not None:
            body["budget"] = dict(budget)
        info = self._transport.request("POST", self._path("/spawn"), body=body).json("POST spawn")
        return Session(self._transport, cast(SessionInfo, info))

    def close(self) -> CloseResult:
        """Closes the session: the runner records ``run.finished`` and seals the transcript. Returns the fingerprint."""
        self.closed = cast(CloseResult, self._transport.request("POST", self._path("/close")).json("POST close"))
        return self.closed

    def status(self) -> SessionStatus:
        """The session's state on the runner."""
        return cast(SessionStatus, self._transport.request("GET", self._path()).json("GET session"))

    def events(self, *, after: int | None = None, page_size: int | None = None) -> Iterator[dict[str, Any]]:
        """The recorded events, page after page, from the one after ``after`` (default: the first)."""
        cursor = after
        while True:
            page = self._transport.request("GET", self._path("/events"), query={"after": cursor, "limit": page_size}).json("GET events")
            events = page.get("events") or []
            yield from events
            cursor = page.get("next_after")
            if cursor is None or not events:
                return

    def transcript(self) -> bytes:
        """The transcript's JSON Lines bytes (unsealed while the session is open)."""
        return self._transport.request("GET", self._path("/transcript")).body

    def verify(self) -> TranscriptVerification:
        """Downloads the transcript and verifies it offline."""
        return verify_transcript(self.transcript())

    def __enter__(self) -> Session:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        if self.closed is None:
            self.close()

    def _send(self, body: dict[str, Any], key: str | None) -> CallOutcome:
        path = self._path("/tool-calls")
        response = self._transport.request(
            "POST", path, body=body, headers={"Idempotency-Key": key or uuid.uuid4().hex}, idempotent=True
        )
        answer = response.json(f"POST {path}")
        if not isinstance(answer, dict) or not isinstance(answer.get("decision"), dict):
            raise ReachError("The runner's answer to a tool call has no decision.", code=SDK_BAD_RESPONSE, status=response.status)
        return CallOutcome(
            decision=cast(Decision, answer["decision"]),
            status=str(answer.get("status")),
            seq=int(answer.get("seq", -1)),
            hash=str(answer.get("hash", "")),
            output=answer.get("output"),
            error=cast("ToolError | None", answer.get("error")),
            replayed=response.headers.get("idempotent-replayed") == "true",
        )
