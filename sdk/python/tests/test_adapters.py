"""Adapters from OpenAI, Anthropic and MCP tool calls to Reach calls, and results back."""

from __future__ import annotations

import pytest

from reach_sdk import (
    SDK_BAD_TOOL_CALL,
    CallOutcome,
    ReachError,
    ToolCallRequest,
    from_anthropic,
    from_mcp,
    from_openai_chat,
    from_openai_responses,
    to_anthropic,
    to_mcp,
    to_openai_chat,
    to_openai_responses,
)

PERMIT = {"allowed": True, "effect": "permit", "rules": ["reach.declared-tool"]}
OK = CallOutcome(decision=PERMIT, status="succeeded", seq=4, hash="h", output={"bytes": 2, "path": "a.txt"})  # type: ignore[arg-type]
FAILED = CallOutcome(decision=PERMIT, status="failed", seq=4, hash="h", error={"code": "REACH-2221", "message": "the path leaves the workspace"})  # type: ignore[arg-type]
DENIED = CallOutcome(
    decision={"allowed": False, "effect": "deny", "code": "REACH-2201", "reason": "The tool 'proc.exec' is not declared.", "rules": ["reach.declared-tool"], "gate": "policy"},
    status="denied",
    seq=3,
    hash="h",
)

CHAT_MESSAGE = {
    "role": "assistant",
    "content": None,
    "tool_calls": [
        {"id": "call_abc", "type": "function", "function": {"name": "fs_write", "arguments": '{"path":"a.txt","content":"hi"}'}},
        {"id": "call_def", "type": "function", "function": {"name": "echo", "arguments": ""}},
    ],
}


def test_openai_chat_tool_calls_become_reach_calls() -> None:
    assert from_openai_chat(CHAT_MESSAGE, {"fs_write": "fs.write"}) == [
        ToolCallRequest("call_abc", "fs.write", {"path": "a.txt", "content": "hi"}),
        ToolCallRequest("call_def", "echo", {}),
    ]


def test_openai_chat_results_go_back_as_tool_messages() -> None:
    call = from_openai_chat(CHAT_MESSAGE["tool_calls"])[0]
    assert to_openai_chat(call, OK) == {"role": "tool", "tool_call_id": "call_abc", "content": '{"bytes":2,"path":"a.txt"}'}
    assert to_openai_chat(call, DENIED)["content"] == "Denied by Reach (REACH-2201): The tool 'proc.exec' is not declared."


def test_openai_chat_arguments_that_are_not_json_are_bad_tool_call() -> None:
    with pytest.raises(ReachError) as caught:
        from_openai_chat([{"id": "c", "type": "function", "function": {"name": "echo", "arguments": "{oops"}}])
    assert caught.value.code == SDK_BAD_TOOL_CALL


RESPONSE = {
    "id": "resp_1",
    "object": "response",
    "output": [
        {"type": "reasoning", "id": "rs_1", "summary": []},
        {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "hash_sha256", "arguments": '{"text":"hi"}', "status": "completed"},
    ],
}


def test_openai_responses_function_calls_become_reach_calls() -> None:
    assert from_openai_responses(RESPONSE, {"hash_sha256": "hash.sha256"}) == [ToolCallRequest("call_1", "hash.sha256", {"text": "hi"})]


def test_openai_responses_results_go_back_as_function_call_output() -> None:
    call = from_openai_responses(RESPONSE["output"])[0]
    assert to_openai_responses(call, FAILED) == {"type": "function_call_output", "call_id": "call_1", "output": "Error (REACH-2221): the path leaves the workspace"}


ANTHROPIC = {
    "id": "msg_1",
    "type": "message",
    "role": "assistant",
    "content": [{"type": "text", "text": "I'll list the files."}, {"type": "tool_use", "id": "toolu_01", "name": "proc.exec", "input": {"command": "ls"}}],
    "stop_reason": "tool_use",
}


def test_anthropic_tool_use_blocks_become_reach_calls() -> None:
    assert from_anthropic(ANTHROPIC) == [ToolCallRequest("toolu_01", "proc.exec", {"command": "ls"})]


def test_anthropic_results_go_back_as_tool_result_blocks() -> None:
    call = from_anthropic(ANTHROPIC["content"])[0]
    assert to_anthropic(call, DENIED) == {
        "type": "tool_result",
        "tool_use_id": "toolu_01",
        "content": "Denied by Reach (REACH-2201): The tool 'proc.exec' is not declared.",
        "is_error": True,
    }
    ok_text = CallOutcome(decision=OK.decision, status="succeeded", seq=1, hash="h", output="plain text")
    assert to_anthropic(call, ok_text) == {"type": "tool_result", "tool_use_id": "toolu_01", "content": "plain text"}


MCP = {"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": "fs.read", "arguments": {"path": "a.txt"}}}


def test_an_mcp_tools_call_becomes_a_reach_call() -> None:
    assert from_mcp(MCP) == ToolCallRequest(7, "fs.read", {"path": "a.txt"})


def test_the_mcp_result_is_a_json_rpc_response_with_text_and_structured_content() -> None:
    assert to_mcp(from_mcp(MCP), OK) == {
        "jsonrpc": "2.0",
        "id": 7,
        "result": {"content": [{"type": "text", "text": '{"bytes":2,"path":"a.txt"}'}], "isError": False, "structuredContent": {"bytes": 2, "path": "a.txt"}},
    }
    assert to_mcp(from_mcp(MCP), DENIED)["result"]["isError"] is True


def test_another_mcp_method_is_bad_tool_call() -> None:
    with pytest.raises(ReachError) as caught:
        from_mcp({"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert caught.value.code == SDK_BAD_TOOL_CALL
