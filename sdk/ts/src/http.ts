import { ReachError, SdkCodes } from "./errors.js";
import type { Problem } from "./types.js";

/** How a {@link ReachClient} reaches the runner. Every field has a default that reaches a local `reach serve`. */
export interface ClientOptions {
  /** The runner's address; default `REACH_URL` or http://127.0.0.1:8787. */
  baseUrl?: string;
  /** A bearer token, sent as `Authorization: Bearer …`; default `REACH_TOKEN`, or none. */
  token?: string;
  /** The tenant, sent as `X-Tenant-ID`; default `REACH_TENANT`, or none (the runner's `default`). */
  tenant?: string;
  /** How long one attempt may take, in milliseconds; default 30000. */
  timeoutMs?: number;
  /** The fetch to use; default the global one (Node 20's undici). */
  fetch?: typeof fetch;
  /** How many times a failed attempt is retried (connection failures, 429, 503); default 3. */
  retries?: number;
  /** The first backoff in milliseconds, doubled after each retry (with jitter); default 100. */
  backoffMs?: number;
  /** The longest wait between two attempts, `Retry-After` included, in milliseconds; default 30000. */
  maxBackoffMs?: number;
}

/** One request as the client makes it. */
export interface RequestSpec {
  method: "GET" | "POST";
  path: string;
  query?: Record<string, string | number | undefined | null>;
  body?: unknown;
  headers?: Record<string, string>;
  /** True when repeating the request cannot record anything twice (GET, or a call with an Idempotency-Key). */
  idempotent?: boolean;
  /** Ask for an event stream (no timeout on the body). */
  stream?: boolean;
}

const RETRY_STATUSES = new Set([429, 503]);

function env(name: string): string | undefined {
  const value = typeof process !== "undefined" ? process.env[name] : undefined;
  return value === undefined || value === "" ? undefined : value;
}

/** The HTTP layer: headers, timeouts, retries with backoff, problem details turned into {@link ReachError}. */
export class Transport {
  readonly baseUrl: string;
  readonly tenant: string | undefined;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(options: ClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? env("REACH_URL") ?? "http://127.0.0.1:8787").replace(/\/+$/, "");
    this.token = options.token ?? env("REACH_TOKEN");
    this.tenant = options.tenant ?? env("REACH_TENANT");
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.retries = options.retries ?? 3;
    this.backoffMs = options.backoffMs ?? 100;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
  }

  url(path: string, query?: RequestSpec["query"]): string {
    let url = this.baseUrl + path;
    if (query) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) {
        if (value !== undefined && value !== null) params.set(key, String(value));
      }
      const text = params.toString();
      if (text) url += "?" + text;
    }
    return url;
  }

  /**
   * Sends the request, retrying as the rules say, and returns the successful response (status < 400). Only the
   * wait for its headers is timed: use it for streams.
   */
  async send(spec: RequestSpec): Promise<Response> {
    const { response, done } = await this.exchange(spec);
    done();
    return response;
  }

  /** Sends the request and parses the JSON answer; the timeout covers the body too. */
  async json<T>(spec: RequestSpec): Promise<{ value: T; response: Response }> {
    const { response, done } = await this.exchange(spec);
    try {
      return { value: await readJson<T>(spec, response), response };
    } finally {
      done();
    }
  }

  /** Sends the request and returns the answer's bytes; the timeout covers the body too. */
  async bytes(spec: RequestSpec): Promise<Uint8Array> {
    const { response, done } = await this.exchange(spec);
    try {
      return new Uint8Array(await response.arrayBuffer());
    } catch (cause) {
      throw this.failure(spec, cause, 1);
    } finally {
      done();
    }
  }

  private async exchange(spec: RequestSpec): Promise<{ response: Response; done: () => void }> {
    const headers: Record<string, string> = { accept: spec.stream ? "text/event-stream" : "application/json", ...spec.headers };
    if (this.token) headers["authorization"] = `Bearer ${this.token}`;
    if (this.tenant) headers["x-tenant-id"] = this.tenant;
    let body: string | undefined;
    if (spec.body !== undefined) {
      headers["content-type"] = "application/json";
      try {
        body = JSON.stringify(spec.body);
      } catch (cause) {
        throw new ReachError(`The body of ${spec.method} ${spec.path} is not JSON: ${(cause as Error).message}.`, {
          code: SdkCodes.badToolCall,
          fix: "Pass and return JSON values only (objects, arrays, strings, finite numbers, booleans, null) as tools' inputs and outputs.",
          cause,
        });
      }
    }
    const url = this.url(spec.path, spec.query);
    const safe = spec.idempotent ?? spec.method === "GET";
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      // An AbortController with a plain timer, cleared when the exchange is done: AbortSignal.timeout costs a few
      // percent of a loopback call (bench/sdk-overhead.mjs).
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new DOMException("timed out", "TimeoutError")), this.timeoutMs);
      const done = (): void => clearTimeout(timer);
      try {
        response = await this.fetchImpl(url, {
          method: spec.method,
          headers,
          ...(body !== undefined ? { body } : {}),
          signal: controller.signal,
        });
      } catch (cause) {
        done();
        const refused = connectionRefused(cause);
        if (attempt < this.retries && (refused || safe)) {
          await sleep(this.backoff(attempt));
          continue;
        }
        throw this.failure(spec, cause, attempt + 1);
      }
      if (response.status < 400) return { response, done };
      try {
        if (RETRY_STATUSES.has(response.status) && attempt < this.retries) {
          const wait = retryAfter(response.headers.get("retry-after"));
          await response.body?.cancel().catch(() => undefined);
          done();
          await sleep(Math.min(wait ?? this.backoff(attempt), this.maxBackoffMs));
          continue;
        }
        throw await problemError(spec, response);
      } finally {
        done();
      }
    }
  }

  private backoff(attempt: number): number {
    const base = Math.min(this.backoffMs * 2 ** attempt, this.maxBackoffMs);
    return base / 2 + Math.random() * (base / 2);
  }

  /** The error for a request that got no answer. */
  failure(spec: RequestSpec, cause: unknown, attempts: number): ReachError {
    const what = `${spec.method} ${spec.path}`;
    const tries = attempts === 1 ? "1 attempt" : `${attempts} attempts`;
    if (isTimeout(cause)) {
      return new ReachError(`The runner at ${this.baseUrl} did not answer ${what} within ${this.timeoutMs} ms (${tries}).`, {
        code: SdkCodes.timeout,
        fix: "Check that the runner is not overloaded or stuck (GET /healthz), or raise timeoutMs.",
        cause,
      });
    }
    return new ReachError(`The runner at ${this.baseUrl} could not be reached for ${what} (${tries}): ${describe(cause)}.`, {
      code: SdkCodes.unreachable,
      fix: `Start it with \`reach serve\` (it listens on http://127.0.0.1:8787 by default), or pass the address it prints as baseUrl.`,
      cause,
    });
  }
}

