/** Test support: the repository's paths and a real runner (`reach serve`) on a free loopback port. */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root (tests run from sdk/ts/dist-test/test). */
export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
/** The golden transcripts. */
export const goldenDir = join(repoRoot, "tests", "golden");
/** The packs the SDK tests open sessions on, as the runner (started in the repo root) names them. */
export const agentPack = "sdk-agent";
export const tightPack = "sdk-tight";

/**
 * A runner opens packs by name from the directories its operator configures (never a client's path): the SDK's
 * test packs, the example packs and each example's own pack; the example policy bundles by name.
 */
const servePackArgs = [
  ...["examples/packs", "sdk/testdata/packs", "examples/ts-basic/pack", "examples/express-basic/pack", "examples/python-basic/pack", "examples/fastapi-basic/pack"].flatMap((d) => ["--pack-dir", d]),
  "--policy-dir",
  "policies",
];

/** The reach command: REACH_BIN when set (a prebuilt CLI), else the repository's ./reach. */
export function reachCommand(): string {
  return process.env["REACH_BIN"] || join(repoRoot, "reach");
}

/** A runner started for a test. */
export interface StartedRunner {
  url: string;
  home: string;
  stop(): Promise<void>;
}

/** Starts `reach serve --urls http://127.0.0.1:0 --json` with its own REACH_HOME and waits for the address it prints. */
export function startRunner(): Promise<StartedRunner> {
  const home = mkdtempSync(join(tmpdir(), "reach-sdk-ts-"));
  const child: ChildProcess = spawn(reachCommand(), ["serve", "--urls", "http://127.0.0.1:0", "--json", ...servePackArgs], {
    cwd: repoRoot,
    env: { ...process.env, REACH_HOME: home },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const onData = (chunk: Buffer): void => {
      out += chunk.toString("utf8");
      // The first JSON document on stdout (one line, or pretty-printed over several).
      for (let end = out.indexOf("}"); end >= 0; end = out.indexOf("}", end + 1)) {
        try {
          const doc = JSON.parse(out.slice(0, end + 1)) as { ok?: boolean; listening?: string };
          if (doc.ok && typeof doc.listening === "string") {
            child.stdout?.off("data", onData);
            child.stdout?.resume();
            resolve({
              url: doc.listening,
              home,
              stop: () =>
                new Promise<void>((done) => {
                  if (child.exitCode !== null) {
                    rmSync(home, { recursive: true, force: true });
                    return done();
                  }
                  child.once("exit", () => {
                    rmSync(home, { recursive: true, force: true });
                    done();
                  });
                  child.kill("SIGTERM");
                }),
            });
            return;
          }
        } catch {
          // not yet a whole document
        }
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")));
    child.once("error", (e) => reject(new Error(`reach serve could not start (${reachCommand()}): ${e.message}`)));
    child.once("exit", (code) => reject(new Error(`reach serve exited with ${code} before listening:\n${out}\n${err}`)));
  });
}

/** Runs a command and returns its exit code and output. */
export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? repoRoot, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
