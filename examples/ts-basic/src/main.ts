// Three tool calls through Reach: a built-in the runner executes, a tool this process runs itself (through wrap),
// and one the pack does not declare (denied, and the function never runs). Then the transcript is verified offline.
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ReachClient, ReachError, verifyTranscript } from "@reach/sdk";

const pack = "ts-basic"; // by name: the runner serves ./pack from a configured pack directory (reach serve --pack-dir)
const notes = process.env["NOTES_DIR"] ?? join(tmpdir(), "reach-ts-basic");

async function main(): Promise<void> {
  const client = new ReachClient(); // REACH_URL, or http://127.0.0.1:8787 (`reach serve`)
  const session = await client.openSession({ pack });
  console.log(`session    ${session.id}  ${session.info.pack.name}@${session.info.pack.version}`);

  // 1. A built-in: the runner gates it, runs it and records the output.
  const greeting = await session.call("text.template", { template: "Hello, {{name}}!", values: { name: "Reach" } });
  console.log(`permitted  text.template -> ${JSON.stringify(greeting.output)}`);

  // 2. A tool this process runs: wrap keeps the function's signature; Reach gates the call, then records what it returned.
  const saveNote = session.wrap("fs.write", async (input: { path: string; content: string }) => {
    await mkdir(notes, { recursive: true });
    await writeFile(join(notes, input.path), input.content);
    return { path: input.path, bytes: Buffer.byteLength(input.content) };
  });
  const saved = await saveNote({ path: "greeting.txt", content: String(greeting.output) });
  console.log(`recorded   fs.write -> ${JSON.stringify(saved)}`);

  // 3. A tool the pack does not declare: denied. The denial is a value; nothing runs.
  const denied = await session.call("proc.exec", { command: "rm", args: ["-rf", notes] });
  console.log(`denied     proc.exec (${denied.decision.code}): ${denied.decision.reason}`);

  // Close (the runner seals the transcript), then verify it here, without trusting the runner.
  const closed = await session.close();
  const report = verifyTranscript(await session.transcript());
  console.log(`verified   ${report.ok ? "ok" : "FAILED"}, ${report.events} events, fingerprint ${report.fingerprint}`);
  if (!report.ok || report.fingerprint !== closed.fingerprint) {
    console.error(report.error ?? "the fingerprint differs from the one the runner reported");
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  // A ReachError says what went wrong and how to fix it (e.g. no runner listening: start `reach serve`).
  console.error(error instanceof ReachError ? `${error.code}: ${error.message}\nfix: ${error.fix}` : error);
  process.exitCode = 1;
});
