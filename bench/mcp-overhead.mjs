// What the MCP gateway adds to a tools/call: 2,000 calls of server-everything's `echo` tool through
// `reach mcp proxy` beside the same calls straight to the server, both over stdio with the official TypeScript client.
// Usage (after `npm ci --prefix tests/mcp-node` and `dotnet build src/Reach.Cli -c Release`):
//   node bench/mcp-overhead.mjs [CALLS]
// Prints the median, p90 and p99 of each, and the difference. Target: <= 1 ms added at the median, <= 5 ms at p99.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "tests", "mcp-node", "node_modules");
const { Client } = await import(join(modules, "@modelcontextprotocol/sdk/dist/esm/client/index.js"));
const { StdioClientTransport, getDefaultEnvironment } = await import(join(modules, "@modelcontextprotocol/sdk/dist/esm/client/stdio.js"));
const reach = process.env.REACH_DLL ?? join(root, "src", "Reach.Cli", "bin", "Release", "net10.0", "reach.dll");
const everything = join(modules, "@modelcontextprotocol/server-everything/dist/index.js");
const calls = Number(process.argv[2] ?? 2000);
const warmup = 200;

const home = mkdtempSync(join(tmpdir(), "reach-mcp-bench-"));
const env = { ...getDefaultEnvironment(), REACH_HOME: home, NO_COLOR: "1" };
execFileSync("dotnet", [reach, "connector", "add", "everything", "--", "node", everything, "stdio"], { env, stdio: "ignore" });
execFileSync("dotnet", [reach, "connector", "pin", "everything"], { env, stdio: "ignore" });

async function measure(command, args) {
  const client = new Client({ name: "reach-mcp-bench", version: "1.0.0" });
  await client.connect(new StdioClientTransport({ command, args, env, stderr: "ignore" }));
  const times = [];
  for (let i = 0; i < warmup + calls; i++) {
    const start = process.hrtime.bigint();
    const result = await client.callTool({ name: "echo", arguments: { message: `call ${i}` } });
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.isError) throw new Error(JSON.stringify(result));
    if (i >= warmup) times.push(elapsed);
  }
  await client.close();
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { median: at(0.5), p90: at(0.9), p99: at(0.99) };
}

const direct = await measure("node", [everything, "stdio"]);
const gateway = await measure("dotnet", [reach, "mcp", "proxy", "everything", "--budget", `max_tool_calls=${warmup + calls}`]);
rmSync(home, { recursive: true, force: true });
const f = (x) => x.toFixed(3).padStart(8);
console.log(`${calls} tools/call of server-everything's echo (after ${warmup} warm-up calls), ${cpus().length} cores`);
console.log(`            median      p90      p99   (ms)`);
console.log(`direct    ${f(direct.median)} ${f(direct.p90)} ${f(direct.p99)}`);
console.log(`gateway   ${f(gateway.median)} ${f(gateway.p90)} ${f(gateway.p99)}`);
console.log(`added     ${f(gateway.median - direct.median)} ${f(gateway.p90 - direct.p90)} ${f(gateway.p99 - direct.p99)}`);
