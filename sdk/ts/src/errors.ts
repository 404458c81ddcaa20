import type { Decision, Problem } from "./types.js";

/**
 * Codes the SDK gives to failures it finds itself (the runner's own are REACH-xxxx from docs/ERROR_CODES.md).
 */
export const SdkCodes = {
  /** The runner could not be reached (refused, reset, DNS) after the retries. */
  unreachable: "SDK-UNREACHABLE",
  /** The runner did not answer within timeoutMs, after the retries. */
  timeout: "SDK-TIMEOUT",
  /** The runner answered something that is not the JSON the API promises. */
  badResponse: "SDK-BAD-RESPONSE",
  /** An event stream was malformed or ended without its end event, after the resumptions. */
  badStream: "SDK-BAD-STREAM",
  /** A model's tool call (OpenAI, Anthropic, MCP) that cannot be turned into a Reach call, or a body with no JSON form. */
  badToolCall: "SDK-BAD-TOOL-CALL",
  /** A call wrapped with `wrap` was denied: the wrapped function was not run. */
  denied: "SDK-DENIED",
} as const;

/** Everything the SDK throws: the catalogue code, the HTTP status, the problem details and the fix. */
export class ReachError extends Error {
  override readonly name = "ReachError";
  /** A REACH-xxxx catalogue code from the runner, or one of {@link SdkCodes}. */
  readonly code: string;
  /** The HTTP status; 0 when no answer was received. */
  readonly status: number;
  /** What to do about it. */
  readonly fix: string;
  /** The RFC 9457 problem details the runner sent, when it sent them. */
  readonly problem: Problem | undefined;
  /** For a denied wrapped call, the decision. */
  readonly decision: Decision | undefined;

  constructor(
    message: string,
    init: { code: string; status?: number; fix?: string; problem?: Problem; decision?: Decision; cause?: unknown },
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status ?? 0;
    this.fix = init.fix ?? "";
    this.problem = init.problem;
    this.decision = init.decision;
  }

  /** The field the problem names, for a malformed request (REACH-4001). */
  get field(): string | undefined {
    return typeof this.problem?.field === "string" ? this.problem.field : undefined;
  }
}
