// Drives an MCP server (here: Reach's gateway) with the official TypeScript client and prints what happened as JSON.
// Usage: node gateway-client.mjs PLAN.json
//   PLAN: { "connect": { "command": "...", "args": [...], "env": {...} } | { "url": "http://127.0.0.1:PORT/mcp" },
//           "steps": [ { "op": "list" } | { "op": "call" | "cancel", "name": "...", "arguments": {...} } | { "op": "ping" } ] }
// Prints { "server": {...}, "results": [ ... one per step ... ] }; each call result is the CallToolResult, or
// { "error": { "code", "message", "data" } } when the call failed with a JSON-RPC error.
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport, getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const timeout = plan.timeoutMs ?? 30000;
const transport = plan.connect.url
  ? new StreamableHTTPClientTransport(new URL(plan.connect.url))
  : new StdioClientTransport({
      command: plan.connect.command,
      args: plan.connect.args ?? [],
      env: { ...getDefaultEnvironment(), ...(plan.connect.env ?? {}) },
      stderr: "inherit",
    });
const notifications = [];
const client = new Client({ name: "reach-mcp-node-tests", version: "1.0.0" });
client.fallbackNotificationHandler = async (n) => { notifications.push(n); };
await client.connect(transport);
const results = [];
for (const step of plan.steps) {
  try {
    if (step.op === "list") {
      const listed = await client.listTools(undefined, { timeout });
      results.push({ tools: listed.tools.map((t) => t.name) });
    } else if (step.op === "call") {
      results.push(await client.callTool({ name: step.name, arguments: step.arguments ?? {} }, undefined, { timeout }));
    } else if (step.op === "cancel") {
      // Starts the call, then cancels it (the SDK sends notifications/cancelled) once the request is on its way.
      const controller = new AbortController();
      const call = client.callTool({ name: step.name, arguments: step.arguments ?? {} }, undefined, { signal: controller.signal, timeout });
      setTimeout(() => controller.abort("cancelled by the test"), step.afterMs ?? 500);
      results.push(await call);
    } else if (step.op === "ping") {
      results.push(await client.ping({ timeout }));
    } else {
      throw new Error(`unknown op ${step.op}`);
    }
  } catch (error) {
    results.push({ error: { code: error.code ?? null, message: String(error.message ?? error), data: error.data ?? null } });
  }
}
const server = client.getServerVersion() ?? null;
if (plan.connect.url && !plan.keepSession) {
  // Ends the MCP session on the server (HTTP DELETE), so the gateway seals that session's transcript.
  await transport.terminateSession();
}
await client.close();
process.stdout.write(JSON.stringify({ server, results, notifications }) + "\n");
