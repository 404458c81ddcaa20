"""Adapters between the tool-call shapes models and protocols already use and Reach calls.

OpenAI Chat Completions ``tool_calls``, OpenAI Responses ``function_call`` items, Anthropic ``tool_use`` blocks and
MCP ``tools/call`` requests in; the matching result shapes out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping, Protocol

from .errors import SDK_BAD_TOOL_CALL, ReachError
from .types import Decision, ToolError


@dataclass(frozen=True)
class ToolCallRequest:
    """A tool call in Reach's terms, with the id the model gave it so the result can be sent back."""

    id: str | int
    """The model's or the client's id of the call (tool_call_id, call_id, tool_use id, JSON-RPC id)."""
    tool: str
    """The Reach tool name (after ``tool_names``)."""
    input: Any
    """The tool's input."""


class OutcomeLike(Protocol):
    """What any call outcome has (``CallOutcome`` is one)."""

    @property
    def decision(self) -> Decision: ...

    @property
    def status(self) -> str: ...

    @property
    def output(self) -> Any: ...

    @property
    def error(self) -> ToolError | None: ...


def _bad(why: str) -> ReachError:
    return ReachError(
        f"The tool call cannot be read: {why}.",
        code=SDK_BAD_TOOL_CALL,
        fix="Pass the tool call exactly as the model or the MCP client sent it.",
    )


def _name(name: str, tool_names: Mapping[str, str] | None) -> str:
    return (tool_names or {}).get(name, name)


def _arguments(text: Any, ident: object) -> Any:
    if text is None or text == "":
        return {}
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        raise _bad(f"the arguments of call {ident} are not JSON: {text[:80]!r}") from None


def outcome_text(outcome: OutcomeLike) -> str:
    """The text a model reads back: the output (strings as they are, other values as JSON), the error, or the denial."""
    decision = outcome.decision
    if outcome.status == "denied" or not decision.get("allowed"):
        code = f" ({decision['code']})" if decision.get("code") else ""
        return f"Denied by Reach{code}: {decision.get('reason', 'the call is not permitted')}"
    if outcome.status == "failed":
        error = outcome.error or {"code": "REACH-2220", "message": "the tool failed"}
        return f"Error ({error.get('code', 'REACH-2220')}): {error.get('message', 'the tool failed')}"
    output = outcome.output
    return output if isinstance(output, str) else json.dumps(output, separators=(",", ":"), ensure_ascii=False)


# ---- OpenAI Chat Completions ----


def from_openai_chat(message_or_calls: Any, tool_names: Mapping[str, str] | None = None) -> list[ToolCallRequest]:
    """Reads the ``tool_calls`` of an assistant message (or the list itself) from OpenAI Chat Completions."""
    calls = message_or_calls if isinstance(message_or_calls, list) else (message_or_calls or {}).get("tool_calls") or [] if isinstance(message_or_calls, dict) else None
    if not isinstance(calls, list):
        raise _bad("expected an assistant message with tool_calls, or the tool_calls list")
    out = []
    for call in calls:
        function = call.get("function") if isinstance(call, dict) else None
        if not isinstance(call, dict) or not isinstance(call.get("id"), str) or not isinstance(function, dict) or not isinstance(function.get("name"), str):
            raise _bad("a tool call needs an id and a function with a name")
        if call.get("type", "function") != "function":
            raise _bad(f"the call {call['id']} is of type {call.get('type')}, not function")
        out.append(ToolCallRequest(call["id"], _name(function["name"], tool_names), _arguments(function.get("arguments"), call["id"])))
    return out


def to_openai_chat(call: ToolCallRequest, outcome: OutcomeLike) -> dict[str, Any]:
    """The ``role: "tool"`` message that answers one Chat Completions tool call."""
    return {"role": "tool", "tool_call_id": str(call.id), "content": outcome_text(outcome)}


# ---- OpenAI Responses ----


