// An Express app whose handlers perform every side effect through Reach: each one is gated (policy and budget)
// before it runs and recorded after, in the session's transcript. A denied action answers 403 with Reach's reason.
import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import express from "express";
import { ReachError, verifyTranscript } from "@reach/sdk";

const NAME = /^[a-z0-9-]{1,64}$/;

/**
 * Builds the app around an open Reach session.
 * @param {{ session: import("@reach/sdk").Session, notesDir: string }} options
 */
export function createApp({ session, notesDir }) {
  // The side effects, each wrapped: same signature, but gated and recorded by Reach.
  const writeNote = session.wrap("fs.write", async ({ path, content }) => {
    await mkdir(notesDir, { recursive: true });
    await writeFile(join(notesDir, path), content);
    return { path, bytes: Buffer.byteLength(content) };
  });
  const readNote = session.wrap("fs.read", async ({ path }) => {
    const content = await readFile(join(notesDir, path), "utf8");
    return { path, content };
  });
  const cleanUp = session.wrap("proc.exec", async ({ command, args }) => {
    const { stdout } = await promisify(execFile)(command, args, { cwd: notesDir });
    return { stdout };
  });

  const app = express();
  app.use(express.json());

  app.post("/notes/:name", async (req, res) => {
    if (!NAME.test(req.params.name) || typeof req.body?.text !== "string") {
      return res.status(400).json({ error: "a note is {\"text\": string} under a name of a-z, 0-9 and -" });
    }
    const saved = await writeNote({ path: `${req.params.name}.txt`, content: req.body.text });
    res.status(201).json(saved);
  });

  app.get("/notes/:name", async (req, res) => {
    if (!NAME.test(req.params.name)) return res.status(400).json({ error: "bad name" });
    try {
      res.json(await readNote({ path: `${req.params.name}.txt` }));
    } catch (error) {
      // The error was recorded in the transcript as the call's result, then rethrown unchanged.
      if (error?.code === "ENOENT") return res.status(404).json({ error: "no such note" });
      throw error;
    }
  });

  app.post("/cleanup", async (_req, res) => {
    res.json(await cleanUp({ command: "rm", args: ["-f", "*.txt"] }));
  });

  // The audit trail: the transcript so far, verified here (unsealed while the session is open).
  app.get("/audit", async (_req, res) => {
    const report = verifyTranscript(await session.transcript());
    res.json({ session: session.id, events: report.events, chain_intact: report.chainIntact, fingerprint: report.fingerprint });
  });

  // Express 5 passes rejected promises here. A denial is 403 with Reach's reason; the runner being unusable is 502.
  app.use((error, _req, res, _next) => {
    if (error instanceof ReachError && error.decision) {
      return res.status(403).json({ error: error.decision.reason, code: error.decision.code, rules: error.decision.rules });
    }
    if (error instanceof ReachError) return res.status(502).json({ error: error.message, code: error.code, fix: error.fix });
    res.status(500).json({ error: String(error?.message ?? error) });
  });
  return app;
}
