import { ReachError, SdkCodes } from "./errors.js";
import { sleep, type Transport } from "./http.js";
import { parseSse } from "./sse.js";
import type { JsonObject, Run, RunEnd, RunEventPage, RunPage, RunReplay, RunVerification, TranscriptEvent } from "./types.js";
import { verifyTranscript, type TranscriptVerification } from "./verify.js";

/** Filters of {@link Runs.list}. */
export interface RunListOptions {
  status?: string;
  pack?: string;
  /** Start after this run id (a cursor from an earlier page). */
  after?: string;
  /** How many runs each page asks for. */
  pageSize?: number;
}

/** Options of {@link Runs.events}. */
export interface RunEventsOptions {
  /** Start after this seq (default: from the first event). */
  after?: number;
  /** How many times a dropped stream is resumed without any new event in between; default 5. */
  maxResumes?: number;
  /** Stops the stream. */
  signal?: AbortSignal;
}

/**
 * The events of a run as they are recorded, read from the runner's Server-Sent Events stream. After a dropped
 * connection it reconnects with `Last-Event-ID` and goes on from the last event it yielded, never yielding one twice.
 */
export class RunEventStream implements AsyncIterable<TranscriptEvent> {
  /** The stream's end message (status and fingerprint), once the run has finished and the stream ended. */
  end: RunEnd | undefined;
  /** The seq of the last event yielded. */
  lastSeq: number | undefined;
  /** How many times the stream was resumed after a drop. */
  resumes = 0;

  constructor(
    private readonly transport: Transport,
    private readonly runId: string,
    private readonly options: RunEventsOptions,
  ) {
    this.lastSeq = options.after;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<TranscriptEvent> {
    const maxResumes = this.options.maxResumes ?? 5;
    let fruitless = 0;
    for (;;) {
      const path = `/v1/runs/${encodeURIComponent(this.runId)}/events`;
      const headers: Record<string, string> = {};
      if (this.lastSeq !== undefined) headers["last-event-id"] = String(this.lastSeq);
      const response = await this.transport.send({
        method: "GET",
        path,
        query: { after: this.lastSeq },
        headers,
        stream: true,
      });
      const type = response.headers.get("content-type") ?? "";
      if (!type.startsWith("text/event-stream") || response.body === null) {
        await response.body?.cancel().catch(() => undefined);
        throw streamError(`the answer is ${type || "of no content type"}, not text/event-stream`);
      }
      let progressed = false;
      let dropped: unknown;
      const reader = response.body;
      try {
        for await (const message of parseSse(reader)) {
          this.options.signal?.throwIfAborted();
          if (message.event === "end") {
            this.end = parseJson(message.data, "the end message") as unknown as RunEnd;
            return;
          }
          const event = parseJson(message.data, `event ${message.id ?? "?"}`) as unknown as TranscriptEvent;
          const seq = typeof event.seq === "number" ? event.seq : Number(message.id);
          if (!Number.isSafeInteger(seq)) throw streamError(`an event carries no seq (id ${JSON.stringify(message.id)})`);
          if (this.lastSeq !== undefined && seq <= this.lastSeq) continue; // already yielded before a resume
          this.lastSeq = seq;
          progressed = true;
          yield event;
        }
      } catch (e) {
        if (e instanceof ReachError || this.options.signal?.aborted) throw e;
        dropped = e;
      } finally {
        await reader.cancel().catch(() => undefined);
      }
      // The stream ended (or broke) before its end message: resume after the last event.
      fruitless = progressed ? 0 : fruitless + 1;
      if (fruitless > maxResumes) {
        throw new ReachError(
          `The event stream of run ${this.runId} ended ${fruitless} times in a row without its end message` +
            (dropped ? ` (${(dropped as Error).message ?? String(dropped)})` : "") + ".",
          { code: SdkCodes.badStream, fix: "Check the runner's health (GET /healthz) and any proxy that buffers or cuts streams; read the events with runs.eventPages meanwhile.", cause: dropped },
        );
      }
      this.resumes++;
      await sleep(Math.min(100 * 2 ** Math.max(0, fruitless - 1), 2000));
    }
  }
}

function parseJson(text: string, what: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw streamError(`${what} is not JSON: ${JSON.stringify(text.slice(0, 80))}`, cause);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw streamError(`${what} is not a JSON object`);
  return value as JsonObject;
}

function streamError(why: string, cause?: unknown): ReachError {
  return new ReachError(`The run's event stream is malformed: ${why}.`, {
    code: SdkCodes.badStream,
    fix: "Check that baseUrl points at a Reach runner and that no proxy rewrites the stream.",
    cause,
  });
}

/** Runs of packs driven by the runner: start, list, watch, verify, replay. */
export class Runs {
  constructor(private readonly transport: Transport) {}

