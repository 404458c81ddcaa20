#!/usr/bin/env node
// The TypeScript SDK's overhead: N gated, recorded tool calls through the SDK beside the same calls made with raw
// fetch, against one real runner on loopback, interleaved in rounds so drift hits both alike. Target: at most 10%.
//   node bench/sdk-overhead.mjs [N]        (default 10000; needs sdk/ts built: cd sdk/ts && npm ci && npm run build)
// REACH_BIN=/path/to/reach uses a prebuilt CLI instead of ./reach.
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { ReachClient } from "../sdk/ts/dist/index.js";
import { startRunner } from "../sdk/ts/dist-test/test/support.js";

const total = Number(process.argv[2] ?? 10000);
const rounds = 10;
const perRound = Math.ceil(total / rounds);
const pack = "sdk-agent";

const runner = await startRunner();
try {
  const client = new ReachClient({ baseUrl: runner.url });
  const sdkSession = await client.openSession({ pack });
  const rawSession = (await client.openSession({ pack })).id;
  const rawUrl = `${runner.url}/v1/sessions/${rawSession}/tool-calls`;

  const sdkCall = async (i) => {
    const outcome = await sdkSession.call("echo", { i });
    if (outcome.status !== "succeeded") throw new Error("the call failed");
  };
  const rawCall = async (i) => {
    const response = await fetch(rawUrl, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", "idempotency-key": randomUUID() },
      body: JSON.stringify({ tool: "echo", input: { i } }),
    });
    const answer = await response.json();
    if (answer.status !== "succeeded") throw new Error("the call failed");
  };

  // Warm both paths (JIT, connections) before measuring.
  for (let i = 0; i < 200; i++) {
    await sdkCall(i);
    await rawCall(i);
  }
  const time = { sdk: 0, raw: 0 };
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of r % 2 === 0 ? [["sdk", sdkCall], ["raw", rawCall]] : [["raw", rawCall], ["sdk", sdkCall]]) {
      const start = performance.now();
      for (let i = 0; i < perRound; i++) await fn(i);
      time[name] += performance.now() - start;
    }
  }
  const calls = perRound * rounds;
  const overhead = (time.sdk / time.raw - 1) * 100;
  console.log(JSON.stringify({
    sdk: "typescript",
    calls,
    raw_fetch_ms: Math.round(time.raw),
    sdk_ms: Math.round(time.sdk),
    raw_calls_per_s: Math.round(calls / (time.raw / 1000)),
    sdk_calls_per_s: Math.round(calls / (time.sdk / 1000)),
    overhead_percent: Number(overhead.toFixed(1)),
    target_met: overhead <= 10,
  }));
} finally {
  await runner.stop();
}
