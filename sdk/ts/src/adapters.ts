/**
 * Adapters between the tool-call shapes models and protocols already use and Reach calls: OpenAI Chat Completions
 * `tool_calls`, OpenAI Responses `function_call` items, Anthropic `tool_use` blocks and MCP `tools/call` requests in;
 * the matching result shapes out.
 */
import { ReachError, SdkCodes } from "./errors.js";
import type { Decision, JsonObject, JsonValue, ToolError } from "./types.js";

/** A tool call in Reach's terms, with the id the model gave it so the result can be sent back. */
export interface ToolCallRequest {
  /** The model's or the client's id of the call (tool_call_id, call_id, tool_use id, JSON-RPC id). */
  id: string | number;
  /** The Reach tool name (after {@link AdapterOptions.toolNames}). */
  tool: string;
  /** The tool's input. */
  input: JsonValue;
}

/** What any call outcome has in common ({@link CallOutcome} and {@link RecordOutcome} are such). */
export interface OutcomeLike {
  decision: Decision;
  status: "succeeded" | "failed" | "denied";
  output?: JsonValue;
  error?: ToolError;
}

/** Options of the adapters going in. */
export interface AdapterOptions {
  /**
   * Model-side names mapped to Reach tool names, e.g. `{ fs_read: "fs.read" }` (OpenAI function names cannot hold
   * a dot). A name not in the map is used as it is.
   */
  toolNames?: Record<string, string>;
}

function reachName(name: string, options: AdapterOptions | undefined): string {
  return options?.toolNames?.[name] ?? name;
}

