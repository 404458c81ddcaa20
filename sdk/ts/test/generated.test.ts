import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { repoRoot, run } from "./support.js";

const sdk = join(repoRoot, "sdk", "ts");

test("the committed generated types match openapi/reach.openapi.json (run sdk/ts/scripts/generate-types after changing the API)", async () => {
  const document = join(repoRoot, "openapi", "reach.openapi.json");
  assert.ok(existsSync(document), `${document} is missing: the SDK's types are generated from it`);
  const committed = join(sdk, "src", "generated", "openapi.ts");
  assert.ok(existsSync(committed), `${committed} is missing: run sdk/ts/scripts/generate-types`);
  const temp = mkdtempSync(join(tmpdir(), "reach-sdk-gen-"));
  try {
    const fresh = join(temp, "openapi.ts");
    const result = await run(join(sdk, "scripts", "generate-types"), [fresh]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readFileSync(fresh, "utf8"), readFileSync(committed, "utf8"), "src/generated/openapi.ts is stale: run sdk/ts/scripts/generate-types");
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
});
