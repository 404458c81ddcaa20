/**
 * An offline verifier of Reach transcripts (format 1), written from docs/EVENT_MODEL.md with node:crypto only: a third
 * implementation of the format beside the C# one behind `reach verify` and tools/verify_transcript.py.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { canonicalize } from "./canonical.js";

/** The first problem a verification found, named by its REACH code as `reach verify` names it. */
export interface TranscriptProblem {
  /** The catalogue code: REACH-1101 (not a transcript) … REACH-1118 (content after the seal). */
  readonly code: string;
  /** What is wrong, naming the line and event. */
  readonly message: string;
  /** The 1-based line number of the first bad line. */
  readonly line: number;
  /** The seq expected at that line, when the line should be an event. */
  readonly seq?: number;
  /** The value the verifier computed, when there are two values to compare. */
  readonly expected?: string;
  /** The value found in the transcript. */
  readonly actual?: string;
}

/** What verifying a transcript found. */
export interface TranscriptVerification {
  /** True when every check passed and the transcript is sealed. */
  readonly ok: boolean;
  /** The number of events that verified. */
  readonly events: number;
  /** How many of them are redacted. */
  readonly redacted: number;
  /** The RFC 6962 tree head over the hashes of the events that verified. */
  readonly fingerprint: string;
  /** Whether the seal was read and matched. */
  readonly sealed: boolean;
  /** Whether the last line is torn (the run stopped while writing it). */
  readonly torn: boolean;
  /** True when the only problem is a torn last line or a missing seal: the events before it verify. */
  readonly chainIntact: boolean;
  /** The header's run id, when the header could be read. */
  readonly runId?: string;
  /** The header's pack name and version, when the header could be read. */
  readonly pack?: { readonly name: string; readonly version: string };
  /** The first problem; absent when `ok`. */
  readonly error?: TranscriptProblem;
}

const HEADER_FIELDS = ["engine", "format", "inputs_digest", "pack", "pack_digest", "policy_digest", "run_id", "type"];
const EVENT_FIELDS = ["data", "data_digest", "hash", "prev", "salt", "seq", "type"];
const REDACTED_FIELDS = ["data_digest", "hash", "prev", "redacted", "seq", "type"];
const SEAL_FIELDS = ["events", "fingerprint", "last_hash", "type"];
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const SALT = /^[0-9a-f]{32}$/;
const LF = 0x0a;
// A line nests at most 65 deep: data at most 64, counting data itself, inside the line's own object.
const LINE_DEPTH = 65;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