/** Parses a successful answer's JSON body, or throws SDK-BAD-RESPONSE. */
export async function readJson<T>(spec: RequestSpec, response: Response): Promise<T> {
  let text: string;
  try {
    text = await response.text();
  } catch (cause) {
    throw badResponse(spec, response.status, "its body could not be read", cause);
  }
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw badResponse(spec, response.status, `it is not JSON: ${JSON.stringify(text.slice(0, 80))}`, cause);
  }
}

function badResponse(spec: RequestSpec, status: number, why: string, cause?: unknown): ReachError {
  return new ReachError(`The runner's answer to ${spec.method} ${spec.path} (HTTP ${status}) is unusable: ${why}.`, {
    code: SdkCodes.badResponse,
    status,
    fix: "Check that baseUrl points at a Reach runner (GET /v1/version) and not at another server or a proxy.",
    cause,
  });
}

async function problemError(spec: RequestSpec, response: Response): Promise<ReachError> {
  const text = await response.text().catch(() => "");
  let problem: Problem | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) problem = parsed as Problem;
  } catch {
    problem = undefined;
  }
  if (problem === undefined || typeof problem.code !== "string") {
    return badResponse(spec, response.status, `an error without problem details: ${JSON.stringify(text.slice(0, 80))}`);
  }
  const message = problem.detail ?? problem.title ?? `HTTP ${response.status}`;
  return new ReachError(`${problem.code}: ${message}`, {
    code: problem.code,
    status: response.status,
    fix: typeof problem.fix === "string" ? problem.fix : "",
    problem,
  });
}

function retryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function errorCode(cause: unknown): string | undefined {
  for (let e: unknown = cause, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function connectionRefused(cause: unknown): boolean {
  const code = errorCode(cause);
  return code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN";
}

function isTimeout(cause: unknown): boolean {
  return cause instanceof Error && (cause.name === "TimeoutError" || errorCode(cause) === "UND_ERR_HEADERS_TIMEOUT");
}

function describe(cause: unknown): string {
  const code = errorCode(cause);
  const message = cause instanceof Error ? cause.message : String(cause);
  return code ? `${code} (${message})` : message;
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
