import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
// The SDK's test support starts a real runner (reach serve) on a free port.
import { startRunner } from "../../../sdk/ts/dist-test/test/support.js";

const here = fileURLToPath(new URL("..", import.meta.url));
let runner;
const notes = mkdtempSync(join(tmpdir(), "reach-ts-basic-test-"));
before(async () => (runner = await startRunner()));
after(async () => {
  await runner?.stop();
  rmSync(notes, { recursive: true, force: true });
});

function runExample(env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, "dist", "main.js")], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

test("ts-basic makes its three calls, prints the denial's reason and verifies the transcript", async () => {
  const { code, stdout, stderr } = await runExample({ REACH_URL: runner.url, NOTES_DIR: notes });
  assert.equal(code, 0, stdout + stderr);
  assert.match(stdout, /permitted  text\.template -> "Hello, Reach!"/);
  assert.match(stdout, /recorded   fs\.write -> \{"path":"greeting\.txt","bytes":13\}/);
  assert.match(stdout, /denied     proc\.exec \(REACH-2201\): The tool 'proc\.exec' is not declared/);
  assert.match(stdout, /verified   ok, \d+ events, fingerprint sha256:[0-9a-f]{64}/);
  assert.equal(readFileSync(join(notes, "greeting.txt"), "utf8"), "Hello, Reach!");
});

test("ts-basic fails with the SDK's fix when no runner is listening", async () => {
  const { code, stderr } = await runExample({ REACH_URL: "http://127.0.0.1:9", NOTES_DIR: notes });
  assert.notEqual(code, 0);
  assert.match(stderr, /SDK-UNREACHABLE|could not be reached/);
});
