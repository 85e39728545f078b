/**
 * The GitHub workflows in .github/workflows: (a) their safety properties, read
 * from the YAML; (b) the pull-request job's steps run locally against a real
 * `pull_request` event payload, in a temporary git repository laid out like a
 * pull request's checkout; (c) actionlint.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Diagnostic } from "../scripts/report/diagnostic.js";
import { formatGithub } from "../scripts/report/github.js";

const ROOT = join(import.meta.dirname, "..");
const WORKFLOWS = join(ROOT, ".github", "workflows");
const FILES = ["pull-request.yml", "pr-comment.yml", "main.yml", "portal.yml"] as const;

// ---------------------------------------------------------------------------------------------
// Reading workflows

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
  "continue-on-error"?: boolean;
  "working-directory"?: string;
}

interface Job {
  permissions?: unknown;
  needs?: string | string[];
  environment?: { name: string; url?: string };
  "timeout-minutes"?: number;
  if?: string;
  steps?: Step[];
  uses?: string;
}

interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: unknown;
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  jobs: Record<string, Job>;
}

interface Loaded {
  file: string;
  text: string;
  workflow: Workflow;
}

function load(file: string, text = readFileSync(join(WORKFLOWS, file), "utf8")): Loaded {
  return { file, text, workflow: parse(text) as Workflow };
}

function steps(workflow: Workflow): Array<{ job: string; step: Step }> {
  return Object.entries(workflow.jobs).flatMap(([job, body]) =>
    (body.steps ?? []).map((step) => ({ job, step })),
  );
}

/** The permission scopes a `permissions:` value grants, with their level. */
function grants(permissions: unknown): Array<[string, string]> {
  if (permissions === "read-all") return [["*", "read"]];
  if (permissions === "write-all") return [["*", "write"]];
  if (permissions && typeof permissions === "object")
    return Object.entries(permissions as Record<string, string>);
  return [];
}

// ---------------------------------------------------------------------------------------------
// The safety checks, as functions returning problems: tested on the real workflows (none) and on
// a deliberately unsafe one (each caught), so an empty list means something.

const PINNED = /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/;
/** Expressions that carry what a pull request's author controls. */
const UNTRUSTED = /github\.event\.|github\.head_ref|\.title\b|\.body\b|head_branch|\.ref\b|\.label\b/;

