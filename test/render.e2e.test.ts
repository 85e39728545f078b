import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { run } from "../scripts/run.js";

const ROOT = join(import.meta.dirname, "..");
const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A git repository holding a copy of the examples, rendered and committed, as teams have it. */
async function renderedRepo(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), "idp-render-"));
  temps.push(root);
  for (const folder of ["environments", "teams", "services", "schemas"]) {
    cpSync(join(ROOT, folder), join(root, folder), { recursive: true });
  }
  const first = await run(["render", "--root", root]);
  expect(first.exitCode, first.stdout + first.stderr).toBe(0);
  git(root, "init", "-q", "-b", "main");
  git(root, "add", "-A");
  git(root, "-c", "user.name=t", "-c", "user.email=t@example.test", "commit", "-qm", "init");
  return root;
}

function git(root: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: root, encoding: "utf8" });
}

const status = (root: string) => git(root, "status", "--porcelain", "--untracked-files=all");

describe("idp render", () => {
  it("is idempotent: a second render changes nothing", async () => {
    const root = await renderedRepo();
    const again = await run(["render", "--root", root]);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain("0 added, 0 changed, 0 removed");
    expect(status(root)).toBe("");
  });

  it("--check passes on fresh output and fails listing every stale file, writing nothing", async () => {
    const root = await renderedRepo();
    expect((await run(["render", "--root", root, "--check"])).exitCode).toBe(0);
    const service = join(root, "services/cart/service.yaml");
    writeFileSync(
      service,
      readFileSync(service, "utf8").replace(
        /image: ghcr\.io\/acme\/cart:\S+/,
        "image: ghcr.io/acme/cart:9.9.9",
      ),
    );
    rmSync(join(root, "services/search"), { recursive: true });
    const check = await run(["render", "--root", root, "--check", "--format", "json"]);
    expect(check.exitCode).toBe(1);
    const report = JSON.parse(check.stdout) as { changed: string[]; removed: string[]; added: string[] };
    expect(report.added).toEqual([]);
    expect(report.changed).toEqual(
      expect.arrayContaining(["manifests/prod/cart/manifest.yaml", "manifests/staging/cart/manifest.yaml"]),
    );
    expect(report.removed).toEqual([
      "manifests/dev/search/.render-key",
      "manifests/dev/search/manifest.yaml",
      "manifests/staging/search/.render-key",
      "manifests/staging/search/manifest.yaml",
    ]);
    expect(status(root).split("\n").filter(Boolean).sort()).toEqual([
      " D services/search/service.yaml",
      " M services/cart/service.yaml",
    ]);
  });

  it("--verify finds every object of the examples served and valid by the pinned schemas", async () => {
    const root = await renderedRepo();
    const verified = await run(["render", "--root", root, "--check", "--verify", "--format", "json"]);
    expect(verified.exitCode, verified.stdout + verified.stderr).toBe(0);
    const report = JSON.parse(verified.stdout) as {
      diagnostics: unknown[];
      verified: number;
      unverified: number;
    };
    expect(report.diagnostics).toEqual([]);
    expect(report.verified).toBeGreaterThan(200);
    expect(report.unverified).toBe(0);
    // from source the schemas are compiled, not loaded precompiled: about 10 s on its own
  }, 120_000);

  it("prunes the output of a deleted service, and only inside manifests/", async () => {
    const root = await renderedRepo();
    writeFileSync(join(root, "notes.txt"), "keep me\n");
    rmSync(join(root, "services/search"), { recursive: true });
    const outcome = await run(["render", "--root", root]);
    expect(outcome.exitCode).toBe(0);
    expect(existsSync(join(root, "manifests/dev/search"))).toBe(false);
    expect(readFileSync(join(root, "notes.txt"), "utf8")).toBe("keep me\n");
    expect(outcome.stdout).toContain("- manifests/dev/search/manifest.yaml");
  });

  it("writes nothing when the input is invalid", async () => {
    const root = await renderedRepo();
    const service = join(root, "services/cart/service.yaml");
    writeFileSync(
      service,
      readFileSync(service, "utf8").replace(
        /image: ghcr\.io\/acme\/cart:\S+/,
        "image: ghcr.io/acme/cart:9.9.9\n  replica: 3",
      ),
    );
    const outcome = await run(["render", "--root", root]);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stdout).toContain("schema.unknown-field");
    expect(outcome.stdout).toContain("nothing was written");
    expect(status(root)).toBe(" M services/cart/service.yaml\n");
  });

  it("refuses to empty an environment unless --allow-empty", async () => {
    const root = await renderedRepo();
    rmSync(join(root, "services"), { recursive: true });
    const refused = await run(["render", "--root", root, "--format", "json"]);
    const report = JSON.parse(refused.stdout) as { diagnostics: { code: string; file: string }[] };
    expect(refused.exitCode, refused.stdout).toBe(1);
    expect(report.diagnostics.map((d) => [d.code, d.file])).toEqual([
      ["render.empty-environment", "manifests/dev"],
      ["render.empty-environment", "manifests/prod"],
      ["render.empty-environment", "manifests/staging"],
    ]);
    expect(existsSync(join(root, "manifests/dev/cart/manifest.yaml"))).toBe(true);
    const allowed = await run(["render", "--root", root, "--allow-empty"]);
    expect(allowed.exitCode, allowed.stdout).toBe(0);
    expect(existsSync(join(root, "manifests/dev/cart"))).toBe(false);
    expect(existsSync(join(root, "manifests/dev/_platform/manifest.yaml"))).toBe(true);
  });
});