class Failure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly line: number,
    readonly seq?: number,
    readonly expected?: string,
    readonly actual?: string,
  ) {
    super(message);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function sha256(data: Uint8Array | string): Buffer {
  return createHash("sha256").update(data).digest();
}

function digestText(raw: Buffer): string {
  return "sha256:" + raw.toString("hex");
}

/** RFC 6962 §2.1 Merkle Tree Hash over the 32-byte leaves. */
export function merkleHead(leaves: readonly Uint8Array[]): string {
  return digestText(mth(leaves, 0, leaves.length));
}

function mth(leaves: readonly Uint8Array[], from: number, to: number): Buffer {
  const n = to - from;
  if (n === 0) return sha256(new Uint8Array(0));
  if (n === 1) return createHash("sha256").update(Buffer.of(0)).update(leaves[from] as Uint8Array).digest();
  let k = 1;
  while (k * 2 < n) k *= 2; // the largest power of two smaller than n
  return createHash("sha256")
    .update(Buffer.of(1))
    .update(mth(leaves, from, from + k))
    .update(mth(leaves, from + k, to))
    .digest();
}

/** The object a line holds when the line is exactly its canonical form, else undefined. */
function parseCanonical(raw: Uint8Array): Obj | undefined {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  let canonical: string;
  try {
    canonical = canonicalize(value, LINE_DEPTH);
  } catch {
    return undefined;
  }
  // Equal text means equal bytes (both are UTF-8 of the same code points); a duplicate key, an escape that
  // need not be, a non-canonical number or a lone surrogate all make them differ.
  return canonical === text ? (value as Obj) : undefined;
}

const isDigest = (v: Json | undefined): boolean => typeof v === "string" && DIGEST.test(v);
const isCount = (v: Json | undefined): boolean => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

function hasExactly(obj: Obj, fields: readonly string[]): boolean {
  const keys = Object.keys(obj);
  return keys.length === fields.length && fields.every((f) => Object.hasOwn(obj, f));
}

function headerWellFormed(h: Obj): boolean {
  const pack = h["pack"];
  return (
    hasExactly(h, HEADER_FIELDS) &&
    typeof h["engine"] === "string" &&
    isCount(h["format"]) &&
    isDigest(h["inputs_digest"]) &&
    isDigest(h["pack_digest"]) &&
    isDigest(h["policy_digest"]) &&
    typeof h["run_id"] === "string" &&
    pack !== null &&
    typeof pack === "object" &&
    !Array.isArray(pack) &&
    hasExactly(pack, ["name", "version"]) &&
    typeof pack["name"] === "string" &&
    typeof pack["version"] === "string"
  );
}

function eventWellFormed(e: Obj, redacted: boolean): boolean {
  if (!hasExactly(e, redacted ? REDACTED_FIELDS : EVENT_FIELDS)) return false;
  if (!isDigest(e["data_digest"]) || !isDigest(e["hash"]) || !isDigest(e["prev"])) return false;
  if (!isCount(e["seq"]) || typeof e["type"] !== "string") return false;
  return redacted ? e["redacted"] === true : typeof e["salt"] === "string" && SALT.test(e["salt"]);
}

function sealWellFormed(s: Obj): boolean {
  return hasExactly(s, SEAL_FIELDS) && isCount(s["events"]) && isDigest(s["fingerprint"]) && isDigest(s["last_hash"]);
}

/** The longest line a transcript may hold, its line feed not counted (docs/EVENT_MODEL.md). */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Splits the bytes into lines, each without its line feed; the last one may be torn (no line feed). */
function* lines(bytes: Uint8Array): Generator<{ raw: Uint8Array; torn: boolean }> {
  let start = 0;
  while (start < bytes.length) {
    const end = bytes.indexOf(LF, start);
    if (end < 0) {
      yield { raw: bytes.subarray(start), torn: true };
      return;
    }
    yield { raw: bytes.subarray(start, end), torn: false };
    start = end + 1;
  }
}

/**
 * Verifies a transcript's bytes (or a string of its text) offline: every line canonical, the header well formed,
 * `seq` consecutive from 0, every `prev` linked, every data digest (redacted events excepted) and event hash
 * recomputed, and the seal's count, last hash and fingerprint matching. Stops at the first problem and names it.
 */
export function verifyTranscript(input: Uint8Array | string): TranscriptVerification {
  const bytes = typeof input === "string" ? Buffer.from(input, "utf8") : input;
  const leaves: Buffer[] = [];
  let redacted = 0;
  let sealed = false;
  let torn = false;
  let header: Obj | undefined;
  let error: Failure | undefined;
  try {
    let lineNo = 0;
    let prev = "";
    for (const { raw, torn: isTorn } of lines(bytes)) {
      lineNo++;
      if (raw.length > MAX_LINE_BYTES) {
        // As reach verify: a line longer than the limit is refused, torn or not (docs/EVENT_MODEL.md).
        throw new Failure("REACH-1117", `Line ${lineNo} is longer than ${MAX_LINE_BYTES} bytes.`, lineNo, lineNo === 1 || sealed ? undefined : leaves.length);
      }
      if (lineNo === 1) {
        if (isTorn) {
          torn = true;
          throw new Failure("REACH-1115", "Line 1 is torn: the header was not written whole.", 1, 0);
        }
        header = readHeader(raw);
        prev = digestText(sha256(raw));
        continue;
      }
      const seq = leaves.length;
      if (isTorn) {
        torn = true;
        throw new Failure("REACH-1115", `Line ${lineNo} is torn: the run stopped while writing it. The ${seq} whole events before it verify.`, lineNo, seq);
      }
      if (sealed) {
        throw new Failure("REACH-1118", `Line ${lineNo} follows the seal; nothing may follow it.`, lineNo);
      }
      const obj = parseCanonical(raw);
      if (obj === undefined) {
        throw new Failure("REACH-1117", `Line ${lineNo} is not one JSON object in canonical form (RFC 8785).`, lineNo, seq);
      }
      if (obj["type"] === "reach.seal" && !Object.hasOwn(obj, "seq")) {
        if (!sealWellFormed(obj)) {
          throw new Failure("REACH-1117", `Line ${lineNo}: the seal does not carry exactly its fields.`, lineNo);
        }
        check("REACH-1114", "the seal's events", String(seq), String(obj["events"]), lineNo);
        check("REACH-1114", "the seal's last_hash", prev, obj["last_hash"] as string, lineNo);
        check("REACH-1114", "the seal's fingerprint", merkleHead(leaves), obj["fingerprint"] as string, lineNo);
        sealed = true;
        continue;
      }
      const isRedacted = Object.hasOwn(obj, "redacted");
      if (!eventWellFormed(obj, isRedacted)) {
        const kind = isRedacted ? "a redacted event" : "an event";
        throw new Failure("REACH-1117", `Line ${lineNo} does not carry exactly the fields of ${kind}.`, lineNo, seq);
      }
      const where = `Event ${seq} (line ${lineNo})`;
      check("REACH-1113", `${where}: its seq`, String(seq), String(obj["seq"]), lineNo, seq);
      check("REACH-1112", `${where}: its prev`, prev, obj["prev"] as string, lineNo, seq);
      if (!isRedacted) {
        const salted = createHash("sha256")
          .update(Buffer.from(obj["salt"] as string, "hex"))
          .update(canonicalize(obj["data"], 64))
          .digest();
        check("REACH-1111", `${where}: its data_digest`, digestText(salted), obj["data_digest"] as string, lineNo, seq);
      }
      const hashInput = canonicalize({ data_digest: obj["data_digest"], prev: obj["prev"], seq: obj["seq"], type: obj["type"] });
      check("REACH-1110", `${where}: its hash`, digestText(sha256(hashInput)), obj["hash"] as string, lineNo, seq);
      leaves.push(Buffer.from((obj["hash"] as string).slice(7), "hex"));
      if (isRedacted) redacted++;
      prev = obj["hash"] as string;
    }
    if (lineNo === 0) {
      throw new Failure("REACH-1104", "The transcript is empty.", 1, 0);
    }
    if (!sealed) {
      throw new Failure("REACH-1116", `The transcript is not sealed: no seal after ${leaves.length} events; those events verify.`, lineNo + 1, leaves.length);
    }
  } catch (e) {
    if (!(e instanceof Failure)) throw e;
    error = e;
  }
  const pack = header?.["pack"] as { name: string; version: string } | undefined;
  const result: TranscriptVerification = {
    ok: error === undefined,
    events: leaves.length,
    redacted,
    fingerprint: merkleHead(leaves),
    sealed,
    torn,
    chainIntact: error === undefined || error.code === "REACH-1115" || error.code === "REACH-1116",
    ...(header ? { runId: header["run_id"] as string, pack: { name: pack?.name ?? "", version: pack?.version ?? "" } } : {}),
    ...(error ? { error: problem(error) } : {}),
  };
  return result;
}

/** Reads a transcript file and verifies it (see {@link verifyTranscript}). */
export async function verifyTranscriptFile(path: string): Promise<TranscriptVerification> {
  return verifyTranscript(await readFile(path));
}

function problem(f: Failure): TranscriptProblem {
  return {
    code: f.code,
    message: f.message,
    line: f.line,
    ...(f.seq !== undefined ? { seq: f.seq } : {}),
    ...(f.expected !== undefined ? { expected: f.expected } : {}),
    ...(f.actual !== undefined ? { actual: f.actual } : {}),
  };
}

function check(code: string, what: string, expected: string, actual: string, line: number, seq?: number): void {
  if (expected !== actual) {
    throw new Failure(code, `${what} does not match: expected ${expected}, found ${actual}.`, line, seq, expected, actual);
  }
}

function readHeader(raw: Uint8Array): Obj {
  let loose: unknown;
  try {
    loose = JSON.parse(utf8.decode(raw));
  } catch {
    loose = undefined;
  }
  if (loose === null || typeof loose !== "object" || Array.isArray(loose) || (loose as Obj)["type"] !== "reach.transcript") {
    throw new Failure("REACH-1101", "Line 1 is not a Reach transcript header.", 1, 0);
  }
  const format = (loose as Obj)["format"];
  if (format !== 1) {
    throw new Failure("REACH-1102", `The transcript's format is ${JSON.stringify(format)}; this verifier reads format 1.`, 1, 0, "1", JSON.stringify(format) ?? "undefined");
  }
  const header = parseCanonical(raw);
  if (header === undefined || !headerWellFormed(header)) {
    throw new Failure("REACH-1103", "The header is not canonical or does not carry exactly its fields with their types.", 1, 0);
  }
  return header;
}