function checkPinned({ file, text, workflow }: Loaded): string[] {
  const problems: string[] = [];
  const uses = [
    ...steps(workflow).map(({ step }) => step.uses),
    ...Object.values(workflow.jobs).map((job) => job.uses),
  ].filter((u): u is string => typeof u === "string" && !u.startsWith("./"));
  for (const use of uses) {
    if (!PINNED.test(use)) problems.push(`${file}: ${use} is not pinned to a full commit SHA`);
    const line = text.split("\n").find((l) => l.includes(`uses: ${use}`));
    if (!line || !/ # v\d+(\.\d+)*\s*$/.test(line))
      problems.push(`${file}: ${use} has no "# vX.Y.Z" comment`);
  }
  return problems;
}

function checkPermissions({ file, workflow }: Loaded): string[] {
  const problems: string[] = [];
  if (workflow.permissions === undefined) problems.push(`${file}: no workflow-level permissions`);
  else if (grants(workflow.permissions).some(([scope, level]) => level === "write" && scope !== "contents"))
    problems.push(`${file}: workflow-level permissions grant writes; grant them per job`);
  for (const [name, job] of Object.entries(workflow.jobs)) {
    if (job.permissions === undefined) problems.push(`${file}: job ${name} has no permissions`);
    if (typeof job["timeout-minutes"] !== "number")
      problems.push(`${file}: job ${name} has no timeout-minutes`);
  }
  if (!workflow.concurrency?.group) problems.push(`${file}: no concurrency group`);
  return problems;
}

/** The workflow that runs a pull request's code must not be able to write anything. */
function checkPullRequestReadOnly({ file, workflow }: Loaded): string[] {
  const problems: string[] = [];
  if ("pull_request_target" in workflow.on)
    problems.push(`${file}: pull_request_target runs with write access`);
  if (!("pull_request" in workflow.on)) return problems;
  const all = [workflow.permissions, ...Object.values(workflow.jobs).map((j) => j.permissions)];
  for (const [scope, level] of all.flatMap(grants))
    if (level === "write") problems.push(`${file}: ${scope}: write in a pull_request workflow`);
  for (const { step } of steps(workflow)) {
    for (const value of Object.values(step.env ?? {}))
      if (value.includes("secrets.")) problems.push(`${file}: a secret in a pull_request workflow`);
    if (step.uses?.startsWith("actions/checkout@") && step.with?.["persist-credentials"] !== false)
      problems.push(`${file}: checkout keeps the token in .git/config (persist-credentials)`);
  }
  return problems;
}

/**
 * The workflow_run workflow holds write tokens: it must never run the pull request's code. It
 * may fetch the head only as data: into refs/idp/ and a worktree under $RUNNER_TEMP, in a step
 * that runs nothing else, and planned only by this branch's `idp plan --rules base-only`.
 */
function checkWorkflowRunIsolated({ file, workflow }: Loaded): string[] {
  if (!("workflow_run" in workflow.on)) return [];
  const problems: string[] = [];
  let downloaded = false;
  let artifactPath = "";
  for (const { step } of steps(workflow)) {
    const inputs = JSON.stringify(step.with ?? {});
    if (step.uses?.startsWith("actions/checkout@")) {
      if (downloaded) problems.push(`${file}: checkout after the artifact download`);
      for (const key of ["ref", "repository"])
        if (step.with?.[key] !== undefined)
          problems.push(`${file}: checkout sets ${key}: only the default branch`);
    }
    if (/workflow_run\.head_|pull_request\.head|head_sha|head_branch|head_repository/.test(inputs))
      problems.push(`${file}: step inputs name the pull request's head: ${inputs}`);
    if (step.uses?.startsWith("actions/download-artifact@")) {
      downloaded = true;
      artifactPath = String(step.with?.path ?? "");
      if (!artifactPath.startsWith("${{ runner.temp }}"))
        problems.push(
          `${file}: the artifact is unpacked into the workspace (${artifactPath || "default path"})`,
        );
      if (step.with?.["run-id"] !== "${{ github.event.workflow_run.id }}")
        problems.push(`${file}: the artifact does not come from the triggering run`);
    }
    const run = step.run ?? "";
    if (/\bgit (pull|checkout|switch)\b|gh pr checkout/.test(run))
      problems.push(`${file}: a run step checks out code: ${run.split("\n")[0]}`);
    if (/\bgit (-c \S+ )*(fetch|worktree)\b/.test(run)) {
      for (const line of run.split("\n").filter((l) => /\bgit (-c \S+ )*fetch\b/.test(l)))
        if (!/"\+refs\/pull\/\$PR_NUMBER\/head:refs\/idp\/pr-head"/.test(line + run))
          problems.push(
            `${file}: a fetch that is not the pull request's head into refs/idp/: ${line.trim()}`,
          );
      if (/\bgit .*worktree add\b/.test(run) && !/worktree add --detach "\$RUNNER_TEMP\/pr-head"/.test(run))
        problems.push(`${file}: the pull request's worktree is not a detached one under $RUNNER_TEMP`);
      if (/\b(npm|npx|node|bash|sh|make)\b|\bsource\b|\bcd\b/.test(run))
        problems.push(`${file}: the step that fetches the pull request also runs something`);
    }
    if (step["working-directory"] !== undefined)
      problems.push(`${file}: a step runs in another directory: ${step["working-directory"]}`);
    if (/pr-head/.test(run) && !/git .*worktree add/.test(run)) {
      if (!/\bnode bin\/idp\.js plan --root "\$RUNNER_TEMP\/pr-head" --rules base-only\b/.test(run))
        problems.push(`${file}: the pull request's head is used other than by idp plan --rules base-only`);
      if (/\bnpm (ci|install|i)\b|--prefix|\bcd\b|npx/.test(run))
        problems.push(`${file}: a step installs or runs in the pull request's head`);
    }
    // Nothing from the artifact is executed: only read as data.
    if (
      /(source|bash|sh|node|npx|\.)\s+"?\$RUNNER_TEMP\/idp-plan/.test(run) ||
      /npm (ci|install)\s+.*idp-plan/.test(run)
    )
      problems.push(`${file}: a run step executes the artifact`);
  }
  if (!downloaded) problems.push(`${file}: never downloads the plan`);
  return problems;
}

/** No expression in a run: line (untrusted values go through env:); and flag untrusted ones anywhere but env:. */
function checkNoExpressionsInRun({ file, workflow }: Loaded): string[] {
  const problems: string[] = [];
  for (const { job, step } of steps(workflow)) {
    if (step.run?.includes("${{"))
      problems.push(
        `${file}: ${job}/${step.name ?? step.id}: an expression inside run: (pass it through env:)`,
      );
    for (const [key, value] of Object.entries(step.with ?? {})) {
      const text = String(value);
      if (/\$\{\{/.test(text) && UNTRUSTED.test(text) && !/workflow_run\.id/.test(text))
        problems.push(`${file}: ${job}/${step.name}: with.${key} expands an untrusted value`);
    }
  }
  return problems;
}

function checkNoPushToMain({ file, workflow }: Loaded): string[] {
  const problems: string[] = [];
  for (const { step } of steps(workflow)) {
    const run = step.run ?? "";
    if (/git push\b[^\n]*(\bmain\b|HEAD:|--force|-f\b)/.test(run) || /git push\s*$/m.test(run))
      problems.push(`${file}: pushes to main (or force-pushes)`);
  }
  return problems;
}

/** Scopes that publish: a job granted one must run nothing of the repository's (no checkout, no run: step). */
const PUBLISHING = new Set(["pages", "id-token", "*"]);

function checkPublishingJobsRunNothing({ file, workflow }: Loaded): string[] {
  const problems: string[] = [];
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const publishing = grants(job.permissions).filter(
      ([scope, level]) => level === "write" && PUBLISHING.has(scope),
    );
    if (publishing.length === 0) continue;
    for (const step of job.steps ?? []) {
      if (step.run !== undefined || step.uses?.startsWith("actions/checkout@"))
        problems.push(
          `${file}: job ${name} holds ${publishing.map(([scope]) => scope).join(", ")}: write and runs ${step.run === undefined ? "a checkout" : "a run: step"}`,
        );
    }
  }
  return problems;
}

const CHECKS = [
  checkPublishingJobsRunNothing,
  checkPinned,
  checkPermissions,
  checkPullRequestReadOnly,
  checkWorkflowRunIsolated,
  checkNoExpressionsInRun,
  checkNoPushToMain,
];

const UNSAFE = `
name: unsafe
on:
  pull_request:
  workflow_run:
    workflows: [x]
    types: [completed]
permissions:
  pull-requests: write
jobs:
  a:
    runs-on: ubuntu-latest
    permissions: write-all
    steps:
      - uses: actions/checkout@v4
      - uses: actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c
        with: { name: plan }
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with: { ref: "\${{ github.event.workflow_run.head_sha }}" }
      - run: echo "\${{ github.event.pull_request.title }}" && git push origin HEAD:main
      - run: bash "$RUNNER_TEMP/idp-plan/run.sh"
        env: { TOKEN: "\${{ secrets.GITHUB_TOKEN }}" }
`;

describe("workflow safety (static)", () => {
  const loaded = FILES.map((file) => load(file));
  const byFile = Object.fromEntries(loaded.map((l) => [l.file, l])) as Record<(typeof FILES)[number], Loaded>;

  it.each(CHECKS.map((check) => [check.name, check] as const))("%s: no problems", (_name, check) => {
    expect(loaded.flatMap(check)).toEqual([]);
  });

  it.each(CHECKS.map((check) => [check.name, check] as const))(
    "%s: catches the unsafe example",
    (_name, check) => {
      expect(check(load("unsafe.yml", UNSAFE)).length).toBeGreaterThan(0);
    },
  );

  it("pull-request: read-only token, full history, every idp step continues so the plan is always saved", () => {
    const { workflow } = byFile["pull-request.yml"];
    expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
    expect(workflow.permissions).toEqual({ contents: "read" });
    expect(workflow.concurrency?.["cancel-in-progress"]).toBe(true);
    expect(workflow.concurrency?.group).toContain("github.event.pull_request.number");
    const all = steps(workflow).map(({ step }) => step);
    const checkout = all.find((s) => s.uses?.startsWith("actions/checkout@"));
    expect(checkout?.with).toMatchObject({ "fetch-depth": 0, "persist-credentials": false });
    const setup = all.find((s) => s.uses?.startsWith("actions/setup-node@"));
    expect(setup?.with).toMatchObject({ "node-version": 22, cache: "npm" });
    for (const id of ["validate", "render", "codeowners", "plan"]) {
      const step = all.find((s) => s.id === id);
      expect(step?.["continue-on-error"], id).toBe(true);
      expect(step?.run, id).toMatch(/^node bin\/idp\.js /m);
    }
    expect(all.find((s) => s.id === "validate")?.run).toContain("--format github");
    expect(all.find((s) => s.id === "render")?.run).toContain("render --check");
    expect(all.find((s) => s.id === "codeowners")?.run).toContain("codeowners --check");
    const upload = all.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(upload?.if).toMatch(/always\(\)/);
    expect(upload?.with?.name).toBe("idp-plan");
    const verdict = all.at(-1);
    expect(verdict?.if).toBe("always()");
    expect(Object.values(verdict?.env ?? {}).sort()).toEqual(
      ["codeowners", "plan", "render", "validate"].map((id) => `\${{ steps.${id}.outcome }}`).sort(),
    );
  });

  it("pr-comment: triggered by the pull-request workflow, writes only what commenting needs", () => {
    const { workflow } = byFile["pr-comment.yml"];
    const trigger = workflow.on.workflow_run as { workflows: string[]; types: string[] };
    expect(trigger.workflows).toEqual([byFile["pull-request.yml"].workflow.name]);
    expect(trigger.types).toEqual(["completed"]);
    expect(workflow.permissions).toEqual({});
    const [job] = Object.values(workflow.jobs);
    expect(job?.permissions).toEqual({
      actions: "read",
      checks: "write",
      contents: "read",
      "pull-requests": "write",
      statuses: "write",
    });
    expect(job?.if).toContain("github.event.workflow_run.event == 'pull_request'");
    const all = job?.steps ?? [];
    const download = all.find((s) => s.uses?.startsWith("actions/download-artifact@"));
    expect(download?.with).toMatchObject({ name: "idp-plan", "github-token": "${{ secrets.GITHUB_TOKEN }}" });
    const post = all.at(-1);
    // The comment comes from the plan this job computed, never from the artifact's plan.json.
    expect(post?.run).toBe(
      'node bin/idp.js comment --pr "$PR_NUMBER" --repo "$GITHUB_REPOSITORY" --plan "$RUNNER_TEMP/idp-privileged/plan.json" --sha "$HEAD_SHA"',
    );
    expect(post?.if).toBe("steps.head.outputs.ready == 'true'");
    expect(post?.env?.HEAD_SHA).toBe("${{ github.event.workflow_run.head_sha }}");
    expect(post?.env?.GITHUB_TOKEN).toBe("${{ secrets.GITHUB_TOKEN }}");
    // The number is validated before it is used.
    const check = all.find((s) => s.id === "pr");
    expect(check?.run).toContain("^[1-9][0-9]{0,9}$");
    expect(post?.env?.PR_NUMBER).toBe("${{ steps.pr.outputs.number }}");
  });

  it("pr-comment: plans the pull request's head as data with the default branch's idp plan --rules base-only", () => {
    const all = Object.values(byFile["pr-comment.yml"].workflow.jobs)[0]?.steps ?? [];
    const checkouts = all.filter((s) => s.uses?.startsWith("actions/checkout@"));
    // One checkout, of the default branch: no ref, no repository, no token left behind.
    expect(checkouts.map((s) => s.with)).toEqual([{ "fetch-depth": 0, "persist-credentials": false }]);
    // npm ci runs once, before anything of the pull request is fetched, in the default branch's checkout.
    const npm = all.filter((s) => /\bnpm (ci|install|i)\b/.test(s.run ?? ""));
    expect(npm.map((s) => s.run?.trim())).toEqual(["npm ci"]);
    const head = all.find((s) => s.id === "head");
    expect(all.indexOf(npm[0] as Step)).toBeLessThan(all.indexOf(head as Step));
    expect(head?.run).toContain('"+refs/pull/$PR_NUMBER/head:refs/idp/pr-head"');
    expect(head?.run).toContain(
      'git -c core.hooksPath=/dev/null worktree add --detach "$RUNNER_TEMP/pr-head" "$HEAD_SHA"',
    );
    expect(head?.run).not.toMatch(/\b(npm|npx|node)\b/);
    expect(head?.env?.GIT_LFS_SKIP_SMUDGE).toBe("1");
    const plan = all.find((s) => s.id === "plan");
    expect(plan?.run).toContain(
      'node bin/idp.js plan --root "$RUNNER_TEMP/pr-head" --rules base-only \\\n  --base "$BASE_SHA" --author "$PR_AUTHOR" --format json > "$RUNNER_TEMP/idp-privileged/plan.json"',
    );
    expect(plan?.env).toEqual({
      BASE_SHA: "${{ steps.pr.outputs.base }}",
      PR_AUTHOR: "${{ steps.pr.outputs.author }}",
    });
    // No npm run (or anything else) in the pull request's folder but this plan.
    const inHead = all.filter((s) => (s.run ?? "").includes("pr-head")).map((s) => s.id);
    expect(inHead).toEqual(["head", "plan"]);
    // The base and author come from the API, checked before they reach GITHUB_OUTPUT.
    expect(all.find((s) => s.id === "pr")?.run).toContain("^[0-9a-f]{40}$");
  });

  it("pr-comment: the isolation check catches installing, running or checking out the pull request", () => {
    const unsafe = (run: string) =>
      checkWorkflowRunIsolated(
        load(
          "unsafe.yml",
          `name: u\non:\n  workflow_run:\n    workflows: [x]\n    types: [completed]\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c\n        with: { path: "\${{ runner.temp }}/p", run-id: "\${{ github.event.workflow_run.id }}" }\n      - run: |\n${run
            .split("\n")
            .map((l) => `          ${l}`)
            .join("\n")}\n`,
        ),
      );
    const fetch = 'git fetch origin "+refs/pull/$PR_NUMBER/head:refs/idp/pr-head"';
    const worktree = 'git worktree add --detach "$RUNNER_TEMP/pr-head" "$HEAD_SHA"';
    expect(unsafe(`${fetch}\n${worktree}`)).toEqual([]);
    expect(unsafe(`${fetch}\n${worktree}\ncd "$RUNNER_TEMP/pr-head"\nnpm ci`)).not.toEqual([]);
    expect(unsafe('npm ci --prefix "$RUNNER_TEMP/pr-head"')).not.toEqual([]);
    expect(unsafe('node bin/idp.js plan --root "$RUNNER_TEMP/pr-head" --base "$BASE_SHA"')).toEqual([
      "unsafe.yml: the pull request's head is used other than by idp plan --rules base-only",
    ]);
    expect(unsafe('git fetch origin "pull/$PR_NUMBER/head" && git checkout FETCH_HEAD')).not.toEqual([]);
    expect(unsafe('git worktree add "$GITHUB_WORKSPACE/head" FETCH_HEAD')).not.toEqual([]);
  });

  it("portal: on every push to main, a read-only build of the portal and the catalog, and a deploy job that alone may publish", () => {
    const { workflow } = byFile["portal.yml"];
    expect(workflow.on).toEqual({ push: { branches: ["main"] } });
    expect(workflow.permissions).toEqual({ contents: "read" });
    expect(workflow.concurrency).toEqual({ group: "pages", "cancel-in-progress": false });
    const { build, deploy } = workflow.jobs;
    expect(Object.keys(workflow.jobs)).toEqual(["build", "deploy"]);
    expect(build?.permissions).toEqual({ contents: "read" });
    expect(deploy?.permissions).toEqual({ pages: "write", "id-token": "write" });
    expect(deploy?.needs).toBe("build");
    expect(deploy?.environment).toEqual({
      name: "github-pages",
      url: "${{ steps.deployment.outputs.page_url }}",
    });
    const buildSteps = build?.steps ?? [];
    const checkout = buildSteps.find((s) => s.uses?.startsWith("actions/checkout@"));
    expect(checkout?.with).toMatchObject({ "persist-credentials": false, "fetch-depth": 0 });
    const runs = buildSteps.flatMap((s) => (s.run === undefined ? [] : [s.run.trim()]));
    expect(runs).toEqual([
      "npm ci",
      "node bin/idp.js portal --out site",
      'node bin/idp.js catalog --out site/catalog --repo-url "$REPO_URL"',
    ]);
    expect(buildSteps.at(-1)?.uses).toMatch(/^actions\/upload-pages-artifact@[0-9a-f]{40}$/);
    expect(buildSteps.at(-1)?.with).toEqual({ path: "site" });
    expect((deploy?.steps ?? []).map((s) => s.uses?.split("@")[0])).toEqual([
      "actions/configure-pages",
      "actions/deploy-pages",
    ]);
    expect(deploy?.steps?.at(-1)?.id).toBe("deployment");
  });

  it("portal: the catalog step, run as the runner would, writes site/catalog linked to this repository", () => {
    const step = (byFile["portal.yml"].workflow.jobs.build?.steps ?? []).find((s) =>
      s.run?.includes("idp.js catalog"),
    );
    const work = temp("idp-wf-portal-");
    for (const folder of ["environments", "teams", "services", "schemas", "policies"])
      cpSync(join(ROOT, folder), join(work, folder), { recursive: true });
    const env = Object.fromEntries(
      Object.entries(step?.env ?? {}).map(([key, value]) => [
        key,
        evaluate(value, { github: { server_url: "https://github.com", repository: "octo-org/platform" } }),
      ]),
    );
    expect(env).toEqual({ REPO_URL: "https://github.com/octo-org/platform" });
    const script = join(work, "catalog.sh");
    writeFileSync(script, (step?.run ?? "").replaceAll("node bin/idp.js", `node '${CLI}'`));
    const run = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], {
      cwd: work,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", ...env },
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(readFileSync(join(work, "site/catalog/services/cart.yaml"), "utf8")).toContain(
      "backstage.io/edit-url: https://github.com/octo-org/platform/edit/main/services/cart/service.yaml",
    );
  });

  it("main: read-only check, and a separate job with write access that opens a pull request", () => {
    const { workflow } = byFile["main.yml"];
    expect(workflow.on).toEqual({ push: { branches: ["main"] } });
    expect(workflow.jobs.check?.permissions).toEqual({ contents: "read" });
    expect(workflow.jobs.rerender?.permissions).toEqual({ contents: "write", "pull-requests": "write" });
    expect(workflow.jobs.rerender?.if).toContain("needs.check.outputs.stale == 'true'");
    const script = (workflow.jobs.rerender?.steps ?? []).map((s) => s.run ?? "").join("\n");
    expect(script).toContain("gh pr create --base main");
    expect(script).toMatch(/git push origin "refs\/heads\/\$branch"/);
  });

  it("main: the render step's annotations are escaped as --format github escapes them (a message cannot start a command)", () => {
    const step = (byFile["main.yml"].workflow.jobs.check?.steps ?? []).find((s) => s.id === "render");
    const command = "node bin/idp.js render --check --full --format json";
    expect(step?.run).toContain(command);
    expect(step?.run).not.toMatch(/"::\\\(/); // no annotation built by hand in jq
    const hostile: Diagnostic[] = [
      {
        severity: "error",
        code: "load.syntax",
        message: "bad value 50%\n::error file=x::forged\r\n::add-mask::x",
        file: "services/a,b/service.yaml",
        line: 3,
        column: 1,
        hint: "fix: it",
      },
      {
        severity: "warning",
        code: "policy.COST001",
        message: "over: the quota",
        file: "environments/dev.yaml",
        line: 1,
        column: 2,
      },
    ];
    const runnerTemp = temp("idp-wf-main-");
    const json = join(runnerTemp, "fixture.json");
    writeFileSync(
      json,
      JSON.stringify({
        summary: "render refused",
        diagnostics: hostile,
        added: [],
        changed: [],
        removed: [],
      }),
    );
    const script = (step?.run ?? "")
      .replace(command, `(cat '${json}'; false)`)
      .replaceAll("node dist/", `node '${ROOT}/dist/`)
      .replace("github-annotations.js", "github-annotations.js'");
    const file = join(runnerTemp, "render.sh");
    writeFileSync(file, script);
    const run = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", file], {
      cwd: runnerTemp,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", RUNNER_TEMP: runnerTemp, GITHUB_OUTPUT: join(runnerTemp, "out") },
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(formatGithub(hostile));
    const commands = run.stdout.split("\n").filter((line) => line.startsWith("::"));
    expect(commands.map((line) => line.split(" ")[0])).toEqual(["::error", "::warning"]);
  });

  it("the pull request template asks for the plan, the owners and no secret values", () => {
    const template = readFileSync(join(ROOT, ".github", "pull_request_template.md"), "utf8");
    expect(template).toMatch(/idp plan/);
    expect(template).toMatch(/CODEOWNERS/);
    expect(template).toMatch(/never values/);
  });
});

// ---------------------------------------------------------------------------------------------
// (b) Running the pull-request job's steps locally against a real event payload

/** `github.*` / `steps.*` / `runner.*` property paths: the only expressions the env blocks use. */
function evaluate(value: string, context: Record<string, unknown>): string {
  return value.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_whole, expression: string) => {
    if (!/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/.test(expression))
      throw new Error(`unsupported expression in an env block: ${expression}`);
    let current: unknown = context;
    for (const key of expression.split(".")) {
      current =
        current && typeof current === "object" ? (current as Record<string, unknown>)[key] : undefined;
    }
    if (current === undefined || current === null) return "";
    return typeof current === "object" ? JSON.stringify(current) : String(current);
  });
}

interface StepRun {
  id: string;
  outcome: "success" | "failure" | "skipped";
  exitCode: number;
  stdout: string;
  stderr: string;
  env: Record<string, string>;
}

interface Payload {
  action: string;
  number: number;
  pull_request: { number: number; base: { ref: string }; head: { ref: string }; user: { login: string } };
  repository: { full_name: string };
}

function pullRequestOpened(): Payload {
  const require = createRequire(import.meta.url);
  const events = require("@octokit/webhooks-examples") as Array<{ name: string; examples: Payload[] }>;
  const examples = events.find((e) => e.name === "pull_request")?.examples ?? [];
  const opened = examples.find((e) => e.action === "opened");
  if (!opened) throw new Error("@octokit/webhooks-examples has no pull_request.opened example");
  return opened;
}

const CLI = join(ROOT, "bin", "idp.js");
/**
 * `idp plan` and `idp codeowners` reach the CLI through scripts/run.ts; until a command is both
 * written and registered there, the assertions that need it are skipped (the steps still run).
 */
const RUN_TS = readFileSync(join(ROOT, "scripts", "run.ts"), "utf8");
const hasPlan =
  existsSync(join(ROOT, "scripts", "commands", "plan.ts")) && RUN_TS.includes('command("plan")');
const hasCodeownersCli =
  existsSync(join(ROOT, "scripts", "commands", "codeowners.ts")) && RUN_TS.includes('command("codeowners")');

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "Codertocat",
      GIT_AUTHOR_EMAIL: "codertocat@example.com",
      GIT_COMMITTER_NAME: "Codertocat",
      GIT_COMMITTER_EMAIL: "codertocat@example.com",
    },
  });
}

