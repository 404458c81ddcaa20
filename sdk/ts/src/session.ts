import { randomUUID } from "node:crypto";
import { ReachError, SdkCodes } from "./errors.js";
import type { Transport } from "./http.js";
import type {
  CloseResult,
  DecideResult,
  Decision,
  JsonValue,
  SessionEventPage,
  SessionInfo,
  SessionStatus,
  ToolCallResult,
  TranscriptEvent,
} from "./types.js";
import { verifyTranscript, type TranscriptVerification } from "./verify.js";

/** What one call through a session came to. A denial is a value: `decision.allowed === false`, `status: "denied"`. */
export interface CallOutcome extends ToolCallResult {
  /** True when the runner answered from an earlier call with the same Idempotency-Key (nothing new recorded). */
  replayed: boolean;
}

/** What {@link Session.record} came to: the recorded call, and the caller's own return value when it ran. */
export interface RecordOutcome<T> extends CallOutcome {
  /** What `run` returned, unchanged (absent when the call was denied and `run` never ran). */
  value?: T;
}

/** Options of one call. */
export interface CallOptions {
  /** A label recorded with the call (`step` in the transcript). */
  step?: string;
  /** The Idempotency-Key to send; by default a fresh random one per call, reused by its retries. */
  idempotencyKey?: string;
}

/** Options of {@link Session.spawn}. */
export interface SpawnOptions {
  /** The tools the child may call: a subset of the parent's (default: all of them). */
  tools?: string[];
  /** The child's own budget. */
  budget?: { max_tool_calls?: number };
}

/** An open agent session on the runner: every call is gated by policy and budget and recorded in its transcript. */
export class Session {
  /** The session's id on the runner. */
  readonly id: string;

  constructor(
    private readonly transport: Transport,
    /** What the runner answered when the session was opened (pack, tools, parent, depth). */
    readonly info: SessionInfo,
  ) {
    this.id = info.session_id;
  }

  /** The tools the pack declares. */
  get tools(): readonly string[] {
    return this.info.tools;
  }

  /** Calls a tool the runner executes itself (a built-in such as `echo` or `fs.read`). */
  call(tool: string, input: JsonValue = {}, options: CallOptions = {}): Promise<CallOutcome> {
    return this.send({ tool, input, ...(options.step !== undefined ? { step: options.step } : {}) }, options.idempotencyKey);
  }

  /** Asks the gates about a call without recording anything (a dry evaluation). */
  async decide(tool: string, input: JsonValue = {}): Promise<Decision> {
    const { value } = await this.transport.json<DecideResult>({
      method: "POST",
      path: `/v1/sessions/${enc(this.id)}/decide`,
      body: { tool, input },
      idempotent: true,
    });
    return value.decision;
  }

  /**
   * Runs a tool the caller executes itself, through the gates. When the call is denied, `run` is never called and
   * the denial is recorded and returned. When it is permitted, `run(input)` runs and its result is recorded; if it
   * throws, its error is recorded as the call's result and then rethrown unchanged.
   */
  async record<I extends JsonValue, T>(
    tool: string,
    input: I,
    run: (input: I) => T | Promise<T>,
    options: CallOptions = {},
  ): Promise<RecordOutcome<Awaited<T>>> {
    const step = options.step !== undefined ? { step: options.step } : {};
    const decision = await this.decide(tool, input);
    if (!decision.allowed) {
      // Recorded without a result and with execute: false: the runner gates it again and writes the denial; should the
      // gates allow it by now, the runner refuses (REACH-4010) rather than run a tool the caller meant to run itself.
      return this.send({ tool, input, ...step, execute: false }, options.idempotencyKey);
    }
    let value: Awaited<T>;
    try {
      value = await run(input);
    } catch (thrown) {
      try {
        await this.send({ tool, input, ...step, result: { error: errorResult(thrown) } }, options.idempotencyKey);
      } catch (recording) {
        throw new ReachError(`The error of '${tool}' could not be recorded: ${(recording as Error).message}`, {
          code: recording instanceof ReachError ? recording.code : SdkCodes.unreachable,
          status: recording instanceof ReachError ? recording.status : 0,
          fix: recording instanceof ReachError ? recording.fix : "",
          cause: thrown,
        });
      }
      throw thrown;
    }
    const outcome = await this.send(
      { tool, input, ...step, result: { output: toJson(value) } },
      options.idempotencyKey,
    );
    return { ...outcome, value };
  }

