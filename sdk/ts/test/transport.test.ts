import assert from "node:assert/strict";
import { createServer } from "node:net";
import { afterEach, describe, test } from "node:test";
import { ReachClient, ReachError, SdkCodes } from "../src/index.js";
import { fakeServer, json, silent, text, type FakeServer } from "./fake.js";

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const problem = {
  type: "urn:reach:error:REACH-4001",
  title: "The request body is malformed",
  status: 400,
  detail: "The field 'pack' must be a non-empty string.",
  code: "REACH-4001",
  fix: "Send the JSON object the endpoint expects.",
  field: "pack",
};
const version = { version: "0.1.0", engine: "reach/1", format: 1 };

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function rejection(promise: Promise<unknown>): Promise<ReachError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof ReachError, `expected a ReachError, got ${String(e)}`);
    return e;
  }
  assert.fail("expected the call to fail");
}

describe("errors", () => {
  test("a problem answer becomes a ReachError with its code, status, field and fix, and is not retried", async () => {
    server = await fakeServer(json(400, problem));
    const client = new ReachClient({ baseUrl: server.url, backoffMs: 1 });
    const error = await rejection(client.openSession({ pack: "" }));
    assert.equal(error.code, "REACH-4001");
    assert.equal(error.status, 400);
    assert.equal(error.field, "pack");
    assert.equal(error.fix, problem.fix);
    assert.deepEqual(error.problem, problem);
    assert.equal(server.requests.length, 1);
  });

  test("a runner that is down is SDK-UNREACHABLE with a fix, after the retries", async () => {
    const port = await freePort();
    let attempts = 0;
    const counting: typeof fetch = (input, init) => {
      attempts++;
      return fetch(input, init);
    };
    const client = new ReachClient({ baseUrl: `http://127.0.0.1:${port}`, retries: 2, backoffMs: 1, fetch: counting });
    const error = await rejection(client.openSession({ pack: "p" }));
    assert.equal(error.code, SdkCodes.unreachable);
    assert.equal(error.status, 0);
    assert.match(error.fix, /reach serve/);
    assert.match(error.message, /3 attempts/);
    assert.equal(attempts, 3);
  });

  test("a runner that does not answer is SDK-TIMEOUT after the retries of a safe request", async () => {
    server = await fakeServer(silent);
    const client = new ReachClient({ baseUrl: server.url, timeoutMs: 500, retries: 1, backoffMs: 1 });
    const error = await rejection(client.version());
    assert.equal(error.code, SdkCodes.timeout);
    assert.match(error.fix, /timeoutMs/);
    assert.equal(server.requests.length, 2);
  });

  test("a POST without an idempotency key is not retried after a timeout (it may have been recorded)", async () => {
    server = await fakeServer(silent);
    const client = new ReachClient({ baseUrl: server.url, timeoutMs: 500, retries: 3, backoffMs: 1 });
    const error = await rejection(client.openSession({ pack: "p" }));
    assert.equal(error.code, SdkCodes.timeout);
    assert.equal(server.requests.length, 1);
  });

  test("an answer that is not JSON is SDK-BAD-RESPONSE", async () => {
    server = await fakeServer(text(200, "<html>hello</html>"));
    const client = new ReachClient({ baseUrl: server.url });
    const error = await rejection(client.version());
    assert.equal(error.code, SdkCodes.badResponse);
    assert.equal(error.status, 200);
    assert.match(error.message, /not JSON/);
  });

  test("an error answer without problem details is SDK-BAD-RESPONSE carrying the status", async () => {
    server = await fakeServer(text(404, ""));
    const client = new ReachClient({ baseUrl: server.url });
    const error = await rejection(client.version());
    assert.equal(error.code, SdkCodes.badResponse);
    assert.equal(error.status, 404);
  });
});