const temps: string[] = [];
function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/**
 * An "origin" with the example repository on the payload's base branch, and a clone
 * checked out like actions/checkout leaves a pull request (detached, full history):
 * `change` edits the pull request branch before it is committed.
 */
function pullRequestCheckout(payload: Payload, change: (work: string) => void): string {
  const origin = temp("idp-wf-origin-");
  git(origin, "init", "-q", "-b", payload.pull_request.base.ref);
  for (const folder of [
    "environments",
    "teams",
    "services",
    "schemas",
    "policies",
    "manifests",
    ".github",
    ".gitignore",
  ])
    cpSync(join(ROOT, folder), join(origin, folder), { recursive: true });
  git(origin, "add", "-A");
  git(origin, "commit", "-q", "-m", "platform repository");
  const work = join(temp("idp-wf-work-"), "repo");
  git(ROOT, "clone", "-q", origin, work);
  git(work, "switch", "-q", "-c", payload.pull_request.head.ref);
  change(work);
  git(work, "add", "-A");
  git(work, "commit", "-q", "-m", "the pull request's change");
  git(work, "checkout", "-q", "--detach");
  return work;
}

function idp(cwd: string, ...args: string[]): void {
  execFileSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, IDP_TODAY },
  });
}

/** A day outside every freeze window, so the verdicts do not depend on the calendar. */
const IDP_TODAY = "2026-06-15";