  /**
   * Returns a function with `fn`'s signature whose calls go through {@link record}. A denied call throws a
   * {@link ReachError} carrying the decision (its code is the denial's REACH code); `fn` is not run.
   */
  wrap<I extends JsonValue, R>(tool: string, fn: (input: I) => R | Promise<R>): (input: I) => Promise<Awaited<R>> {
    return async (input: I): Promise<Awaited<R>> => {
      const outcome = await this.record(tool, input, fn);
      if (!outcome.decision.allowed) {
        throw new ReachError(`Reach denied '${tool}': ${outcome.decision.reason ?? "no reason given"}`, {
          code: outcome.decision.code ?? SdkCodes.denied,
          status: 403,
          fix: "Declare the tool in the pack (and grant its permissions), or change the policy or budget that denied it.",
          decision: outcome.decision,
        });
      }
      return outcome.value as Awaited<R>;
    };
  }

  /** Opens a child session limited to a subset of this one's tools (and its own budget). */
  async spawn(options: SpawnOptions = {}): Promise<Session> {
    const { value } = await this.transport.json<SessionInfo>({
      method: "POST",
      path: `/v1/sessions/${enc(this.id)}/spawn`,
      body: options,
    });
    return new Session(this.transport, value);
  }

  /** Closes the session: the runner records `run.finished` and seals the transcript. Returns the fingerprint and count. */
  async close(): Promise<CloseResult> {
    const { value } = await this.transport.json<CloseResult>({ method: "POST", path: `/v1/sessions/${enc(this.id)}/close` });
    return value;
  }

  /** The session's state on the runner. */
  async status(): Promise<SessionStatus> {
    const { value } = await this.transport.json<SessionStatus>({ method: "GET", path: `/v1/sessions/${enc(this.id)}` });
    return value;
  }

  /** The recorded events, page after page, from the one after `after` (default: the first). */
  async *events(options: { after?: number; pageSize?: number } = {}): AsyncGenerator<TranscriptEvent> {
    let after: number | null = options.after ?? null;
    for (;;) {
      const { value } = await this.transport.json<SessionEventPage>({
        method: "GET",
        path: `/v1/sessions/${enc(this.id)}/events`,
        query: { after, limit: options.pageSize },
      });
      yield* value.events;
      if (value.next_after === null || value.next_after === undefined || value.events.length === 0) return;
      after = value.next_after;
    }
  }

  /** The transcript's JSON Lines bytes (unsealed while the session is open). */
  transcript(): Promise<Uint8Array> {
    return this.transport.bytes({ method: "GET", path: `/v1/sessions/${enc(this.id)}/transcript` });
  }

  /** Downloads the transcript and verifies it offline with {@link verifyTranscript}. */
  async verify(): Promise<TranscriptVerification> {
    return verifyTranscript(await this.transcript());
  }

  private async send(body: Record<string, unknown>, key: string | undefined): Promise<CallOutcome> {
    const { value, response } = await this.transport.json<ToolCallResult>({
      method: "POST",
      path: `/v1/sessions/${enc(this.id)}/tool-calls`,
      body,
      headers: { "idempotency-key": key ?? randomUUID() },
      idempotent: true,
    });
    if (value === null || typeof value !== "object" || typeof value.decision !== "object") {
      throw new ReachError(`The runner's answer to a tool call has no decision.`, {
        code: SdkCodes.badResponse,
        status: response.status,
        fix: "Check that baseUrl points at a Reach runner (GET /v1/version).",
      });
    }
    return { ...value, replayed: response.headers.get("idempotent-replayed") === "true" };
  }
}

function enc(id: string): string {
  return encodeURIComponent(id);
}

const CODE = /^REACH-\d{4}$/;

/** The error a thrown value is recorded as: its message, and its code when it is a REACH code. */
export function errorResult(thrown: unknown): { message: string; code?: string } {
  const message =
    thrown instanceof Error ? (thrown.message || thrown.name) : typeof thrown === "string" ? thrown : safeText(thrown);
  const code = (thrown as { code?: unknown } | null)?.code;
  return typeof code === "string" && CODE.test(code) ? { message, code } : { message };
}

function safeText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function toJson(value: unknown): JsonValue {
  return value === undefined ? null : (value as JsonValue);
}
