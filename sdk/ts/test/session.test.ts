import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { ReachClient, ReachError, verifyTranscript } from "../src/index.js";
import { agentPack, startRunner, tightPack, type StartedRunner } from "./support.js";

let runner: StartedRunner;
let client: ReachClient;
before(async () => {
  runner = await startRunner();
  client = new ReachClient({ baseUrl: runner.url, backoffMs: 10 });
});
after(async () => {
  await runner?.stop();
});

describe("a session against a real runner", () => {
  test("opens on a pack and reports its tools", async () => {
    const session = await client.openSession({ pack: agentPack });
    assert.match(session.id, /^[0-9a-f]{32}$/);
    assert.equal(session.info.pack.name, "sdk-agent");
    assert.ok(session.tools.includes("echo"));
  });

  test("call runs a built-in and returns its output with the event's seq and hash", async () => {
    const session = await client.openSession({ pack: agentPack });
    const outcome = await session.call("echo", { hello: "world" });
    assert.equal(outcome.decision.allowed, true);
    assert.equal(outcome.status, "succeeded");
    assert.deepEqual(outcome.output, { hello: "world" });
    assert.match(outcome.hash, /^sha256:[0-9a-f]{64}$/);
    assert.equal(outcome.replayed, false);
  });

  test("a denial is a value with the code, reason and deciding rules", async () => {
    const session = await client.openSession({ pack: agentPack });
    const outcome = await session.call("proc.exec", { command: "ls" });
    assert.equal(outcome.decision.allowed, false);
    assert.equal(outcome.status, "denied");
    assert.equal(outcome.decision.code, "REACH-2201");
    assert.equal(outcome.decision.gate, "policy");
    assert.ok(outcome.decision.rules.includes("reach.declared-tool"));
    assert.match(outcome.decision.reason ?? "", /proc\.exec/);
  });

  test("a budget denial names the budget gate", async () => {
    const session = await client.openSession({ pack: tightPack });
    await session.call("echo", { n: 1 });
    await session.call("echo", { n: 2 });
    const third = await session.call("echo", { n: 3 });
    assert.equal(third.decision.allowed, false);
    assert.equal(third.decision.gate, "budget");
  });

  test("decide evaluates without recording", async () => {
    const session = await client.openSession({ pack: agentPack });
    const before = (await session.status()).events;
    assert.equal((await session.decide("echo", {})).allowed, true);
    assert.equal((await session.decide("proc.exec", {})).allowed, false);
    assert.equal((await session.status()).events, before);
  });

  test("record runs a permitted client function and records its return value", async () => {
    const session = await client.openSession({ pack: agentPack });
    let ran = 0;
    const outcome = await session.record("fs.write", { path: "note.txt", content: "hi" }, (input) => {
      ran++;
      return { bytes: input.content.length, path: input.path };
    });
    assert.equal(ran, 1);
    assert.equal(outcome.status, "succeeded");
    assert.deepEqual(outcome.value, { bytes: 2, path: "note.txt" });
    assert.deepEqual(outcome.output, { bytes: 2, path: "note.txt" });
  });

  test("record never calls the function of a denied call, and records the denial", async () => {
    const session = await client.openSession({ pack: agentPack });
    let ran = 0;
    const outcome = await session.record("proc.exec", { command: "rm", args: ["-rf", "/"] }, () => ran++);
    assert.equal(ran, 0);
    assert.equal(outcome.status, "denied");
    assert.equal(outcome.value, undefined);
    const events = [];
    for await (const e of session.events()) events.push(e);
    assert.ok(events.some((e) => e.type === "policy.decision" && (e.data as { effect?: string }).effect === "deny"));
  });

  test("a wrapped function that throws has its error recorded and rethrown unchanged", async () => {
    const session = await client.openSession({ pack: agentPack });
    class DiskFull extends Error {}
    const thrown = new DiskFull("no space left on device");
    const write = session.wrap("fs.write", (_input: { path: string; content: string }) => {
      throw thrown;
    });
    await assert.rejects(write({ path: "a", content: "b" }), (e: unknown) => e === thrown);
    const events = [];
    for await (const e of session.events()) events.push(e);
    const error = events.find((e) => e.type === "tool.error");
    assert.equal((error?.data as { message?: string }).message, "no space left on device");
  });

  test("a wrapped function keeps its signature and its return value; a denied one throws a ReachError with the decision", async () => {
    const session = await client.openSession({ pack: agentPack });
    const write = session.wrap("fs.write", async (input: { path: string; content: string }) => ({ bytes: input.content.length }));
    assert.deepEqual(await write({ path: "x", content: "abc" }), { bytes: 3 });
    const exec = session.wrap("proc.exec", (_input: { command: string }) => "never");
    await assert.rejects(exec({ command: "ls" }), (e: unknown) => e instanceof ReachError && e.code === "REACH-2201" && e.decision?.allowed === false);
  });

  test("close returns the fingerprint, and the transcript verifies offline to it", async () => {
    const session = await client.openSession({ pack: agentPack });
    await session.call("echo", { a: 1 });
    await session.call("proc.exec", { command: "ls" });
    const closed = await session.close();
    assert.equal(closed.status, "succeeded");
    const report = verifyTranscript(await session.transcript());
    assert.equal(report.ok, true, JSON.stringify(report.error));
    assert.equal(report.fingerprint, closed.fingerprint);
    assert.equal(report.events, closed.events);
    await assert.rejects(session.call("echo", {}), (e: unknown) => e instanceof ReachError && e.code === "REACH-4003" && e.status === 409);
  });

  test("a handle on an existing session by id calls through it", async () => {
    const opened = await client.openSession({ pack: agentPack });
    const handle = await client.session(opened.id);
    assert.equal((await handle.call("echo", { again: true })).status, "succeeded");
    assert.equal((await opened.status()).status, "open");
  });

  test("another tenant cannot see the session", async () => {
    const session = await client.openSession({ pack: agentPack });
    const other = new ReachClient({ baseUrl: runner.url, tenant: "other" });
    await assert.rejects(other.getSession(session.id), (e: unknown) => e instanceof ReachError && e.code === "REACH-4002" && e.status === 404);
  });

  test("a pack that does not load is a ReachError with the runner's code and fix", async () => {
    await assert.rejects(client.openSession({ pack: "sdk-missing" }), (e: unknown) => e instanceof ReachError && e.status === 400 && /^REACH-\d{4}$/.test(e.code) && e.fix.length > 0);
  });
});