  /** Starts a run of a pack by name (installed on the runner or in its pack directories); answers at once with the run, status `running`. */
  async start(options: { pack: string; inputs?: JsonObject; policy?: string | JsonObject }): Promise<Run> {
    const { value } = await this.transport.json<Run>({ method: "POST", path: "/v1/runs", body: options });
    return value;
  }

  /** All runs that match, page after page (newest first, as the runner orders them). */
  async *list(options: RunListOptions = {}): AsyncGenerator<Run> {
    let after: string | null | undefined = options.after;
    for (;;) {
      const { value }: { value: RunPage } = await this.transport.json<RunPage>({
        method: "GET",
        path: "/v1/runs",
        query: { status: options.status, pack: options.pack, after, limit: options.pageSize },
      });
      yield* value.runs;
      if (value.next_after === null || value.next_after === undefined || value.runs.length === 0) return;
      after = value.next_after;
    }
  }

  /** One run. */
  async get(runId: string): Promise<Run> {
    const { value } = await this.transport.json<Run>({ method: "GET", path: `/v1/runs/${encodeURIComponent(runId)}` });
    return value;
  }

  /** The run's events as a live stream (Server-Sent Events) that resumes after a dropped connection. */
  events(runId: string, options: RunEventsOptions = {}): RunEventStream {
    return new RunEventStream(this.transport, runId, options);
  }

  /** The run's recorded events as JSON pages (no stream), from the one after `after`. */
  async *eventPages(runId: string, options: { after?: number; pageSize?: number } = {}): AsyncGenerator<TranscriptEvent> {
    let after: number | null | undefined = options.after;
    for (;;) {
      const { value }: { value: RunEventPage } = await this.transport.json<RunEventPage>({
        method: "GET",
        path: `/v1/runs/${encodeURIComponent(runId)}/events`,
        query: { after, limit: options.pageSize },
      });
      yield* value.events;
      if (value.next_after === null || value.next_after === undefined || value.events.length === 0) return;
      after = value.next_after;
    }
  }

  /** Asks the runner to verify the run's transcript. */
  async verify(runId: string): Promise<RunVerification> {
    const { value } = await this.transport.json<RunVerification>({ method: "POST", path: `/v1/runs/${encodeURIComponent(runId)}/verify`, idempotent: true });
    return value;
  }

  /** Asks the runner to replay the run and compare fingerprints. */
  async replay(runId: string): Promise<RunReplay> {
    const { value } = await this.transport.json<RunReplay>({ method: "POST", path: `/v1/runs/${encodeURIComponent(runId)}/replay`, idempotent: true });
    return value;
  }

  /** The run's transcript, JSON Lines bytes. */
  transcript(runId: string): Promise<Uint8Array> {
    return this.transport.bytes({ method: "GET", path: `/v1/runs/${encodeURIComponent(runId)}/transcript` });
  }

  /** Downloads the run's transcript and verifies it offline. */
  async verifyOffline(runId: string): Promise<TranscriptVerification> {
    return verifyTranscript(await this.transcript(runId));
  }

  /** Waits until the run has finished (by following its event stream) and returns it. */
  async wait(runId: string): Promise<Run> {
    const stream = this.events(runId);
    for await (const _event of stream) {
      // drain
    }
    return this.get(runId);
  }
}
