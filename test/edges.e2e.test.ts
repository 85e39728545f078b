import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateCommand } from "../scripts/commands/validate.js";
import { SHALLOW_HISTORY } from "../scripts/git/history.js";
import { run } from "../scripts/run.js";
import { edit } from "./support/suite.js";

const ROOT = join(import.meta.dirname, "..");
const FIXTURE = join(ROOT, "test", "fixtures", "minimal");
const temps: string[] = [];
const savedToday = process.env.IDP_TODAY;
beforeAll(() => {
  process.env.IDP_TODAY = "2026-11-25";
});
afterAll(() => {
  if (savedToday === undefined) delete process.env.IDP_TODAY;
  else process.env.IDP_TODAY = savedToday;
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), "idp-edges-"));
  temps.push(dir);
  return dir;
}

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "alice",
  GIT_AUTHOR_EMAIL: "alice@example.test",
  GIT_COMMITTER_NAME: "alice",
  GIT_COMMITTER_EMAIL: "alice@example.test",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "protocol.file.allow=always", ...args], {
    cwd,
    env: GIT_ENV,
    encoding: "utf8",
    stdio: "pipe",
  });
}

function commitAll(root: string, message: string, date: string): void {
  git(root, "add", "-A");
  execFileSync("git", ["commit", "-qm", message], {
    cwd: root,
    env: { ...GIT_ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
  });
}

describe("integers beyond int32 are schema errors on their line", () => {
  function examples(): string {
    const root = temp();
    for (const folder of ["environments", "teams", "services", "schemas", "policies"])
      cpSync(join(ROOT, folder), join(root, folder), { recursive: true });
    return root;
  }

  it.each([
    ["replicas", "  replicas: 2\n", "  replicas: 3000000000\n", 14, "spec.replicas", "1000000"],
    // 10^8 pods fit int32 but made the policy's requests × pods sums fail inside the wasm (exit 2).
    [
      "replicas that broke the wasm",
      "  replicas: 2\n",
      "  replicas: 100000000\n",
      14,
      "spec.replicas",
      "1000000",
    ],
    [
      "a probe's periodSeconds",
      "periodSeconds: 10 }",
      "periodSeconds: 2147483648 }",
      21,
      "spec.probes.liveness.periodSeconds",
      "2147483647",
    ],
  ])(
    "refuses %s beyond its maximum with exit 1, not a wasm failure",
    async (_what, from, to, line, path, maximum) => {
      const root = examples();
      edit(root, "services/cart/service.yaml", from, to);
      const result = await validateCommand({ root, format: "json" });
      expect(result.exitCode).toBe(1);
      const diagnostics = JSON.parse(result.stdout).diagnostics as {
        code: string;
        file: string;
        line: number;
        message: string;
      }[];
      expect(diagnostics).toEqual([
        expect.objectContaining({ code: "schema.maximum", file: "services/cart/service.yaml", line }),
      ]);
      expect(diagnostics[0]?.message).toContain(path);
      expect(diagnostics[0]?.message).toContain(maximum);
    },
  );

  it("refuses autoscale.max beyond int32 in an override", async () => {
    const root = examples();
    edit(
      root,
      "services/cart/service.yaml",
      "dev: { replicas: 1 }",
      "dev: { autoscale: { min: 1, max: 4294967296 } }",
    );
    const result = await validateCommand({ root, format: "json" });
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout).diagnostics).toEqual([
      expect.objectContaining({ code: "schema.maximum", file: "services/cart/service.yaml", line: 25 }),
    ]);
  });

  it("lets the largest replicas the schema allows through, to be judged by policy (REL001)", async () => {
    const root = examples();
    edit(root, "services/cart/service.yaml", "  replicas: 2\n", "  replicas: 1000000\n");
    const result = await validateCommand({ root, format: "json" });
    expect(result.exitCode).toBe(1);
    const codes = (JSON.parse(result.stdout).diagnostics as { code: string }[]).map((d) => d.code);
    expect(codes).toContain("policy.REL001");
    expect(codes.filter((c) => c.startsWith("schema."))).toEqual([]);
  });
});