describe("idempotent tool calls", () => {
  test("a repeat with the same key and body returns the first answer and records nothing new", async () => {
    const session = await client.openSession({ pack: agentPack });
    const key = randomUUID();
    const first = await session.call("echo", { n: 1 }, { idempotencyKey: key });
    const events = (await session.status()).events;
    const again = await session.call("echo", { n: 1 }, { idempotencyKey: key });
    assert.equal(again.replayed, true);
    assert.equal(again.seq, first.seq);
    assert.equal(again.hash, first.hash);
    assert.equal((await session.status()).events, events);
  });

  test("the same key with another body is REACH-4011", async () => {
    const session = await client.openSession({ pack: agentPack });
    const key = randomUUID();
    await session.call("echo", { n: 1 }, { idempotencyKey: key });
    await assert.rejects(session.call("echo", { n: 2 }, { idempotencyKey: key }), (e: unknown) => e instanceof ReachError && e.code === "REACH-4011" && e.status === 422);
  });

  test("a call retried after a dropped connection is recorded once", async () => {
    let dropped = 0;
    // Delivers the first tool call to the runner, then loses its answer as a reset connection would.
    const lossy: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (String(input).endsWith("/tool-calls") && dropped === 0) {
        dropped++;
        await response.body?.cancel();
        throw new TypeError("fetch failed", { cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }) });
      }
      return response;
    };
    const flaky = new ReachClient({ baseUrl: runner.url, fetch: lossy, backoffMs: 1 });
    const session = await flaky.openSession({ pack: agentPack });
    const outcome = await session.call("echo", { once: true });
    assert.equal(dropped, 1);
    assert.equal(outcome.replayed, true);
    const types = [];
    for await (const e of session.events()) types.push(e.type);
    assert.equal(types.filter((t) => t === "step.started").length, 1);
  });
});

describe("spawn and the sessions list", () => {
  test("spawn opens a child with a subset of the tools, its parent and depth", async () => {
    const parent = await client.openSession({ pack: agentPack });
    const child = await parent.spawn({ tools: ["echo"], budget: { max_tool_calls: 1 } });
    assert.equal(child.info.parent_id, parent.id);
    assert.equal(child.info.depth, (parent.info.depth ?? 0) + 1);
    assert.deepEqual(child.info.tools, ["echo"]);
    assert.equal((await child.call("echo", { x: 1 })).status, "succeeded");
    assert.equal((await child.call("fs.read", { path: "x" })).decision.allowed, false);
  });

  test("listSessions pages through the tenant's sessions", async () => {
    const tenant = new ReachClient({ baseUrl: runner.url, tenant: `t-${randomUUID().slice(0, 8)}` });
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) ids.add((await tenant.openSession({ pack: agentPack })).id);
    const listed = new Set<string>();
    for await (const s of tenant.listSessions({ pageSize: 2 })) listed.add(s.session_id);
    assert.deepEqual(listed, ids);
  });
});
