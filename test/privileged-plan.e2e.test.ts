/**
 * The privileged comment job computes the plan itself (issue #12, part 3): the steps of
 * .github/workflows/pr-comment.yml that fetch the pull request's head and plan it are run
 * locally, from a trusted checkout of the default branch, against a real git "origin" whose
 * refs/pull/7/head edits scripts/ (to write an "ok" plan, and a marker file if anything of
 * it runs) and adds a change the base's policy denies. The plan still reports the denial,
 * nothing from the head runs, and the comment posted to the local GitHub server carries
 * that verdict even when the artifact's plan.json claims otherwise.
 */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { run } from "../scripts/run.js";
import { type FakeGitHub, startFakeGitHub } from "./github/fake-github.js";
import { OpenApiChecker } from "./github/openapi-check.js";
import { edit } from "./support/suite.js";

const ROOT = join(import.meta.dirname, "..");
const CLI = join(ROOT, "bin", "idp.js");
const FOLDERS = ["environments", "teams", "services", "schemas", "policies"];
const SEARCH = "services/search/service.yaml";
/** A day outside every freeze window, so the verdicts do not depend on the calendar. */
const IDP_TODAY = "2026-06-15";
const PR = 7;
const AUTHOR = "octocat";

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
}

const temps: string[] = [];
function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.test", ...args], {
    cwd,
    encoding: "utf8",
    stdio: "pipe",
  }).trim();
}

/** What a pull request's code does if anything runs it: writes the marker, prints an "ok" plan. */
function hostileScript(marker: string): string {
  return [
    `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "ran");`,
    `console.log(JSON.stringify({ verdict: { ok: true, summary: "ready to merge" }, diagnostics: [] }));`,
    "",
  ].join("\n");
}

/**
 * An origin with the example repository on main (with a small scripts/ and package.json),
 * and the pull request's head at refs/pull/7/head: `change` edits it before it is pushed.
 */
function origin(change: (work: string) => void): { origin: string; base: string; head: string } {
  const repo = temp("idp-priv-origin-");
  for (const folder of FOLDERS) cpSync(join(ROOT, folder), join(repo, folder), { recursive: true });
  mkdirSync(join(repo, "scripts"));
  mkdirSync(join(repo, "bin"));
  writeFileSync(join(repo, "scripts", "plan.js"), "// the platform's scripts\n");
  writeFileSync(join(repo, "bin", "idp.js"), 'import "../scripts/plan.js";\n');
  writeFileSync(
    join(repo, "package.json"),
    `${JSON.stringify({ name: "platform", private: true, type: "commonjs", scripts: { idp: "node bin/idp.js" } }, null, 2)}\n`,
  );
  git(repo, "init", "-q", "-b", "main");
  // GitHub serves any reachable commit by its SHA (the workflow fetches the base that way).
  git(repo, "config", "uploadpack.allowAnySHA1InWant", "true");
  git(repo, "add", "-A");
  git(repo, "commit", "-qm", "platform repository");
  const base = git(repo, "rev-parse", "HEAD");
  const work = join(temp("idp-priv-work-"), "repo");
  git(ROOT, "clone", "-q", repo, work);
  git(work, "switch", "-q", "-c", "feature");
  change(work);
  git(work, "add", "-A");
  git(work, "commit", "-qm", "the pull request's change");
  const head = git(work, "rev-parse", "HEAD");
  git(work, "push", "-q", "origin", `HEAD:refs/pull/${PR}/head`);
  return { origin: repo, base, head };
}

/** ${{ a.b.c }} from `context`, as the runner evaluates env: blocks. */
function evaluate(value: string, context: Record<string, unknown>): string {
  return value.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_whole, expression: string) => {
    let current: unknown = context;
    for (const key of expression.split("."))
      current =
        current && typeof current === "object" ? (current as Record<string, unknown>)[key] : undefined;
    return current === undefined || current === null ? "" : String(current);
  });
}

interface JobRun {
  runnerTemp: string;
  trusted: string;
  outcomes: Map<string, { exitCode: number; stdout: string; stderr: string }>;
}

/**
 * Runs the comment job's `run:` steps after the number check (fetch, plan, post) as the
 * runner would, in a clone of `origin`'s default branch (the trusted checkout), with the
 * number check's outputs given and `node bin/idp.js` as this repository's built CLI.
 * The artifact holds `artifactPlan` as its plan.json.
 */
