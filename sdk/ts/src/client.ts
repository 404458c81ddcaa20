import { Transport, type ClientOptions } from "./http.js";
import { Runs } from "./runs.js";
import { Session } from "./session.js";
import type { JsonObject, SessionInfo, SessionPage, SessionStatus, VersionInfo } from "./types.js";

/** Options of {@link ReachClient.openSession}. */
export interface OpenSessionOptions {
  /** The pack by name, `NAME` or `NAME@VERSION`: installed on the runner or in its configured pack directories (never a path). */
  pack: string;
  /** The pack's inputs (defaults applied by the runner). */
  inputs?: JsonObject;
  /** A policy bundle, by name (from the runner's policy directories) or inline as the bundle object, enforced beside the pack's declarations. */
  policy?: string | JsonObject;
  /** How the bundle is enforced (e.g. `enforce`, or `audit` to record would-be denials without denying). */
  policyMode?: string;
}

/**
 * A client of one Reach runner (`reach serve`). Sessions gate and record the tool calls of an agent the caller
 * drives; runs are packs the runner drives itself.
 */
export class ReachClient {
  /** Runs of packs: start, list, get, events, verify, replay, transcript. */
  readonly runs: Runs;
  /** The HTTP layer (headers, timeouts, retries). */
  readonly transport: Transport;

  constructor(options: ClientOptions = {}) {
    this.transport = new Transport(options);
    this.runs = new Runs(this.transport);
  }

  /** The runner's address. */
  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  /** Opens a session bound to a pack (and optionally a policy bundle). */
  async openSession(options: OpenSessionOptions): Promise<Session> {
    const body = {
      pack: options.pack,
      ...(options.inputs !== undefined ? { inputs: options.inputs } : {}),
      ...(options.policy !== undefined ? { policy: options.policy } : {}),
      ...(options.policyMode !== undefined ? { policy_mode: options.policyMode } : {}),
    };
    const { value } = await this.transport.json<SessionInfo>({ method: "POST", path: "/v1/sessions", body });
    return new Session(this.transport, value);
  }

  /** A handle on a session opened earlier (by id), after checking that it exists for this tenant. */
  async session(sessionId: string): Promise<Session> {
    const status = await this.getSession(sessionId);
    return new Session(this.transport, {
      session_id: status.session_id,
      tenant: status.tenant,
      pack: status.pack,
      tools: status.tools ?? [],
      ...(status.parent_id !== undefined ? { parent_id: status.parent_id } : {}),
      ...(status.depth !== undefined ? { depth: status.depth } : {}),
    });
  }

  /** A session's state. */
  async getSession(sessionId: string): Promise<SessionStatus> {
    const { value } = await this.transport.json<SessionStatus>({ method: "GET", path: `/v1/sessions/${encodeURIComponent(sessionId)}` });
    return value;
  }

  /** The tenant's sessions, page after page. */
  async *listSessions(options: { after?: string; pageSize?: number } = {}): AsyncGenerator<SessionStatus> {
    let after: string | null | undefined = options.after;
    for (;;) {
      const { value }: { value: SessionPage } = await this.transport.json<SessionPage>({
        method: "GET",
        path: "/v1/sessions",
        query: { after, limit: options.pageSize },
      });
      yield* value.sessions;
      if (value.next_after === null || value.next_after === undefined || value.sessions.length === 0) return;
      after = value.next_after;
    }
  }

  /** The runner's version, engine and transcript format. */
  async version(): Promise<VersionInfo> {
    const { value } = await this.transport.json<VersionInfo>({ method: "GET", path: "/v1/version" });
    return value;
  }

  /** True when the runner answers `GET /healthz`. */
  async healthy(): Promise<boolean> {
    try {
      const { value } = await this.transport.json<{ status?: string }>({ method: "GET", path: "/healthz" });
      return value.status === "ok";
    } catch {
      return false;
    }
  }
}
