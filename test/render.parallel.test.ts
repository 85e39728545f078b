import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateRepository } from "../bench/generate-repository.js";

const ROOT = join(import.meta.dirname, "..");
const CLI = join(ROOT, "bin", "idp.js");

// Worker threads render only from the built code (test/support/build-cli.ts
// builds it), and only for trees of 400 files or more: 150 services in 3
// environments make about 450 (a few are disabled in some).
function idp(root: string, args: string[], threads: number) {
  const result = spawnSync(process.execPath, [CLI, ...args, "--root", root, "--format", "json"], {
    encoding: "utf8",
    env: { ...process.env, IDP_RENDER_THREADS: String(threads), IDP_TODAY: "2026-11-25" },
    // A process kept alive by an idle worker would hang here: fail instead.
    timeout: 50_000,
  });
  return { status: result.status, json: JSON.parse(result.stdout || "{}"), stderr: result.stderr };
}

/** What a render left beside manifests/: staged, old or spare trees, the lock (no render here makes a spare). */
function leftovers(root: string): string[] {
  return readdirSync(root).filter((name) => name.startsWith(".manifests.") || name === ".idp-render.lock");
}

describe("rendering across worker threads", () => {
  let scratch: string;
  let root: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), "idp-parallel-"));
    root = join(scratch, "repository");
    generateRepository(root, { services: 150, seed: 7, policiesFrom: true });
  });

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each([2, 3])(
    "gives the bytes one thread gives, with %i threads",
    (threads) => {
      rmSync(join(root, "manifests"), { recursive: true, force: true });
      const parallel = idp(root, ["render"], threads);
      expect(parallel.status, parallel.stderr).toBe(0);
      expect(parallel.json.added.length).toBeGreaterThanOrEqual(400);
      // --full: every file rendered again in this thread, each compared byte for byte
      // (key files too), none trusted by the key files the threads wrote.
      const serial = idp(root, ["render", "--check", "--full"], 1);
      expect(serial.status, JSON.stringify(serial.json).slice(0, 500)).toBe(0);
      expect(serial.json.unchanged).toBe(parallel.json.added.length);
    },
    60_000,
  );

  it("writes a first render as it renders it, and leaves the tree a re-render finds unchanged", () => {
    rmSync(join(root, "manifests"), { recursive: true, force: true });
    const first = idp(root, ["render"], 2);
    expect(first.status, first.stderr).toBe(0);
    expect(first.json.added).toContain("manifests/README.md");
    // Each manifest with its key file, and no staged tree or lock left beside manifests/.
    const keyFiles = first.json.added.filter((path: string) => path.endsWith("/.render-key"));
    expect(keyFiles.length * 2 + 1).toBe(first.json.added.length);
    expect(leftovers(root)).toEqual([]);
    const again = idp(root, ["render"], 2);
    expect(again.status, again.stderr).toBe(0);
    expect(again.json).toMatchObject({ added: [], changed: [], removed: [], rendered: 0 });
    expect(again.json.unchanged).toBe(first.json.added.length);
  }, 60_000);

  it("leaves no manifests/ and no staged tree when policy denies a first render its workers were writing", () => {
    rmSync(join(root, "manifests"), { recursive: true, force: true });
    // The last service in file order: the other files are rendered, and written, while policy runs.
    const service = readdirSync(join(root, "services")).sort().at(-1) as string;
    const file = join(root, "services", service, "service.yaml");
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.replace(/^( {2}image: [^:\n]+):\S+$/m, "$1:latest"));
    try {
      const denied = idp(root, ["render"], 2);
      expect(denied.status, denied.stderr).toBe(1);
      expect(denied.json.diagnostics.map((d: { code: string }) => d.code)).toContain("policy.SEC002");
      expect(readdirSync(root)).not.toContain("manifests");
      expect(leftovers(root)).toEqual([]);
    } finally {
      writeFileSync(file, text);
    }
  }, 60_000);

  it("exits with 2 and a message when the platform is broken, with workers already started", () => {
    const schema = join(root, "schemas", "service.schema.json");
    const text = readFileSync(schema, "utf8");
    writeFileSync(schema, "{ not json");
    try {
      const broken = idp(root, ["render"], 2);
      expect(broken.status).toBe(2);
      expect(broken.stderr).toMatch(/schema/);
      expect(broken.stderr).not.toMatch(/\n\s+at /);
    } finally {
      writeFileSync(schema, text);
    }
  }, 60_000);

  it("starts no worker it does not use and leaves nothing behind when validation fails", () => {
    rmSync(join(root, "manifests"), { recursive: true, force: true });
    const service = readdirSync(join(root, "services"))[0] as string;
    const file = join(root, "services", service, "service.yaml");
    const text = readFileSync(file, "utf8");
    writeFileSync(file, `${text}\nunknownField: true\n`);
    try {
      const refused = idp(root, ["render"], 2);
      expect(refused.status).toBe(1);
      expect(refused.json.ok).toBe(false);
      expect(readdirSync(root)).not.toContain("manifests");
    } finally {
      writeFileSync(file, text);
    }
  }, 60_000);
});