describe("retries", () => {
  test("429 is retried after Retry-After, then succeeds", async () => {
    server = await fakeServer(json(429, { ...problem, status: 429, code: "REACH-4010" }, { "retry-after": "0" }), json(200, version));
    const client = new ReachClient({ baseUrl: server.url, backoffMs: 1 });
    assert.deepEqual(await client.version(), version);
    assert.equal(server.requests.length, 2);
  });

  test("429 past the retries surfaces as the runner's problem", async () => {
    server = await fakeServer(json(429, { ...problem, status: 429, code: "REACH-4010" }, { "retry-after": "0" }));
    const client = new ReachClient({ baseUrl: server.url, retries: 2, backoffMs: 1 });
    const error = await rejection(client.version());
    assert.equal(error.status, 429);
    assert.equal(error.code, "REACH-4010");
    assert.equal(server.requests.length, 3);
  });

  test("a 4xx answer is never retried", async () => {
    server = await fakeServer(json(409, { ...problem, status: 409, code: "REACH-4003" }), json(200, version));
    const client = new ReachClient({ baseUrl: server.url, backoffMs: 1 });
    const error = await rejection(client.version());
    assert.equal(error.code, "REACH-4003");
    assert.equal(server.requests.length, 1);
  });

  test("headers: tenant, token, and an Idempotency-Key on every tool call, the same on its retry", async () => {
    const session = { session_id: "s1", tenant: "acme", pack: { name: "p", version: "1", digest: "sha256:x" }, tools: ["echo"] };
    const answer = { decision: { allowed: true, effect: "permit", rules: [] }, status: "succeeded", output: 1, seq: 4, hash: "sha256:y" };
    server = await fakeServer(json(201, session), json(503, { ...problem, status: 503, code: "REACH-4009" }, { "retry-after": "0" }), json(200, answer), json(200, answer));
    const client = new ReachClient({ baseUrl: server.url, tenant: "acme", token: "t0k", backoffMs: 1 });
    const s = await client.openSession({ pack: "p" });
    await s.call("echo", { a: 1 });
    await s.call("echo", { a: 1 });
    const [open, first, retry, second] = server.requests;
    assert.equal(open?.headers["x-tenant-id"], "acme");
    assert.equal(open?.headers["authorization"], "Bearer t0k");
    assert.ok(first?.headers["idempotency-key"]);
    assert.equal(retry?.headers["idempotency-key"], first?.headers["idempotency-key"]);
    assert.notEqual(second?.headers["idempotency-key"], first?.headers["idempotency-key"]);
    assert.equal(first?.url, "/v1/sessions/s1/tool-calls");
  });
});

describe("record when the runner fails", () => {
  const session = { session_id: "s1", tenant: "default", pack: { name: "p", version: "1", digest: "sha256:x" }, tools: ["fs.write"] };
  const permit = { decision: { allowed: true, effect: "permit", rules: [] } };
  const broken = { type: "urn:reach:error:REACH-9070", title: "Internal error", status: 500, code: "REACH-9070", fix: "Report it." };

  test("a thrown error that cannot be recorded surfaces as a ReachError whose cause is the error", async () => {
    server = await fakeServer(json(201, session), json(200, permit), json(500, broken));
    const client = new ReachClient({ baseUrl: server.url, backoffMs: 1 });
    const s = await client.openSession({ pack: "p" });
    const thrown = new Error("disk full");
    const error = await rejection(s.record("fs.write", { path: "a" }, () => {
      throw thrown;
    }));
    assert.equal(error.code, "REACH-9070");
    assert.equal(error.cause, thrown);
    assert.deepEqual(JSON.parse(server.requests[2]?.body ?? "{}").result, { error: { message: "disk full" } });
  });

  test("a return value that is not JSON is SDK-BAD-TOOL-CALL, not a TypeError", async () => {
    server = await fakeServer(json(201, session), json(200, permit));
    const client = new ReachClient({ baseUrl: server.url, backoffMs: 1 });
    const s = await client.openSession({ pack: "p" });
    const error = await rejection(s.record("fs.write", { path: "a" }, () => ({ size: 10n })));
    assert.equal(error.code, SdkCodes.badToolCall);
    assert.equal(server.requests.length, 2);
  });

  test("an error carrying a REACH code is recorded with it", async () => {
    const answer = { decision: permit.decision, status: "failed", error: { code: "REACH-2221", message: "outside" }, seq: 5, hash: "sha256:y" };
    server = await fakeServer(json(201, session), json(200, permit), json(200, answer));
    const client = new ReachClient({ baseUrl: server.url, backoffMs: 1 });
    const s = await client.openSession({ pack: "p" });
    const thrown = Object.assign(new Error("outside"), { code: "REACH-2221" });
    await assert.rejects(s.record("fs.write", { path: "../x" }, () => Promise.reject(thrown)), (e: unknown) => e === thrown);
    assert.deepEqual(JSON.parse(server.requests[2]?.body ?? "{}").result, { error: { message: "outside", code: "REACH-2221" } });
  });
});