async function runCommentJob(
  repo: { origin: string; base: string; head: string },
  artifactPlan: unknown,
  api: { url: string; token: string },
): Promise<JobRun> {
  const workflow = parse(readFileSync(join(ROOT, ".github/workflows/pr-comment.yml"), "utf8")) as {
    jobs: Record<string, { steps: Step[] }>;
  };
  const job = workflow.jobs.comment;
  if (!job) throw new Error("pr-comment.yml has no comment job");
  const trusted = join(temp("idp-priv-trusted-"), "repo");
  git(ROOT, "clone", "-q", repo.origin, trusted);
  const runnerTemp = temp("idp-priv-runner-");
  mkdirSync(join(runnerTemp, "idp-plan"));
  writeFileSync(join(runnerTemp, "idp-plan", "pr-number"), `${PR}\n`);
  writeFileSync(join(runnerTemp, "idp-plan", "plan.json"), JSON.stringify(artifactPlan));
  const outputs: Record<string, Record<string, string>> = {
    pr: { number: String(PR), base: repo.base, author: AUTHOR, post: "true" },
  };
  const outcomes: JobRun["outcomes"] = new Map();
  const start = job.steps.findIndex((s) => s.id === "pr") + 1;
  for (const step of job.steps.slice(start)) {
    const id = step.id ?? "post";
    if (step.run === undefined) throw new Error(`unexpected uses: step ${step.name}`);
    const context = {
      github: { event: { workflow_run: { head_sha: repo.head } } },
      secrets: { GITHUB_TOKEN: api.token },
      steps: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { outputs: v }])),
    };
    const condition = /^steps\.(\w+)\.outputs\.(\w+) == 'true'$/.exec(step.if ?? "");
    if (!condition) throw new Error(`unsupported if: ${step.if}`);
    if (outputs[condition[1] ?? ""]?.[condition[2] ?? ""] !== "true") continue;
    const env = Object.fromEntries(
      Object.entries(step.env ?? {}).map(([key, value]) => [key, evaluate(value, context)]),
    );
    const file = join(runnerTemp, `${id}.sh`);
    writeFileSync(file, step.run.replaceAll("node bin/idp.js", `node '${CLI}'`));
    const output = join(runnerTemp, `${id}.out`);
    writeFileSync(output, "");
    // Not spawnSync: the local GitHub server answers from this process's event loop.
    const result = await bash(file, trusted, {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? runnerTemp,
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_REPOSITORY: "acme/shop",
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_API_URL: api.url,
      IDP_GITHUB_RETRY_DELAY_MS: "1",
      GITHUB_OUTPUT: output,
      RUNNER_TEMP: runnerTemp,
      IDP_TODAY,
      ...env,
    });
    outcomes.set(id, { exitCode: result.status, stdout: result.stdout, stderr: result.stderr });
    outputs[id] = Object.fromEntries(
      readFileSync(output, "utf8")
        .split("\n")
        .filter((line) => line.includes("="))
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    if (result.status !== 0) break;
  }
  return { runnerTemp, trusted, outcomes };
}

/** Runs a script with bash -eo pipefail, as the runner runs a step. */
function bash(
  file: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", file], { cwd, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", fail);
    child.on("close", (status) => done({ status: status ?? -1, stdout, stderr }));
  });
}

