import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  fromAnthropic,
  fromMcp,
  fromOpenAIChat,
  fromOpenAIResponses,
  ReachError,
  SdkCodes,
  toAnthropic,
  toMcp,
  toOpenAIChat,
  toOpenAIResponses,
  type OutcomeLike,
} from "../src/index.js";

const permit = { allowed: true, effect: "permit" as const, rules: ["reach.declared-tool"] };
const ok: OutcomeLike = { decision: permit, status: "succeeded", output: { bytes: 2, path: "a.txt" } };
const failed: OutcomeLike = { decision: permit, status: "failed", error: { code: "REACH-2221", message: "the path leaves the workspace" } };
const denied: OutcomeLike = {
  decision: { allowed: false, effect: "deny", code: "REACH-2201", reason: "The tool 'proc.exec' is not declared.", rules: ["reach.declared-tool"], gate: "policy" },
  status: "denied",
};

describe("OpenAI Chat Completions", () => {
  // An assistant message as the Chat Completions API returns it.
  const message = {
    role: "assistant",
    content: null,
    tool_calls: [
      { id: "call_abc", type: "function", function: { name: "fs_write", arguments: '{"path":"a.txt","content":"hi"}' } },
      { id: "call_def", type: "function", function: { name: "echo", arguments: "" } },
    ],
  };

  test("tool_calls become Reach calls, names mapped and arguments parsed", () => {
    assert.deepEqual(fromOpenAIChat(message, { toolNames: { fs_write: "fs.write" } }), [
      { id: "call_abc", tool: "fs.write", input: { path: "a.txt", content: "hi" } },
      { id: "call_def", tool: "echo", input: {} },
    ]);
  });

  test("results go back as tool messages; a denial says so", () => {
    const [call] = fromOpenAIChat(message.tool_calls);
    assert.deepEqual(toOpenAIChat(call!, ok), { role: "tool", tool_call_id: "call_abc", content: '{"bytes":2,"path":"a.txt"}' });
    assert.equal(toOpenAIChat(call!, denied).content, "Denied by Reach (REACH-2201): The tool 'proc.exec' is not declared.");
  });

  test("arguments that are not JSON are SDK-BAD-TOOL-CALL", () => {
    assert.throws(
      () => fromOpenAIChat([{ id: "c", type: "function", function: { name: "echo", arguments: "{oops" } }]),
      (e: unknown) => e instanceof ReachError && e.code === SdkCodes.badToolCall,
    );
  });
});

describe("OpenAI Responses", () => {
  const response = {
    id: "resp_1",
    object: "response",
    output: [
      { type: "reasoning", id: "rs_1", summary: [] },
      { type: "function_call", id: "fc_1", call_id: "call_1", name: "hash_sha256", arguments: '{"text":"hi"}', status: "completed" },
    ],
  };

  test("function_call items become Reach calls; other items are skipped", () => {
    assert.deepEqual(fromOpenAIResponses(response, { toolNames: { hash_sha256: "hash.sha256" } }), [
      { id: "call_1", tool: "hash.sha256", input: { text: "hi" } },
    ]);
  });

  test("results go back as function_call_output items", () => {
    const [call] = fromOpenAIResponses(response.output);
    assert.deepEqual(toOpenAIResponses(call!, failed), {
      type: "function_call_output",
      call_id: "call_1",
      output: "Error (REACH-2221): the path leaves the workspace",
    });
  });
});

describe("Anthropic Messages", () => {
  const message = {
    id: "msg_1",
    type: "message",
    role: "assistant",
    content: [
      { type: "text", text: "I'll list the files." },
      { type: "tool_use", id: "toolu_01", name: "proc.exec", input: { command: "ls" } },
    ],
    stop_reason: "tool_use",
  };

  test("tool_use blocks become Reach calls", () => {
    assert.deepEqual(fromAnthropic(message), [{ id: "toolu_01", tool: "proc.exec", input: { command: "ls" } }]);
  });

  test("results go back as tool_result blocks, errors and denials flagged", () => {
    const [call] = fromAnthropic(message.content);
    assert.deepEqual(toAnthropic(call!, denied), {
      type: "tool_result",
      tool_use_id: "toolu_01",
      content: "Denied by Reach (REACH-2201): The tool 'proc.exec' is not declared.",
      is_error: true,
    });
    assert.deepEqual(toAnthropic(call!, { ...ok, output: "plain text" }), { type: "tool_result", tool_use_id: "toolu_01", content: "plain text" });
  });
});

describe("MCP tools/call", () => {
  const request = { jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "fs.read", arguments: { path: "a.txt" } } };

  test("a tools/call request becomes a Reach call", () => {
    assert.deepEqual(fromMcp(request), { id: 7, tool: "fs.read", input: { path: "a.txt" } });
  });

  test("the result is a JSON-RPC response with text and structured content", () => {
    assert.deepEqual(toMcp(fromMcp(request), ok), {
      jsonrpc: "2.0",
      id: 7,
      result: { content: [{ type: "text", text: '{"bytes":2,"path":"a.txt"}' }], isError: false, structuredContent: { bytes: 2, path: "a.txt" } },
    });
    assert.equal(toMcp(fromMcp(request), denied).result.isError, true);
  });

  test("another method is SDK-BAD-TOOL-CALL", () => {
    assert.throws(() => fromMcp({ jsonrpc: "2.0", id: 1, method: "tools/list" }), (e: unknown) => e instanceof ReachError && e.code === SdkCodes.badToolCall);
  });
});
