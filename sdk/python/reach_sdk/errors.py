"""The SDK's one error type and the codes it gives to failures it finds itself."""

from __future__ import annotations

from typing import Any

from .types import Decision

#: The runner could not be reached (refused, reset, DNS) after the retries.
SDK_UNREACHABLE = "SDK-UNREACHABLE"
#: The runner did not answer within the timeout, after the retries.
SDK_TIMEOUT = "SDK-TIMEOUT"
#: The runner answered something that is not the JSON the API promises.
SDK_BAD_RESPONSE = "SDK-BAD-RESPONSE"
#: An event stream was malformed, or kept ending without its end event.
SDK_BAD_STREAM = "SDK-BAD-STREAM"
#: A model's tool call (OpenAI, Anthropic, MCP) that cannot be turned into a Reach call, or a body with no JSON form.
SDK_BAD_TOOL_CALL = "SDK-BAD-TOOL-CALL"
#: A decorated tool's call was denied and the function was not run (when the decision carries no code).
SDK_DENIED = "SDK-DENIED"


class ReachError(Exception):
    """Everything the SDK raises: the catalogue code, the HTTP status, the problem details and the fix."""

    code: str
    """A REACH-xxxx catalogue code from the runner, or one of the SDK_* codes."""
    status: int
    """The HTTP status; 0 when no answer was received."""
    fix: str
    """What to do about it."""
    problem: dict[str, Any] | None
    """The RFC 9457 problem details the runner sent, when it sent them."""
    decision: Decision | None
    """For a denied decorated call, the decision."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        status: int = 0,
        fix: str = "",
        problem: dict[str, Any] | None = None,
        decision: Decision | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.fix = fix
        self.problem = problem
        self.decision = decision

    @property
    def field(self) -> str | None:
        """The field the problem names, for a malformed request (REACH-4001)."""
        value = (self.problem or {}).get("field")
        return value if isinstance(value, str) else None

    def __str__(self) -> str:
        return self.message
