import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { addBareOrigin, usePullRequestFake } from "./support/pull-request-fake.js";
import { git } from "./support/suite.js";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");
const CLI = join(ROOT, "bin", "idp.js");
const README = readFileSync(join(ROOT, "README.md"), "utf8");
/** What a fresh clone of the platform repository holds besides the tool itself. */
const CONTENT = [
  "environments",
  "teams",
  "services",
  "schemas",
  "policies",
  "manifests",
  ".github/CODEOWNERS",
  ".gitignore",
];

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `idp ARGS` as a person does (the built CLI, in the repository's folder), without a shell. */
async function idp(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<Ran> {
  try {
    const { stdout, stderr } = await run("node", [CLI, ...args], {
      cwd,
      env: { ...process.env, IDP_TODAY: "2026-11-25", ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (caught) {
    const failed = caught as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

/** The section of the README under the heading `title`, up to the next heading of that level. */
function section(title: string): string {
  const start = README.indexOf(`\n## ${title}\n`);
  expect(start, `README section "${title}"`).toBeGreaterThan(-1);
  const end = README.indexOf("\n## ", start + 1);
  return README.slice(start, end === -1 ? undefined : end);
}

/**
 * The idp commands a README text tells a person to run, in order: inline
 * (`npm run -s idp -- X`, `npx idp X`) or as `$ ...` lines of a shell block.
 * A bare `idp X` is a reference, not an instruction.
 */
function commandsIn(text: string): string[][] {
  const entry = String.raw`(?:npm run -s idp --|npx idp|node bin/idp\.js)`;
  const pattern = new RegExp(String.raw`(?:\`|^\$ )${entry} ([a-z][^\`#\n]*)`, "gm");
  return [...text.matchAll(pattern)].map((m) => (m[1] ?? "").trim().split(/\s+/));
}

/** The exit code of every check CI runs, on a fresh clone of `branch` from `origin`. */
async function checksOf(origin: string, branch: string): Promise<Record<string, number>> {
  const clone = temp("idp-walk-clone-");
  git(tmpdir(), "clone", "-q", "--branch", branch, origin, clone);
  const codes: Record<string, number> = {};
  for (const check of [["validate"], ["render", "--check"], ["codeowners", "--check"]]) {
    const ran = await idp(clone, check);
    codes[check.join(" ")] = ran.code;
  }
  return codes;
}

const PASSING = { validate: 0, "render --check": 0, "codeowners --check": 0 };
const branchOf = (root: string) => git(root, "rev-parse", "--abbrev-ref", "HEAD").trim();

describe("the README, followed as written", () => {
  const github = usePullRequestFake();

  it("adding a service by hand and with new --pr, promoting with --pr from a feature branch: every branch passes CI", async () => {
    const root = temp("idp-walk-");
    for (const path of CONTENT) cpSync(join(ROOT, path), join(root, path), { recursive: true });
    git(root, "init", "-q", "-b", "main");
    git(root, "config", "user.name", "t");
    git(root, "config", "user.email", "t@example.test");
    git(root, "add", "-A");
    git(root, "commit", "-qm", "platform");
    const origin = temp("idp-walk-origin-");
    addBareOrigin(root, origin);
    const fake = await github.open(1);
    fake.script("pulls/create", {
      status: 201,
      body: { number: 2, html_url: "https://github.example/acme/shop/pull/2" },
    });
    const env = { GITHUB_TOKEN: "ghp_person", GITHUB_API_URL: fake.url, GITHUB_REPOSITORY: "acme/shop" };

    // "Adding a service": write the README's file, then run the commands the section names.
    const adding = section("Adding a service");
    const yaml = /```yaml\n([\s\S]*?)\n\s*```/.exec(adding)?.[1];
    expect(yaml).toBeDefined();
    const file = (yaml ?? "").replace(/^ {3}/gm, "");
    const name = /^ {2}name: (\S+)/m.exec(file)?.[1] ?? "";
    expect(name).toBe("wishlist");
    const steps = commandsIn(adding);
    expect(steps.map((s) => s[0])).toEqual(["validate", "render"]);
    git(root, "switch", "-q", "-c", `add-${name}`);
    mkdirSync(join(root, "services", name));
    writeFileSync(join(root, "services", name, "service.yaml"), `${file}\n`);
    for (const step of steps) {
      const ran = await idp(root, step);
      expect(ran.code, `${step.join(" ")}: ${ran.stdout}${ran.stderr}`).toBe(0);
    }
    git(root, "add", "-A");
    git(root, "commit", "-qm", `Add service ${name}`);
    git(root, "push", "-q", "origin", `add-${name}`);
    expect(await checksOf(origin, `add-${name}`)).toEqual(PASSING);

    // "Self-service": idp new service ... --pr, from main.
    git(root, "switch", "-q", "main");
    expect(README).toContain("new service wishlist --team storefront --type worker");
    const created = await idp(
      root,
      ["new", "service", "reviews", "--team", "storefront", "--type", "worker", "--pr"],
      env,
    );
    expect(created.code, created.stdout + created.stderr).toBe(0);
    expect(created.stdout).toContain("opened pull request #1 from idp/new-service-reviews into main");
    expect(created.stderr).toContain("checking GitHub: acme/shop at");
    expect(created.stderr).toContain("pushed idp/new-service-reviews to origin");
    expect(created.stderr).toContain("opened #1: https://github.example/acme/shop/pull/1");
    expect(branchOf(root)).toBe("main");
    expect(await checksOf(origin, "idp/new-service-reviews")).toEqual(PASSING);

    // "promote --all --to staging --pr", from a feature branch of the person's own.
    const promote = commandsIn(section("Self-service: new services, promotion, audit")).find(
      (c) => c[0] === "promote" && c.includes("--all"),
    );
    expect(promote).toEqual(["promote", "--all", "--to", "staging", "--pr"]);
    git(root, "switch", "-q", "-c", "feature/docs");
    writeFileSync(join(root, "NOTES.md"), "draft\n");
    git(root, "add", "NOTES.md");
    git(root, "commit", "-qm", "notes");
    const promoted = await idp(root, promote ?? [], env);
    expect(promoted.code, promoted.stdout + promoted.stderr).toBe(0);
    expect(promoted.stdout).toContain("opened pull request #2 from idp/promote-staging-2026-11-25 into main");
    const bases = fake.requests
      .filter((r) => r.operationId === "pulls/create")
      .map((r) => (r.body as { base: string }).base);
    expect(bases).toEqual(["main", "main"]);
    expect(branchOf(root)).toBe("feature/docs");
    expect(git(root, "status", "--porcelain")).toBe("");
    expect(await checksOf(origin, "idp/promote-staging-2026-11-25")).toEqual(PASSING);

    // A dirty, unrelated file: --pr refuses before anything, naming it.
    writeFileSync(join(root, "services/cart/service.yaml"), "# a local experiment\n", { flag: "a" });
    const refused = await idp(root, promote ?? [], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      "uncommitted changes that would not be in it: services/cart/service.yaml",
    );
    expect(
      git(origin, "for-each-ref", "--format=%(refname:short)", "refs/heads").trim().split("\n").sort(),
    ).toEqual(["add-wishlist", "idp/new-service-reviews", "idp/promote-staging-2026-11-25", "main"]);
    expect(fake.violations).toEqual([]);
  }, 300_000);
});
