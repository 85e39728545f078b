import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { run } from "../scripts/run.js";

const ROOT = join(import.meta.dirname, "..");
const WASM = "policies/dist/policy.wasm";
const MANIFEST = "policies/dist/manifest.json";
const temps: string[] = [];
let opa = "";

beforeAll(() => {
  // The pinned opa, installed by the project's own script when missing.
  opa = execFileSync("bash", [join(ROOT, "tools/opa.sh")], { encoding: "utf8" }).trim();
});
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of what the policy scripts need (tools/, policies/, the corpus) and what idp validate reads. */
function copy(): string {
  const root = mkdtempSync(join(tmpdir(), "idp-policy-check-"));
  temps.push(root);
  for (const folder of ["tools", "policies", "environments", "teams", "services", "schemas"])
    cpSync(join(ROOT, folder), join(root, folder), { recursive: true });
  // The credential corpus SEC004's opa tests read.
  cpSync(join(ROOT, "test/fixtures/secrets"), join(root, "test/fixtures/secrets"), { recursive: true });
  return root;
}

function script(root: string, name: string) {
  return spawnSync("bash", [join(root, "tools", name)], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, OPA_BIN: opa },
  });
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/**
 * The attack: build the wasm from weakened Rego, put the reviewed Rego back, and write a
 * manifest whose source hashes are the reviewed ones and whose wasm hash is the forged
 * wasm's (what a careful attacker commits).
 */
function tamper(root: string): void {
  const main = join(root, "policies/platform/main.rego");
  const reviewed = readFileSync(main, "utf8");
  const manifest = JSON.parse(readFileSync(join(root, MANIFEST), "utf8")) as { wasm: string };
  // Weakened: security findings no longer deny.
  writeFileSync(main, reviewed.replace("deny contains finding if some finding in security.deny\n", ""));
  expect(script(root, "policy-build.sh").status).toBe(0);
  writeFileSync(main, reviewed);
  const forged = readFileSync(join(root, WASM));
  expect(sha256(forged)).not.toBe(manifest.wasm);
  writeFileSync(join(root, MANIFEST), `${JSON.stringify({ ...manifest, wasm: sha256(forged) }, null, 2)}\n`);
}

describe("npm run policy:check rebuilds the bundle and compares it byte for byte", () => {
  it("passes on an untouched tree", () => {
    const root = copy();
    const result = script(root, "policy-check.sh");
    expect(result.stderr).toContain("policies/dist rebuilt and identical");
    expect(result.status).toBe(0);
  });

  it("refuses a wasm built from weakened Rego behind a restored manifest", async () => {
    const root = copy();
    tamper(root);
    // idp's own load-time check (manifest hashes) cannot see this forgery: the hashes agree.
    const validate = await run(["validate", "--root", root, "--format", "json"]);
    expect(validate.stdout).not.toContain("policy.stale-bundle");
    const result = script(root, "policy-check.sh");
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /policy:check: policies\/dist\/policy\.wasm is not what opa v[\d.]+ builds from the sources in policies\/ \(sha256 [0-9a-f]{64}, a rebuild gives [0-9a-f]{64}\); run npm run policy:build and commit policies\/dist\//,
    );
  });

  it("refuses a manifest that does not match the rebuild", () => {
    const root = copy();
    const file = join(root, MANIFEST);
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(/"opaVersion": "[^"]+"/, '"opaVersion": "v0.0.1"'),
    );
    const result = script(root, "policy-check.sh");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "policy:check: policies/dist/manifest.json does not match the sources, the opa version or policies/dist/policy.wasm",
    );
  });
});

describe("idp checks the bundle's hashes at load", () => {
  it("refuses a wasm whose hash is not the manifest's", async () => {
    const root = copy();
    const file = join(root, WASM);
    const bytes = readFileSync(file);
    bytes.writeUInt8((bytes.at(-1) ?? 0) ^ 1, bytes.length - 1);
    writeFileSync(file, bytes);
    const result = await run(["validate", "--root", root]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("policy.stale-bundle");
    expect(result.stdout).toContain("changed since the last build: policies/dist/policy.wasm");
  });
});
