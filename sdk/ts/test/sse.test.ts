import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { parseSse, ReachClient, ReachError, SdkCodes, type SseMessage, type TranscriptEvent } from "../src/index.js";
import { fakeServer, json, sse, type FakeServer } from "./fake.js";

async function parse(...chunks: string[]): Promise<SseMessage[]> {
  async function* source(): AsyncGenerator<Uint8Array> {
    for (const c of chunks) yield Buffer.from(c, "utf8");
  }
  const out: SseMessage[] = [];
  for await (const m of parseSse(source())) out.push(m);
  return out;
}

describe("parseSse", () => {
  test("reads id, event and data, across chunk boundaries and line endings", async () => {
    const messages = await parse("id: 1\nevent: run.sta", "rted\ndata: {\"seq\":1}\n\n", ": comment\r\nid: 2\r\nevent: x\r\ndata: a\r\ndata: b\r\n\r\n");
    assert.deepEqual(messages, [
      { event: "run.started", data: '{"seq":1}', id: "1" },
      { event: "x", data: "a\nb", id: "2" },
    ]);
  });

  test("drops a message cut off by the end of the stream", async () => {
    const messages = await parse("id: 1\ndata: {}\n\nid: 2\ndata: {\"trunc");
    assert.equal(messages.length, 1);
  });
});

const event = (seq: number, type = "step.started"): TranscriptEvent => ({
  seq,
  type,
  data: { n: seq },
  data_digest: "sha256:" + "0".repeat(64),
  hash: "sha256:" + String(seq).padStart(64, "0"),
  prev: "sha256:" + "0".repeat(64),
  salt: "0".repeat(32),
});
const frame = (e: TranscriptEvent): string => `id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
const end = `event: end\ndata: {"status":"succeeded","fingerprint":"sha256:${"f".repeat(64)}"}\n\n`;

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function collect(client: ReachClient, options: { after?: number; maxResumes?: number } = {}): Promise<{ seqs: number[]; error?: ReachError }> {
  const seqs: number[] = [];
  try {
    for await (const e of client.runs.events("r1", options)) seqs.push(e.seq);
  } catch (e) {
    if (!(e instanceof ReachError)) throw e;
    return { seqs, error: e };
  }
  return { seqs };
}

describe("runs.events over Server-Sent Events", () => {
  test("yields every event and the end message", async () => {
    server = await fakeServer(sse(frame(event(0)) + frame(event(1)) + end));
    const client = new ReachClient({ baseUrl: server.url });
    const stream = client.runs.events("r1");
    const seqs: number[] = [];
    for await (const e of stream) seqs.push(e.seq);
    assert.deepEqual(seqs, [0, 1]);
    assert.equal(stream.end?.status, "succeeded");
    assert.equal(server.requests[0]?.headers["accept"], "text/event-stream");
  });

  test("resumes after a dropped connection from the last event id, never yielding an event twice", async () => {
    server = await fakeServer(
      sse(frame(event(0)) + frame(event(1)) + "id: 2\nevent: step.started\ndata: {\"seq\":2,", true),
      sse(frame(event(1)) + frame(event(2)) + frame(event(3)) + end),
    );
    const client = new ReachClient({ baseUrl: server.url });
    const { seqs, error } = await collect(client);
    assert.equal(error, undefined);
    assert.deepEqual(seqs, [0, 1, 2, 3]);
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[1]?.headers["last-event-id"], "1");
    assert.match(server.requests[1]?.url ?? "", /after=1/);
  });

  test("starts after the given seq", async () => {
    server = await fakeServer(sse(frame(event(5)) + end));
    const client = new ReachClient({ baseUrl: server.url });
    const { seqs } = await collect(client, { after: 4 });
    assert.deepEqual(seqs, [5]);
    assert.equal(server.requests[0]?.headers["last-event-id"], "4");
  });

  test("a stream that keeps ending without its end message fails with SDK-BAD-STREAM", async () => {
    server = await fakeServer(sse(frame(event(0))), sse(""));
    const client = new ReachClient({ baseUrl: server.url });
    const { seqs, error } = await collect(client, { maxResumes: 2 });
    assert.deepEqual(seqs, [0]);
    assert.equal(error?.code, SdkCodes.badStream);
    assert.equal(server.requests.length, 4);
  });

  test("an event whose data is not JSON fails with SDK-BAD-STREAM naming it", async () => {
    server = await fakeServer(sse("id: 0\nevent: run.started\ndata: {not json\n\n" + end));
    const client = new ReachClient({ baseUrl: server.url });
    const { error } = await collect(client);
    assert.equal(error?.code, SdkCodes.badStream);
    assert.match(error?.message ?? "", /event 0 is not JSON/);
  });

  test("an answer that is not an event stream fails with SDK-BAD-STREAM", async () => {
    server = await fakeServer(json(200, { run_id: "r1", events: [], next_after: null }));
    const client = new ReachClient({ baseUrl: server.url });
    const { error } = await collect(client);
    assert.equal(error?.code, SdkCodes.badStream);
  });
});