/**
 * Runs the `run:` steps of the pull-request job as the runner would (bash -eo pipefail, the
 * step's env: evaluated from the event, the runner's own variables), skipping `uses:` steps
 * and `npm ci`, and with `node bin/idp.js` replaced by the locally built CLI.
 */
function runPullRequestJob(work: string, payload: Payload): Map<string, StepRun> {
  const workflow = load("pull-request.yml").workflow;
  const job = workflow.jobs.check;
  if (!job?.steps) throw new Error("pull-request.yml has no check job");
  const runnerTemp = temp("idp-wf-runner-");
  const eventPath = join(runnerTemp, "event.json");
  writeFileSync(eventPath, JSON.stringify(payload));
  const outputs = join(runnerTemp, "outputs");
  mkdirSync(outputs);
  const github = {
    event: payload,
    event_name: "pull_request",
    base_ref: payload.pull_request.base.ref,
    head_ref: payload.pull_request.head.ref,
    repository: payload.repository.full_name,
  };
  const results = new Map<string, StepRun>();
  const context = () => ({
    github,
    runner: { temp: runnerTemp },
    steps: Object.fromEntries([...results].map(([id, r]) => [id, { outcome: r.outcome }])),
  });
  let failed = false;
  job.steps.forEach((step, index) => {
    const id = step.id ?? `step-${index}`;
    if (step.uses || step.run === undefined || step.run.trim() === "npm ci") return;
    if (step.if !== undefined && step.if !== "always()") throw new Error(`unsupported if: ${step.if}`);
    if (failed && step.if !== "always()") {
      results.set(id, { id, outcome: "skipped", exitCode: -1, stdout: "", stderr: "", env: {} });
      return;
    }
    const env = Object.fromEntries(
      Object.entries(step.env ?? {}).map(([key, value]) => [key, evaluate(value, context())]),
    );
    const script = step.run.replaceAll("node bin/idp.js", `node '${CLI}'`);
    const file = join(runnerTemp, `${id}.sh`);
    writeFileSync(file, script);
    const run = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", file], {
      cwd: work,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? runnerTemp,
        CI: "true",
        GITHUB_ACTIONS: "true",
        GITHUB_EVENT_NAME: "pull_request",
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_REPOSITORY: payload.repository.full_name,
        GITHUB_SERVER_URL: "https://github.com",
        GITHUB_WORKSPACE: work,
        GITHUB_OUTPUT: join(outputs, `${id}.out`),
        GITHUB_ENV: join(outputs, `${id}.env`),
        RUNNER_TEMP: runnerTemp,
        IDP_TODAY,
        ...env,
      },
    });
    const exitCode = run.status ?? -1;
    const outcome = exitCode === 0 ? "success" : "failure";
    results.set(id, { id, outcome, exitCode, stdout: run.stdout, stderr: run.stderr, env });
    if (outcome === "failure" && !step["continue-on-error"]) failed = true;
  });
  results.set("runner", {
    id: "runner",
    outcome: "success",
    exitCode: 0,
    stdout: runnerTemp,
    stderr: "",
    env: {},
  });
  return results;
}

