"""Reach's Python SDK: put every tool call of an agent through Reach's gates and get a verifiable transcript back.

Standard library only. See sdk/python/README.md.
"""

from .adapters import (
    OutcomeLike,
    ToolCallRequest,
    from_anthropic,
    from_mcp,
    from_openai_chat,
    from_openai_responses,
    outcome_text,
    to_anthropic,
    to_mcp,
    to_openai_chat,
    to_openai_responses,
)
from .canonical import canonicalize
from .client import ReachClient
from .errors import (
    SDK_BAD_RESPONSE,
    SDK_BAD_STREAM,
    SDK_BAD_TOOL_CALL,
    SDK_DENIED,
    SDK_TIMEOUT,
    SDK_UNREACHABLE,
    ReachError,
)
from .runs import RunEventStream, Runs
from .session import CallOutcome, Session
from .sse import SseMessage, parse_sse
from .verify import TranscriptProblem, TranscriptVerification, merkle_head, verify_transcript

__version__ = "0.1.0"

__all__ = [
    "CallOutcome",
    "OutcomeLike",
    "ReachClient",
    "ReachError",
    "RunEventStream",
    "Runs",
    "SDK_BAD_RESPONSE",
    "SDK_BAD_STREAM",
    "SDK_BAD_TOOL_CALL",
    "SDK_DENIED",
    "SDK_TIMEOUT",
    "SDK_UNREACHABLE",
    "Session",
    "SseMessage",
    "ToolCallRequest",
    "TranscriptProblem",
    "TranscriptVerification",
    "canonicalize",
    "from_anthropic",
    "from_mcp",
    "from_openai_chat",
    "from_openai_responses",
    "merkle_head",
    "outcome_text",
    "parse_sse",
    "to_anthropic",
    "to_mcp",
    "to_openai_chat",
    "to_openai_responses",
    "verify_transcript",
]
