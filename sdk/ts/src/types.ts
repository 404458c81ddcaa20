/**
 * The runner's wire types, snake_case as they travel (docs/RUNNER.md). They mirror the OpenAPI document's schemas;
 * `generated/openapi.ts` is produced from `openapi/reach.openapi.json` by `scripts/generate-types`, and a test fails
 * when the two drift apart.
 */

/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** A pack's identity as the runner reports it. */
export interface PackRef {
  name: string;
  version: string;
  digest: string;
}

/** `POST /v1/sessions` and `POST /v1/sessions/{id}/spawn` answers. */
export interface SessionInfo {
  session_id: string;
  tenant: string;
  pack: PackRef;
  tools: string[];
  /** The policy bundle the session is bound to, if any: its name, or `inline:` and its digest. */
  policy?: string | null;
  parent_id?: string | null;
  depth?: number;
}

/** A gate's decision on one call; a denial is a value, not an error. */
export interface Decision {
  allowed: boolean;
  effect: "permit" | "deny";
  /** For a denial, the REACH code, e.g. REACH-2201. */
  code?: string;
  reason?: string;
  rules: string[];
  /** For a denial, the gate that denied. */
  gate?: "policy" | "budget";
}

/** A tool's error as recorded. */
export interface ToolError {
  code: string;
  message: string;
}

/** `POST /v1/sessions/{id}/tool-calls` answer. */
export interface ToolCallResult {
  decision: Decision;
  status: "succeeded" | "failed" | "denied";
  output?: JsonValue;
  error?: ToolError;
  seq: number;
  hash: string;
}

/** `POST /v1/sessions/{id}/decide` answer: a dry evaluation, nothing recorded. */
export interface DecideResult {
  decision: Decision;
}

/** `POST /v1/sessions/{id}/close` answer. */
export interface CloseResult {
  session_id: string;
  status: string;
  fingerprint: string;
  events: number;
}

/** `GET /v1/sessions/{id}` answer. */
export interface SessionStatus {
  session_id: string;
  tenant: string;
  status: string;
  pack: PackRef;
  tools?: string[] | null;
  policy?: string | null;
  parent_id?: string | null;
  depth?: number;
  created: string;
  closed?: string | null;
  fingerprint?: string | null;
  events: number;
}

/** `GET /v1/sessions` answer. */
export interface SessionPage {
  sessions: SessionStatus[];
  next_after: string | null;
}

/** One canonical transcript event as the runner serves it. */
export interface TranscriptEvent {
  seq: number;
  type: string;
  data?: JsonValue;
  data_digest: string;
  hash: string;
  prev: string;
  salt?: string;
  redacted?: true;
}

/** `GET /v1/sessions/{id}/events` answer. */
export interface SessionEventPage {
  session_id: string;
  events: TranscriptEvent[];
  next_after: number | null;
}

/** A run of a pack driven by the runner. */
export interface Run {
  run_id: string;
  tenant?: string;
  status: "running" | "succeeded" | "failed" | "denied" | string;
  pack: PackRef;
  policy?: string | null;
  created: string;
  finished?: string | null;
  fingerprint?: string | null;
  events: number;
}

/** `GET /v1/runs` answer. */
export interface RunPage {
  runs: Run[];
  next_after: string | null;
}

/** `GET /v1/runs/{id}/events` answer. */
export interface RunEventPage {
  run_id: string;
  events: TranscriptEvent[];
  next_after: number | null;
}

/** The last message of a run's event stream. */
export interface RunEnd {
  status: string;
  fingerprint: string | null;
  events?: number;
}

/** `POST /v1/runs/{id}/verify` answer. */
export interface RunVerification {
  ok: boolean;
  events: number;
  fingerprint: string | null;
  sealed?: boolean;
  /** For a failure, the REACH code (REACH-11xx), its message and the first bad line. */
  code?: string | null;
  message?: string | null;
  line?: number | null;
}

/** `POST /v1/runs/{id}/replay` answer. */
export interface RunReplay {
  ok: boolean;
  identical: boolean;
  events?: number;
  recorded_fingerprint?: string;
  fingerprint?: string;
  /** Where the replay first diverged from the recording. */
  divergence?: { kind: string; seq: number | null; recorded?: string | null; replayed?: string | null; likely_cause?: string } | null;
}

/** `GET /v1/version` answer. */
export interface VersionInfo {
  version: string;
  engine: string;
  format: number;
}

/** An RFC 9457 problem as the runner writes it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  fix?: string;
  field?: string;
  [extension: string]: unknown;
}
