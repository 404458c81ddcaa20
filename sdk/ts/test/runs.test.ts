import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ReachClient, verifyTranscript, type TranscriptEvent } from "../src/index.js";
import { startRunner, type StartedRunner } from "./support.js";

let runner: StartedRunner;
let client: ReachClient;
before(async () => {
  runner = await startRunner();
  client = new ReachClient({ baseUrl: runner.url, backoffMs: 10 });
});
after(async () => {
  await runner?.stop();
});

describe("runs against a real runner", () => {
  test("start, follow the event stream to its end, get, verify, replay and download the transcript", async () => {
    const run = await client.runs.start({ pack: "hello", inputs: { name: "SDK" } });
    assert.match(run.run_id, /^[0-9a-f]{32}$/);
    assert.equal(run.pack.name, "hello");
    const stream = client.runs.events(run.run_id);
    const events: TranscriptEvent[] = [];
    for await (const e of stream) events.push(e);
    assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i));
    assert.equal(events[0]?.type, "run.started");
    assert.equal(events.at(-1)?.type, "run.finished");
    assert.equal(stream.end?.status, "succeeded");

    const finished = await client.runs.get(run.run_id);
    assert.equal(finished.status, "succeeded");
    assert.equal(finished.fingerprint, stream.end?.fingerprint);

    const verified = await client.runs.verify(run.run_id);
    assert.equal(verified.ok, true);
    assert.equal(verified.fingerprint, finished.fingerprint);
    const replayed = await client.runs.replay(run.run_id);
    assert.equal(replayed.ok, true);
    assert.equal(replayed.identical, true);

    const offline = verifyTranscript(await client.runs.transcript(run.run_id));
    assert.equal(offline.ok, true, JSON.stringify(offline.error));
    assert.equal(offline.fingerprint, finished.fingerprint);
    assert.equal(offline.events, events.length);
  });

  test("events resume from a given seq", async () => {
    const run = await client.runs.start({ pack: "hello" });
    await client.runs.wait(run.run_id);
    const seqs: number[] = [];
    for await (const e of client.runs.events(run.run_id, { after: 3 })) seqs.push(e.seq);
    assert.equal(seqs[0], 4);
  });

  test("a stream cut after its first event is resumed from Last-Event-ID, every event once", async () => {
    let cut = 0;
    // Passes the first event of the first stream, then fails the connection as a reset would.
    const cutting: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (cut > 0 || !(response.headers.get("content-type") ?? "").startsWith("text/event-stream")) return response;
      cut++;
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let text = "";
      while (!text.includes("\n\n")) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString("utf8");
      }
      await reader.cancel();
      const first = text.slice(0, text.indexOf("\n\n") + 2);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(Buffer.from(first, "utf8"));
          controller.error(new TypeError("terminated", { cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }) }));
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const run = await client.runs.start({ pack: "hello" });
    await client.runs.wait(run.run_id);
    const stream = new ReachClient({ baseUrl: runner.url, fetch: cutting }).runs.events(run.run_id);
    const seqs: number[] = [];
    for await (const e of stream) seqs.push(e.seq);
    assert.equal(cut, 1);
    assert.equal(stream.resumes, 1);
    assert.deepEqual(seqs, seqs.map((_, i) => i));
    assert.equal(seqs.length, (await client.runs.get(run.run_id)).events);
    assert.equal(stream.end?.status, "succeeded");
  });

  test("a denied run ends denied", async () => {
    const run = await client.runs.start({ pack: "denied" });
    const done = await client.runs.wait(run.run_id);
    assert.equal(done.status, "denied");
  });

  test("list pages through runs and filters by status", async () => {
    const started = [];
    for (let i = 0; i < 3; i++) started.push((await client.runs.start({ pack: "hello" })).run_id);
    for (const id of started) await client.runs.wait(id);
    const listed: string[] = [];
    for await (const r of client.runs.list({ pageSize: 2, status: "succeeded" })) {
      assert.equal(r.status, "succeeded");
      listed.push(r.run_id);
    }
    for (const id of started) assert.ok(listed.includes(id), `run ${id} is listed`);
  });
});