afterAll(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("pr-comment.yml plans the pull request itself, reading its head as data", () => {
  const marker = join(temp("idp-priv-marker-"), "ran");
  const forged = {
    verdict: { ok: true, summary: "✅ ready to merge" },
    base: "origin/main",
    baseSha: "a".repeat(40),
    headSha: "b".repeat(40),
    diagnostics: [],
    environments: [],
    notes: [],
    markdown: "<!-- idp-plan -->\n## ✅ ready to merge\n",
  };
  let checker: OpenApiChecker;
  let fake: FakeGitHub;
  let repo: { origin: string; base: string; head: string };
  let job: JobRun;

  beforeAll(async () => {
    checker = new OpenApiChecker();
    fake = await startFakeGitHub({ checker, tokens: { ghs_actions: ACTIONS } });
    repo = origin((work) => {
      // The pull request's own code: every way it could be run writes the marker and says "ok".
      writeFileSync(join(work, "scripts", "plan.js"), hostileScript(marker));
      writeFileSync(join(work, "bin", "idp.js"), hostileScript(marker));
      const pkg = JSON.parse(readFileSync(join(work, "package.json"), "utf8"));
      const hook = `node -e 'require("node:fs").writeFileSync(${JSON.stringify(marker)}, "ran")'`;
      pkg.scripts = { ...pkg.scripts, preinstall: hook, postinstall: hook, prepare: hook, idp: hook };
      writeFileSync(join(work, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
      // And a change the base's policy denies: an image from a registry no environment allows.
      edit(work, SEARCH, "ghcr.io/acme/search:0.4.0", "docker.io/library/search:0.4.1");
    });
    job = await runCommentJob(repo, forged, { url: fake.url, token: "ghs_actions" });
  }, 600_000);

  afterEach(() => {
    expect(fake.violations).toEqual([]);
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("the trusted plan of a head that rewrites scripts/ to say ok still reports the denial", () => {
    expect(job.outcomes.get("head")?.exitCode).toBe(0);
    expect(job.outcomes.get("plan")?.exitCode).toBe(0);
    const plan = JSON.parse(readFileSync(join(job.runnerTemp, "idp-privileged", "plan.json"), "utf8"));
    expect(plan.headSha).toBe(repo.head);
    expect(plan.baseSha).toBe(repo.base);
    expect(plan.verdict.ok).toBe(false);
    const codes = plan.diagnostics.map((d: { code: string; file: string }) => `${d.code} ${d.file}`);
    expect(codes).toContain(`policy.SEC001 ${SEARCH}`);
    // The scripts/ and package.json edits are themselves platform-owned paths (OWN002).
    expect(codes).toEqual(
      expect.arrayContaining(["policy.OWN002 package.json", "policy.OWN002 scripts/plan.js"]),
    );
  });

  it("nothing from the head ran: no marker, and the head is a detached worktree outside the checkout", () => {
    expect(existsSync(marker)).toBe(false);
    expect(git(join(job.runnerTemp, "pr-head"), "rev-parse", "HEAD")).toBe(repo.head);
    // The trusted checkout still has the default branch's files.
    expect(readFileSync(join(job.trusted, "scripts", "plan.js"), "utf8")).toBe("// the platform's scripts\n");
    // The head's code would have said "ok" and written the marker, had anything run it.
    const forgedRun = execFileSync(process.execPath, [join(job.runnerTemp, "pr-head", "bin", "idp.js")], {
      encoding: "utf8",
    });
    expect(JSON.parse(forgedRun).verdict.ok).toBe(true);
    expect(existsSync(marker)).toBe(true);
    rmSync(marker);
  });

  it("the comment and the check run carry the privileged plan's verdict, not the forged artifact's", () => {
    const post = job.outcomes.get("post");
    expect(post?.exitCode, post?.stderr).toBe(0);
    expect(fake.comments).toHaveLength(1);
    const [posted] = fake.comments;
    expect(posted?.body).toContain("❌");
    expect(posted?.body).toContain("docker.io/library/search");
    expect(posted?.body).not.toContain("✅ ready to merge");
    const [check] = fake.checkRuns;
    expect(check).toMatchObject({ headSha: repo.head, conclusion: "failure" });
    expect(check?.annotations.map((a) => a.title)).toContain("policy.SEC001");
  });
});

const ACTIONS = {
  login: "github-actions[bot]",
  type: "Bot" as const,
  write: true,
  checks: true,
  statuses: true,
};

describe("idp plan --rules base-only: a head that edits schemas/ and policies/dist", () => {
  let root: string;
  const savedToday = process.env.IDP_TODAY;

  beforeAll(() => {
    process.env.IDP_TODAY = IDP_TODAY;
    root = temp("idp-priv-rules-");
    for (const folder of FOLDERS) cpSync(join(ROOT, folder), join(root, folder), { recursive: true });
    git(root, "init", "-q", "-b", "main");
    git(root, "add", "-A");
    git(root, "commit", "-qm", "base");
    git(root, "switch", "-q", "-c", "change");
    // Rules that would crash or allow everything if they were compiled or evaluated.
    writeFileSync(join(root, "schemas", "service.schema.json"), "{ this is not a schema");
    writeFileSync(join(root, "policies", "dist", "policy.wasm"), "not wasm either");
    edit(root, SEARCH, "ghcr.io/acme/search:0.4.0", "docker.io/library/search:0.4.1");
    git(root, "add", "-A");
    git(root, "commit", "-qm", "new rules");
  });
  afterAll(() => {
    if (savedToday === undefined) delete process.env.IDP_TODAY;
    else process.env.IDP_TODAY = savedToday;
  });

  const plan = (...extra: string[]) =>
    run(["plan", "--root", root, "--base", "main", "--author", AUTHOR, "--format", "json", ...extra]);

  it("is judged by the base's schemas and policy, the head's own are never run, and the notes say so", async () => {
    const outcome = await plan("--rules", "base-only");
    expect(outcome.stderr).toBe("");
    expect(outcome.exitCode).toBe(1);
    const result = JSON.parse(outcome.stdout);
    expect(result.verdict.ok).toBe(false);
    const codes = result.diagnostics.map((d: { code: string; file: string }) => `${d.code} ${d.file}`);
    expect(codes).toContain(`policy.SEC001 ${SEARCH}`);
    expect(codes).toContain("policy.OWN002 schemas/service.schema.json");
    expect(result.newPolicyDiagnostics).toBeUndefined();
    expect(result.notes[0]).toMatch(
      /^this change edits policies\/ and schemas\/: it is judged by the rules of its base \([0-9a-f]{7}\); its own rules were not run/,
    );
  });

  it("without --rules base-only the head's own schemas are compiled (here: refused as not JSON)", async () => {
    const outcome = await plan();
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain("schema");
  });

  it("refuses an unknown --rules value", async () => {
    const outcome = await plan("--rules", "head-only");
    expect(outcome.exitCode).toBe(2);
  });
});