/** A repository with two commits on main (the fixture, then a change to web's image) and a branch `change`. */
function history(): string {
  const root = temp();
  cpSync(FIXTURE, root, { recursive: true });
  git(root, "init", "-q", "-b", "main");
  commitAll(root, "Initial platform configuration", "2026-11-01T09:00:00Z");
  edit(root, "services/web/service.yaml", "web:1.2.3", "web:1.2.4");
  commitAll(root, "Bump web to 1.2.4 (#2)", "2026-11-02T09:00:00Z");
  git(root, "checkout", "-q", "-b", "change");
  edit(root, "services/web/service.yaml", "web:1.2.4", "web:1.2.5");
  commitAll(root, "Bump web to 1.2.5", "2026-11-03T09:00:00Z");
  git(root, "checkout", "-q", "main");
  return root;
}

describe("a shallow clone", () => {
  it("makes audit say that history is cut instead of reporting every service as added", async () => {
    const origin = history();
    const clone = join(temp(), "clone");
    git(tmpdir(), "clone", "-q", "--depth", "1", `file://${origin}`, clone);
    const outcome = await run(["audit", "web", "--env", "dev", "--root", clone]);
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stdout).toBe("");
    expect(outcome.stderr).toContain(SHALLOW_HISTORY);
    expect(outcome.stderr).not.toContain("web dev: added");
  });

  it("audits the whole history once it is fetched", async () => {
    const origin = history();
    const clone = join(temp(), "clone");
    git(tmpdir(), "clone", "-q", "--depth", "1", `file://${origin}`, clone);
    git(clone, "fetch", "-q", "--unshallow");
    const outcome = await run(["audit", "web", "--env", "dev", "--root", clone]);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stdout.split("\n").slice(0, 2)).toEqual([
      expect.stringMatching(
        /^2026-11-02 alice \(#2\) [0-9a-f]{7} {2}web dev: image ghcr\.io\/example\/web:1\.2\.3 → 1\.2\.4$/,
      ),
      expect.stringMatching(
        /^2026-11-01 alice [0-9a-f]{7} {2}web dev: added \(image ghcr\.io\/example\/web:1\.2\.3, replicas 1\)$/,
      ),
    ]);
  });

  it("makes plan say what to fetch when the base is missing, then when no merge base is there", async () => {
    const origin = history();
    const clone = join(temp(), "clone");
    git(tmpdir(), "clone", "-q", "--depth", "1", "--branch", "change", `file://${origin}`, clone);
    const missing = await run(["plan", "--base", "origin/main", "--root", clone]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain(
      "git could not find where HEAD left origin/main: origin/main is not in this clone; fetch it (git fetch origin main)",
    );
    git(clone, "fetch", "-q", "--depth", "1", "origin", "main:refs/remotes/origin/main");
    const cut = await run(["plan", "--base", "origin/main", "--root", clone]);
    expect(cut.exitCode).toBe(2);
    expect(cut.stderr).toContain(
      "HEAD and origin/main have no common commit in this shallow clone: the history that joins them was not fetched; run git fetch --unshallow origin",
    );
  });

  it("plans once the history that joins them is fetched", async () => {
    const origin = history();
    const clone = join(temp(), "clone");
    git(tmpdir(), "clone", "-q", "--depth", "1", "--branch", "change", `file://${origin}`, clone);
    git(clone, "fetch", "-q", "--unshallow", "origin", "main:refs/remotes/origin/main");
    const planned = await run(["plan", "--base", "origin/main", "--root", clone]);
    expect(planned.stderr).toBe("");
    expect(planned.exitCode).toBe(0);
    expect(planned.stdout).toContain("~ web (changed)");
  });
});
