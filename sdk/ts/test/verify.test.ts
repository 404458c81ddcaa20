import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { canonicalize, merkleHead, verifyTranscript, verifyTranscriptFile } from "../src/index.js";
import { goldenDir, reachCommand, run } from "./support.js";

const goldens = readdirSync(goldenDir).filter((f) => f.endsWith(".jsonl")).sort();
const hello = readFileSync(join(goldenDir, "hello.v1.jsonl"), "utf8");
const lines = hello.split("\n").slice(0, -1).map((l) => l + "\n");

function edit(index: number, change: (obj: Record<string, unknown>) => void): string {
  const copy = [...lines];
  const obj = JSON.parse(copy[index] as string) as Record<string, unknown>;
  change(obj);
  copy[index] = canonicalize(obj) + "\n";
  return copy.join("");
}

/** Transcripts that break each rule once, made from the hello golden transcript (never written back to it). */
const variants: Record<string, string | Uint8Array> = {
  "tampered data": edit(5, (o) => ((o["data"] as Record<string, unknown>)["output"] = "Hello, World!")),
  "tampered hash": edit(3, (o) => (o["hash"] = "sha256:" + "0".repeat(64))),
  "changed header": edit(0, (o) => (o["run_id"] = "0".repeat(32))),
  "wrong seq": edit(2, (o) => (o["seq"] = 7)),
  "seal fingerprint": edit(lines.length - 1, (o) => (o["fingerprint"] = "sha256:" + "1".repeat(64))),
  "seal count": edit(lines.length - 1, (o) => (o["events"] = 3)),
  "reordered": [lines[0], lines[2], lines[1], ...lines.slice(3)].join(""),
  "removed event": [...lines.slice(0, 4), ...lines.slice(5)].join(""),
  "torn last line": hello.slice(0, hello.length - 20),
  "torn event": lines.slice(0, 4).join("") + (lines[4] as string).slice(0, 50),
  "unsealed": lines.slice(0, -1).join(""),
  "after seal": hello + lines[1],
  "not canonical (space)": lines.map((l, i) => (i === 2 ? l.replace('{"data":', '{ "data":') : l)).join(""),
  "not canonical (escape)": lines.map((l, i) => (i === 1 ? l.replace('"run.started"', '"run\\u002estarted"') : l)).join(""),
  "duplicate key": lines.map((l, i) => (i === 1 ? l.replace('{"data":', '{"seq":0,"data":') : l)).join(""),
  "redacted keeps salt": edit(4, (o) => {
    delete o["data"];
    const salt = o["salt"];
    delete o["salt"];
    Object.assign(o, { redacted: true, salt });
  }),
  "empty": "",
  "not a transcript": '{"hello":"world"}\n',
  "unknown format": lines[0]!.replace('"format":1', '"format":2') + lines.slice(1).join(""),
  "crlf": hello.replace(/\n/g, "\r\n"),
  "invalid utf-8": Buffer.concat([Buffer.from(lines[0] as string), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from(lines.slice(1).join(""))]),
  // Torn and over the limit: too long is what reach verify says first (a torn line would be REACH-1115).
  "torn line over the limit": lines.slice(0, 3).join("") + "x".repeat(64 * 1024 * 1024 + 1),
};

interface CliReport {
  ok: boolean;
  events: number;
  redacted: number;
  fingerprint: string;
  error?: { code: string; line?: number; seq?: number; expected?: string; actual?: string };
}

async function cliVerify(path: string): Promise<CliReport> {
  const result = await run(reachCommand(), ["verify", "--json", path]);
  assert.ok(result.stdout.trim().startsWith("{"), `reach verify --json printed no JSON (exit ${result.code}): ${result.stdout}${result.stderr}`);
  return JSON.parse(result.stdout) as CliReport;
}

const temp = mkdtempSync(join(tmpdir(), "reach-sdk-verify-"));
after(() => rmSync(temp, { recursive: true, force: true }));

