import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ReachClient, verifyTranscript } from "@reach/sdk";
import { createApp } from "../app.mjs";
import { startRunner } from "../../../sdk/ts/dist-test/test/support.js";

let runner;
let session;
let server;
let base;
const notesDir = mkdtempSync(join(tmpdir(), "reach-express-test-"));

before(async () => {
  runner = await startRunner();
  session = await new ReachClient({ baseUrl: runner.url }).openSession({ pack: "express-notes" });
  server = createApp({ session, notesDir }).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await runner?.stop();
  rmSync(notesDir, { recursive: true, force: true });
});

const post = (path, body) => fetch(base + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body ?? {}) });

test("a note is written and read back through Reach", async () => {
  const written = await post("/notes/todo", { text: "ship the SDKs" });
  assert.equal(written.status, 201);
  assert.deepEqual(await written.json(), { path: "todo.txt", bytes: 13 });
  const read = await fetch(base + "/notes/todo");
  assert.equal(read.status, 200);
  assert.equal((await read.json()).content, "ship the SDKs");
});

test("a missing note is 404, and the failed read is recorded as a tool error", async () => {
  const read = await fetch(base + "/notes/nothing-here");
  assert.equal(read.status, 404);
  const errors = [];
  for await (const e of session.events()) if (e.type === "tool.error") errors.push(e);
  assert.ok(errors.some((e) => /ENOENT/.test(e.data.message)));
});

test("a denied action answers 403 with Reach's reason", async () => {
  const denied = await post("/cleanup");
  assert.equal(denied.status, 403);
  const body = await denied.json();
  assert.equal(body.code, "REACH-2201");
  assert.match(body.error, /proc\.exec/);
});

test("the audit trail verifies, and closing seals it", async () => {
  const audit = await (await fetch(base + "/audit")).json();
  assert.equal(audit.chain_intact, true);
  assert.ok(audit.events > 0);
  const closed = await session.close();
  const report = verifyTranscript(await session.transcript());
  assert.equal(report.ok, true);
  assert.equal(report.fingerprint, closed.fingerprint);
});