def from_openai_responses(response_or_items: Any, tool_names: Mapping[str, str] | None = None) -> list[ToolCallRequest]:
    """Reads the ``function_call`` items of an OpenAI Responses output (other items are skipped)."""
    items = response_or_items if isinstance(response_or_items, list) else response_or_items.get("output") if isinstance(response_or_items, dict) else None
    if not isinstance(items, list):
        raise _bad("expected a response with output, or the output list")
    out = []
    for item in items:
        if not isinstance(item, dict) or item.get("type") != "function_call":
            continue
        if not isinstance(item.get("call_id"), str) or not isinstance(item.get("name"), str):
            raise _bad("a function_call needs a call_id and a name")
        out.append(ToolCallRequest(item["call_id"], _name(item["name"], tool_names), _arguments(item.get("arguments"), item["call_id"])))
    return out


def to_openai_responses(call: ToolCallRequest, outcome: OutcomeLike) -> dict[str, Any]:
    """The ``function_call_output`` input item that answers one Responses function call."""
    return {"type": "function_call_output", "call_id": str(call.id), "output": outcome_text(outcome)}


# ---- Anthropic Messages ----


def from_anthropic(message_or_content: Any, tool_names: Mapping[str, str] | None = None) -> list[ToolCallRequest]:
    """Reads the ``tool_use`` blocks of an Anthropic message (or of its content list)."""
    blocks = message_or_content if isinstance(message_or_content, list) else message_or_content.get("content") if isinstance(message_or_content, dict) else None
    if not isinstance(blocks, list):
        raise _bad("expected a message with content, or the content list")
    out = []
    for block in blocks:
        if not isinstance(block, dict) or block.get("type") != "tool_use":
            continue
        if not isinstance(block.get("id"), str) or not isinstance(block.get("name"), str):
            raise _bad("a tool_use block needs an id and a name")
        out.append(ToolCallRequest(block["id"], _name(block["name"], tool_names), block.get("input") or {}))
    return out


def to_anthropic(call: ToolCallRequest, outcome: OutcomeLike) -> dict[str, Any]:
    """The ``tool_result`` block that answers one ``tool_use`` block."""
    result: dict[str, Any] = {"type": "tool_result", "tool_use_id": str(call.id), "content": outcome_text(outcome)}
    if outcome.status != "succeeded":
        result["is_error"] = True
    return result


# ---- MCP ----


def from_mcp(request: Any, tool_names: Mapping[str, str] | None = None) -> ToolCallRequest:
    """Reads an MCP ``tools/call`` JSON-RPC request."""
    if not isinstance(request, dict) or request.get("jsonrpc") != "2.0":
        raise _bad("expected a JSON-RPC 2.0 request")
    if request.get("method") != "tools/call":
        raise _bad(f"the method is {request.get('method')!r}, not tools/call")
    ident = request.get("id")
    if not isinstance(ident, (str, int)) or isinstance(ident, bool):
        raise _bad("a tools/call request needs an id")
    params = request.get("params")
    if not isinstance(params, dict) or not isinstance(params.get("name"), str):
        raise _bad("tools/call params need a name")
    arguments = params.get("arguments") or {}
    if not isinstance(arguments, dict):
        raise _bad("tools/call arguments must be an object")
    return ToolCallRequest(ident, _name(params["name"], tool_names), arguments)


def to_mcp(call: ToolCallRequest, outcome: OutcomeLike) -> dict[str, Any]:
    """The JSON-RPC response to an MCP ``tools/call``: a text block, and the output as structured content when it is an object."""
    result: dict[str, Any] = {"content": [{"type": "text", "text": outcome_text(outcome)}], "isError": outcome.status != "succeeded"}
    if outcome.status == "succeeded" and isinstance(outcome.output, dict):
        result["structuredContent"] = outcome.output
    return {"jsonrpc": "2.0", "id": call.id, "result": result}