describe("verifyTranscript agrees with reach verify", () => {
  for (const name of goldens) {
    test(`on the golden transcript ${name}`, async () => {
      const path = join(goldenDir, name);
      const mine = await verifyTranscriptFile(path);
      const cli = await cliVerify(path);
      assert.equal(cli.ok, true);
      assert.equal(mine.ok, true, JSON.stringify(mine.error));
      assert.equal(mine.events, cli.events);
      assert.equal(mine.redacted, cli.redacted);
      assert.equal(mine.fingerprint, cli.fingerprint);
      assert.equal(mine.sealed, true);
    });
  }

  for (const [name, bytes] of Object.entries(variants)) {
    test(`on a transcript with ${name}: the same first bad line, code and count`, async () => {
      const path = join(temp, name.replace(/[^a-z0-9]+/gi, "-") + ".jsonl");
      writeFileSync(path, bytes);
      const mine = verifyTranscript(readFileSync(path));
      const cli = await cliVerify(path);
      assert.equal(mine.ok, false, "the variant must fail");
      assert.equal(cli.ok, false, "reach verify must fail it too");
      assert.equal(mine.error?.code, cli.error?.code, `${mine.error?.message} / ${JSON.stringify(cli.error)}`);
      if (cli.error?.line !== undefined) assert.equal(mine.error?.line, cli.error.line);
      if (cli.error?.seq !== undefined) assert.equal(mine.error?.seq, cli.error.seq);
      if (cli.error?.expected !== undefined) assert.equal(mine.error?.expected, cli.error.expected);
      assert.equal(mine.events, cli.events);
      assert.equal(mine.fingerprint, cli.fingerprint);
    });
  }
});

describe("verifyTranscript on the redacted golden transcript", () => {
  test("counts the redacted events and keeps the unredacted fingerprint", () => {
    const full = verifyTranscript(readFileSync(join(goldenDir, "files-and-processes.v1.jsonl")));
    const redacted = verifyTranscript(readFileSync(join(goldenDir, "files-and-processes.redacted.v1.jsonl")));
    assert.equal(redacted.ok, true);
    assert.equal(redacted.redacted, 2);
    assert.equal(redacted.fingerprint, full.fingerprint);
  });
});

describe("verifyTranscript names the first bad event", () => {
  test("a tampered data field is REACH-1111 at its line and seq, with both digests", () => {
    const report = verifyTranscript(variants["tampered data"] as string);
    assert.equal(report.error?.code, "REACH-1111");
    assert.equal(report.error?.line, 6);
    assert.equal(report.error?.seq, 4);
    assert.match(report.error?.message ?? "", /Event 4 \(line 6\)/);
    assert.equal(report.events, 4);
    assert.equal(report.chainIntact, false);
  });

  test("a torn last line keeps the whole events before it (chain intact)", () => {
    const report = verifyTranscript(variants["torn event"] as string);
    assert.equal(report.error?.code, "REACH-1115");
    assert.equal(report.torn, true);
    assert.equal(report.chainIntact, true);
    assert.equal(report.events, 3);
  });
});

describe("merkleHead follows RFC 6962 as EVENT_MODEL.md's worked example computes it", () => {
  const hashes = [
    "25b962994066cf13771fc25e059c6081e5c2c8f2dbd5c97fc19aa86860de3441",
    "c62c6ca5c44a2ec7121e5e6d026fa0aaeeebc4b7a76fad451c71d0f28a2058f3",
    "5d8b699d740d338fa33e5de629e950c40d7e0aac6c95e4824153a8f0dd3ddf6c",
    "1ee65514460aee48c669f7e34709d0804cfafe0ce26551498f01b6aef0f00981",
  ].map((h) => Buffer.from(h, "hex"));
  test("over 4, 3, 1 and 0 leaves", () => {
    assert.equal(merkleHead(hashes), "sha256:754d683aded73e6eb95193c8f9e696c32b44dbc04e3755bc9b4ebfe7b20269e0");
    assert.equal(merkleHead(hashes.slice(0, 3)), "sha256:5f26b60dddcd385469b3808b7320bf6d767a9af1b69f9cd0fa852291dca05af7");
    assert.equal(merkleHead(hashes.slice(0, 1)), "sha256:2165eb979dc3a5095bd89cf7798a9ac63877992726b4c061487f5a77f79ccb98");
    assert.equal(merkleHead([]), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
});