const SEARCH = "services/search/service.yaml";

describe("the pull-request job, run locally on a pull_request.opened payload", () => {
  const payload = pullRequestOpened();
  let good: Map<string, StepRun>;
  let bad: Map<string, StepRun>;

  beforeAll(() => {
    // The CLI built once for every suite (test/support/build-cli.ts) stands in for
    // `node bin/idp.js` in the workflow.
    // A well-formed change: a new image tag, manifests re-rendered, as the author would commit it.
    const goodRepo = pullRequestCheckout(payload, (work) => {
      const path = join(work, SEARCH);
      writeFileSync(path, readFileSync(path, "utf8").replace("search:0.4.0", "search:0.4.1"));
      idp(work, "render");
    });
    good = runPullRequestJob(goodRepo, payload);
    // A change that policy denies: an image from a registry no environment allows.
    const badRepo = pullRequestCheckout(payload, (work) => {
      const path = join(work, SEARCH);
      writeFileSync(
        path,
        readFileSync(path, "utf8").replace("ghcr.io/acme/search:0.4.0", "docker.io/library/search:0.4.1"),
      );
    });
    bad = runPullRequestJob(badRepo, payload);
  }, 400_000);

  afterAll(() => {
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const step = (results: Map<string, StepRun>, id: string): StepRun => {
    const found = results.get(id);
    if (!found) throw new Error(`step ${id} did not run`);
    return found;
  };
  const planDir = (results: Map<string, StepRun>) => join(step(results, "runner").stdout, "idp-plan");

  it("the env blocks read the event as GitHub sends it (base branch, author)", () => {
    expect(payload.pull_request.user.login).toBe("Codertocat");
    expect(step(good, "validate").env).toEqual({
      BASE_REF: payload.pull_request.base.ref,
      PR_AUTHOR: payload.pull_request.user.login,
    });
    expect(step(good, "plan").env).toEqual(step(good, "validate").env);
  });

  it("writes the payload's pull request number for the artifact", () => {
    expect(step(good, "number").outcome).toBe("success");
    expect(readFileSync(join(planDir(good), "pr-number"), "utf8")).toBe(`${payload.number}\n`);
    expect(payload.number).toBe(payload.pull_request.number);
  });

  it("validate --base origin/<base> --author <login> passes and annotates the change (OWN001: outside the team)", () => {
    const validate = step(good, "validate");
    expect(validate.stderr).toBe("");
    expect(validate.exitCode).toBe(0);
    expect(validate.stdout).toMatch(
      new RegExp(`^::warning file=${SEARCH},line=\\d+,col=\\d+,title=policy\\.OWN001::.*Codertocat`, "m"),
    );
    expect(validate.stdout).not.toContain("::error");
  });

  it("render --check passes when the pull request committed its re-render", () => {
    expect(step(good, "render")).toMatchObject({ exitCode: 0, outcome: "success" });
  });

  it.skipIf(!hasCodeownersCli)("codeowners --check passes (CODEOWNERS committed fresh)", () => {
    expect(step(good, "codeowners")).toMatchObject({ exitCode: 0, outcome: "success" });
  });

  it.skipIf(!hasPlan)("plan writes plan.json with the comment's markdown and the diagnostics", () => {
    expect(step(good, "plan").exitCode).toBe(0);
    const plan = JSON.parse(readFileSync(join(planDir(good), "plan.json"), "utf8"));
    expect(typeof plan.markdown).toBe("string");
    expect(plan.markdown.length).toBeGreaterThan(0);
    expect(Array.isArray(plan.diagnostics)).toBe(true);
  });

  it.skipIf(!hasPlan || !hasCodeownersCli)("the verdict passes when every check passed", () => {
    const verdict = [...good.values()].find((r) => r.env.VALIDATE !== undefined);
    expect(verdict).toMatchObject({ exitCode: 0 });
  });

  it("a denied change: validate fails with an error annotation on the offending line, and the job fails at the end", () => {
    const validate = step(bad, "validate");
    expect(validate.exitCode).toBe(1);
    expect(validate.outcome).toBe("failure");
    expect(validate.stdout).toMatch(
      new RegExp(`^::error file=${SEARCH},line=11,col=\\d+,title=policy\\.SEC001::.*docker\\.io`, "m"),
    );
    expect(step(bad, "render").exitCode).toBe(1);
    // Every later step still ran: the plan is still made and saved for the comment.
    expect(step(bad, "number").outcome).toBe("success");
    expect(readFileSync(join(planDir(bad), "pr-number"), "utf8")).toBe(`${payload.number}\n`);
    expect(step(bad, "plan").outcome).not.toBe("skipped");
    const verdict = [...bad.values()].find((r) => r.env.VALIDATE !== undefined);
    expect(verdict?.env.VALIDATE).toBe("failure");
    expect(verdict?.exitCode).toBe(1);
    expect(verdict?.stdout).toContain("::error::idp validate: failure");
  });

  it.skipIf(!hasPlan)("a denied change still gets a plan.json (the comment explains the failure)", () => {
    const plan = JSON.parse(readFileSync(join(planDir(bad), "plan.json"), "utf8"));
    expect(typeof plan.markdown).toBe("string");
    expect(plan.diagnostics).toEqual(
      expect.arrayContaining([expect.objectContaining({ severity: "error", file: SEARCH })]),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// (c) actionlint

describe("actionlint", () => {
  it("passes on every workflow (tools/workflows-check.sh; installs the pinned actionlint once)", () => {
    const run = spawnSync("bash", [join(ROOT, "tools", "workflows-check.sh")], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(run.stderr + run.stdout).toMatch(/4 workflows clean/);
    expect(run.status).toBe(0);
  }, 600_000);

  it("the pinned actionlint catches an untrusted expression in a run: line", () => {
    const actionlint = execFileSync("bash", [join(ROOT, "tools", "actionlint.sh")], {
      encoding: "utf8",
    }).trim();
    const dir = temp("idp-wf-lint-");
    const file = join(dir, "unsafe.yml");
    writeFileSync(
      file,
      [
        "on: pull_request",
        "permissions: {}",
        "jobs:",
        "  a:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        '      - run: echo "${{ github.event.pull_request.title }}"',
        "",
      ].join("\n"),
    );
    const run = spawnSync(actionlint, ["-no-color", file], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("potentially untrusted");
    rmSync(dir, { recursive: true, force: true });
  }, 600_000);
});