function bad(why: string): ReachError {
  return new ReachError(`The tool call cannot be read: ${why}.`, {
    code: SdkCodes.badToolCall,
    fix: "Pass the tool call exactly as the model or the MCP client sent it.",
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function parseArguments(text: unknown, id: string): JsonValue {
  if (text === undefined || text === null || text === "") return {};
  if (typeof text !== "string") return text as JsonValue;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw bad(`the arguments of call ${id} are not JSON: ${JSON.stringify(text.slice(0, 80))}`);
  }
}

/** The text a model reads back: the output (strings as they are, other values as JSON), the error, or the denial. */
export function outcomeText(outcome: OutcomeLike): string {
  if (outcome.status === "denied" || !outcome.decision.allowed) {
    const code = outcome.decision.code ? ` (${outcome.decision.code})` : "";
    return `Denied by Reach${code}: ${outcome.decision.reason ?? "the call is not permitted"}`;
  }
  if (outcome.status === "failed") {
    return `Error (${outcome.error?.code ?? "REACH-2220"}): ${outcome.error?.message ?? "the tool failed"}`;
  }
  const output = outcome.output ?? null;
  return typeof output === "string" ? output : JSON.stringify(output);
}

function isError(outcome: OutcomeLike): boolean {
  return outcome.status !== "succeeded";
}

// ---- OpenAI Chat Completions ----

/** Reads the `tool_calls` of an assistant message (or the array itself) from OpenAI Chat Completions. */
export function fromOpenAIChat(messageOrCalls: unknown, options?: AdapterOptions): ToolCallRequest[] {
  const calls = Array.isArray(messageOrCalls) ? messageOrCalls : isObject(messageOrCalls) ? messageOrCalls["tool_calls"] ?? [] : undefined;
  if (!Array.isArray(calls)) throw bad("expected an assistant message with tool_calls, or the tool_calls array");
  return calls.map((call: unknown) => {
    if (!isObject(call) || typeof call["id"] !== "string" || !isObject(call["function"]) || typeof call["function"]["name"] !== "string") {
      throw bad("a tool call needs an id and a function with a name");
    }
    if (call["type"] !== undefined && call["type"] !== "function") throw bad(`the call ${call["id"]} is of type ${String(call["type"])}, not function`);
    return { id: call["id"], tool: reachName(call["function"]["name"], options), input: parseArguments(call["function"]["arguments"], call["id"]) };
  });
}

/** The `role: "tool"` message that answers one Chat Completions tool call. */
export function toOpenAIChat(call: ToolCallRequest, outcome: OutcomeLike): { role: "tool"; tool_call_id: string; content: string } {
  return { role: "tool", tool_call_id: String(call.id), content: outcomeText(outcome) };
}

// ---- OpenAI Responses ----

/** Reads the `function_call` items of an OpenAI Responses output (other items are skipped). */
export function fromOpenAIResponses(responseOrItems: unknown, options?: AdapterOptions): ToolCallRequest[] {
  const items = Array.isArray(responseOrItems) ? responseOrItems : isObject(responseOrItems) ? responseOrItems["output"] : undefined;
  if (!Array.isArray(items)) throw bad("expected a response with output, or the output array");
  const calls: ToolCallRequest[] = [];
  for (const item of items) {
    if (!isObject(item) || item["type"] !== "function_call") continue;
    if (typeof item["call_id"] !== "string" || typeof item["name"] !== "string") throw bad("a function_call needs a call_id and a name");
    calls.push({ id: item["call_id"], tool: reachName(item["name"], options), input: parseArguments(item["arguments"], item["call_id"]) });
  }
  return calls;
}

/** The `function_call_output` input item that answers one Responses function call. */
export function toOpenAIResponses(call: ToolCallRequest, outcome: OutcomeLike): { type: "function_call_output"; call_id: string; output: string } {
  return { type: "function_call_output", call_id: String(call.id), output: outcomeText(outcome) };
}

// ---- Anthropic Messages ----

/** Reads the `tool_use` blocks of an Anthropic message (or of its content array). */
export function fromAnthropic(messageOrContent: unknown, options?: AdapterOptions): ToolCallRequest[] {
  const blocks = Array.isArray(messageOrContent) ? messageOrContent : isObject(messageOrContent) ? messageOrContent["content"] : undefined;
  if (!Array.isArray(blocks)) throw bad("expected a message with content, or the content array");
  const calls: ToolCallRequest[] = [];
  for (const block of blocks) {
    if (!isObject(block) || block["type"] !== "tool_use") continue;
    if (typeof block["id"] !== "string" || typeof block["name"] !== "string") throw bad("a tool_use block needs an id and a name");
    calls.push({ id: block["id"], tool: reachName(block["name"], options), input: (block["input"] ?? {}) as JsonValue });
  }
  return calls;
}

/** The `tool_result` block that answers one `tool_use` block. */
export function toAnthropic(
  call: ToolCallRequest,
  outcome: OutcomeLike,
): { type: "tool_result"; tool_use_id: string; content: string; is_error?: true } {
  return { type: "tool_result", tool_use_id: String(call.id), content: outcomeText(outcome), ...(isError(outcome) ? { is_error: true as const } : {}) };
}

// ---- MCP ----

/** A JSON-RPC 2.0 response to an MCP `tools/call` request. */
export interface McpToolsCallResponse {
  jsonrpc: "2.0";
  id: string | number;
  result: { content: { type: "text"; text: string }[]; isError: boolean; structuredContent?: JsonObject };
}

/** Reads an MCP `tools/call` JSON-RPC request. */
export function fromMcp(request: unknown, options?: AdapterOptions): ToolCallRequest {
  if (!isObject(request) || request["jsonrpc"] !== "2.0") throw bad("expected a JSON-RPC 2.0 request");
  if (request["method"] !== "tools/call") throw bad(`the method is ${JSON.stringify(request["method"])}, not tools/call`);
  const id = request["id"];
  if (typeof id !== "string" && typeof id !== "number") throw bad("a tools/call request needs an id");
  const params = request["params"];
  if (!isObject(params) || typeof params["name"] !== "string") throw bad("tools/call params need a name");
  const args = params["arguments"] ?? {};
  if (!isObject(args)) throw bad("tools/call arguments must be an object");
  return { id, tool: reachName(params["name"], options), input: args as JsonValue };
}

/** The JSON-RPC response to an MCP `tools/call` request: a text content block, and the output as structured content when it is an object. */
export function toMcp(call: ToolCallRequest, outcome: OutcomeLike): McpToolsCallResponse {
  const output = outcome.output;
  const structured = outcome.status === "succeeded" && isObject(output) ? { structuredContent: output as JsonObject } : {};
  return {
    jsonrpc: "2.0",
    id: call.id,
    result: { content: [{ type: "text", text: outcomeText(outcome) }], isError: isError(outcome), ...structured },
  };
}
