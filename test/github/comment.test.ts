import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type CommentOptions, commentCommand } from "../../scripts/commands/comment.js";
import { ToolError, UsageError } from "../../scripts/errors.js";
import { PLAN_MARKER } from "../../scripts/github/plan-report.js";
import { MAX_PLAN_BYTES } from "../../scripts/github/plan-schema.js";
import { formatPlanMarkdown } from "../../scripts/plan/format-markdown.js";
import type { Plan } from "../../scripts/plan/plan.js";
import { planToJson } from "../../scripts/plan/plan-json.js";
import { decideVerdict } from "../../scripts/plan/verdict.js";
import type { Diagnostic } from "../../scripts/report/diagnostic.js";
import { type FakeGitHub, type FakeGitHubOptions, type Grant, startFakeGitHub } from "./fake-github.js";
import { OpenApiChecker } from "./openapi-check.js";

const SHA = "3f2a9c4e1b7d8a6f5e4d3c2b1a0f9e8d7c6b5a49";
const ACTIONS: Grant = {
  login: "github-actions[bot]",
  type: "Bot",
  write: true,
  checks: true,
  statuses: true,
};
const PERSON: Grant = { login: "octocat", type: "User", write: true, checks: false, statuses: true };
const READ_ONLY: Grant = {
  login: "github-actions[bot]",
  type: "Bot",
  write: false,
  checks: false,
  statuses: false,
};
const TOKENS = { ghs_actions: ACTIONS, ghp_person: PERSON, ghs_readonly: READ_ONLY };
const SECONDARY = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";

let checker: OpenApiChecker;
let fake: FakeGitHub;
let dir: string;

beforeAll(() => {
  checker = new OpenApiChecker();
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "idp-comment-"));
  fake = await startFakeGitHub({ checker, tokens: TOKENS });
});

afterEach(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
  // Every request the client made must be one GitHub's OpenAPI description allows.
  expect(fake.violations).toEqual([]);
});

async function restart(options: Omit<FakeGitHubOptions, "checker">): Promise<void> {
  await fake.close();
  fake = await startFakeGitHub({ checker, tokens: TOKENS, ...options });
}

function finding(i: number, severity: Diagnostic["severity"] = "error"): Diagnostic {
  return {
    severity,
    code: `policy.SEC00${(i % 5) + 1}`,
    message: `finding ${i}`,
    file: `services/svc-${i}/service.yaml`,
    line: i + 1,
    column: 3,
    hint: "fix it",
  };
}

/** A plan file as `idp plan --format json` writes it (the verdict and markdown are what the command ignores). */
function plan(diagnostics: Diagnostic[] = [finding(0), finding(1, "warning")], ok = false): PlanFile {
  return {
    verdict: { ok, summary: ok ? "ready to merge: 1 service changes" : "blocked: 1 error, 1 warning" },
    base: "origin/main",
    baseSha: "a".repeat(40),
    headSha: SHA,
    diagnostics,
    environments: [],
    notes: [],
    markdown: `${PLAN_MARKER}\n## idp plan\n\n${ok ? "ready" : "blocked"}\n`,
  };
}

type PlanFile = Record<string, unknown>;
const BLOCKED = "❌ 1 error blocks this change (and 1 warning)";

async function comment(
  options: {
    report?: PlanFile;
    token?: string;
    env?: Record<string, string>;
  } & Partial<CommentOptions> = {},
) {
  const { report, token, env, ...rest } = options;
  writeFileSync(join(dir, "plan.json"), JSON.stringify(report ?? plan()));
  return commentCommand({
    pr: 7,
    repo: "acme/shop",
    cwd: dir,
    ...rest,
    env: {
      GITHUB_API_URL: fake.url,
      GITHUB_TOKEN: token ?? "ghs_actions",
      IDP_GITHUB_RETRY_DELAY_MS: "1",
      ...env,
    },
  });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof Error)) throw new Error("expected the command to fail");
  return error;
}

const calls = (operationId: string) => fake.requests.filter((r) => r.operationId === operationId);

describe("idp comment: the sticky comment", () => {
  it("creates the comment and the check run on a first run", async () => {
    const result = await comment();
    expect(result.exitCode).toBe(0);
    expect(fake.comments).toHaveLength(1);
    const [posted] = fake.comments;
    expect(posted?.body.startsWith(PLAN_MARKER)).toBe(true);
    expect(posted?.login).toBe("github-actions[bot]");
    const [run] = fake.checkRuns;
    expect(run).toMatchObject({ name: "idp plan", headSha: SHA, conclusion: "failure", status: "completed" });
    expect(run?.title).toBe(BLOCKED);
    expect(run?.summary).toContain("1 error, 1 warning");
    expect(run?.detailsUrl).toContain(`#issuecomment-${posted?.id}`);
    expect(run?.annotations).toEqual([
      {
        path: "services/svc-0/service.yaml",
        start_line: 1,
        end_line: 1,
        annotation_level: "failure",
        message: "finding 0\nhint: fix it",
        title: "policy.SEC001",
      },
      expect.objectContaining({ annotation_level: "warning", start_line: 2, title: "policy.SEC002" }),
    ]);
    expect(result.stdout).toBe(
      `created comment ${posted?.id}, check run ${run?.id} with 2 annotations on acme/shop#7\n`,
    );
  });

  it("updates its earlier comment instead of posting a duplicate", async () => {
    const other = fake.seedComment("acme/shop", 7, "LGTM", "octocat");
    await comment({ report: plan([], true) });
    const first = fake.comments.find((c) => c.id !== other.id);
    const result = await comment();
    expect(fake.comments.map((c) => c.id)).toEqual([other.id, first?.id]);
    expect(fake.comments[1]?.body).toContain(BLOCKED);
    expect(result.stdout).toMatch(
      new RegExp(`^updated comment ${first?.id}, check run \\d+ with 2 annotations`),
    );
    expect(calls("issues/create-comment")).toHaveLength(1);
    expect(calls("issues/update-comment")).toHaveLength(1);
    expect(fake.checkRuns.map((r) => r.conclusion)).toEqual(["success", "failure"]);
  });

  it("finds its comment on page 3 of 3 (250 comments, 100 a page)", async () => {
    for (let i = 0; i < 249; i++) fake.seedComment("acme/shop", 7, `comment ${i}`);
    const ours = fake.seedComment("acme/shop", 7, `${PLAN_MARKER}\nold plan`, "github-actions[bot]");
    const result = await comment();
    expect(result.stdout).toMatch(new RegExp(`^updated comment ${ours.id},`));
    expect(fake.comments).toHaveLength(250);
    expect(ours.body).toContain(BLOCKED);
    const pages = calls("issues/list-comments").map((r) => r.path);
    expect(pages).toHaveLength(3);
    const query = fake.requests.filter((r) => r.operationId === "issues/list-comments").map((r) => r.status);
    expect(query).toEqual([200, 200, 200]);
  });

  it("leaves a quote of the plan alone", async () => {
    const quote = fake.seedComment("acme/shop", 7, `> ${PLAN_MARKER}\n> quoted plan`, "octocat");
    const result = await comment();
    expect(result.stdout).toMatch(/^created comment/);
    expect(quote.body).toContain("quoted plan");
  });

  it("prefers its own comment when several start with the marker", async () => {
    const copy = fake.seedComment("acme/shop", 7, `${PLAN_MARKER}\ncopied plan`, "octocat");
    const ours = fake.seedComment("acme/shop", 7, `${PLAN_MARKER}\nold plan`, "github-actions[bot]");
    const result = await comment();
    expect(result.stdout).toMatch(new RegExp(`^updated comment ${ours.id},`));
    expect(copy.body).toContain("copied plan");
    // GitHub refuses GET /user to an installation token: the Actions bot is assumed.
    expect(calls("users/get-authenticated").map((r) => r.status)).toEqual([403]);
  });

  it("asks GET /user who it is with a personal token", async () => {
    fake.seedComment("acme/shop", 7, `${PLAN_MARKER}\nbot plan`, "github-actions[bot]");
    const mine = fake.seedComment("acme/shop", 7, `${PLAN_MARKER}\nmy plan`, "octocat");
    const result = await comment({ token: "ghp_person" });
    expect(result.stdout).toMatch(new RegExp(`^updated comment ${mine.id},`));
    expect(calls("users/get-authenticated").map((r) => r.status)).toEqual([200]);
  });
});

describe("idp comment: the check run", () => {
  it("sends 120 annotations in three requests of at most 50", async () => {
    const result = await comment({ report: plan(Array.from({ length: 120 }, (_, i) => finding(i))) });
    const sent = [...calls("checks/create"), ...calls("checks/update")].map(
      (r) => ((r.body as { output: { annotations: unknown[] } }).output.annotations ?? []).length,
    );
    expect(sent).toEqual([50, 50, 20]);
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.checkRuns[0]?.annotations.map((a) => a.message)).toEqual(
      Array.from({ length: 120 }, (_, i) => `finding ${i}\nhint: fix it`),
    );
    expect(result.stdout).toContain("with 120 annotations");
  });

  it("falls back to a commit status where check runs are not allowed", async () => {
    const result = await comment({ token: "ghp_person", report: plan() });
    expect(calls("checks/create").map((r) => r.status)).toEqual([403]);
    expect(fake.checkRuns).toEqual([]);
    expect(fake.statuses).toHaveLength(1);
    const [status] = fake.statuses;
    expect(status).toMatchObject({ sha: SHA, state: "failure", context: "idp plan" });
    expect(status?.description?.length).toBeLessThanOrEqual(140);
    expect(status?.targetUrl).toContain("#issuecomment-");
    expect(result.stdout).toContain('commit status "failure" (check runs not allowed)');
  });

  it("uses --sha over the plan's headSha, and GITHUB_SHA for a refused plan without --sha", async () => {
    const other = "b".repeat(40);
    await comment({ sha: other });
    const { headSha: _, ...withoutSha } = plan();
    const refused = await comment({ report: withoutSha, env: { GITHUB_SHA: "c".repeat(40) } });
    expect(refused.exitCode).toBe(1);
    expect(fake.checkRuns.map((r) => [r.headSha, r.conclusion])).toEqual([
      [other, "failure"],
      ["c".repeat(40), "failure"],
    ]);
  });
});

describe("idp comment: when GitHub fails", () => {
  it("retries a 502 and succeeds", async () => {
    fake.script("checks/create", { status: 502, body: { message: "Server Error" } });
    const result = await comment();
    expect(result.exitCode).toBe(0);
    expect(calls("checks/create").map((r) => r.status)).toEqual([502, 201]);
    expect(fake.checkRuns).toHaveLength(1);
  });

  it("after a 502 on creating the comment, looks before posting again", async () => {
    fake.script("issues/create-comment", { status: 502, body: { message: "Server Error" } });
    await comment();
    expect(calls("issues/create-comment").map((r) => r.status)).toEqual([502, 201]);
    expect(calls("issues/list-comments")).toHaveLength(2);
    expect(fake.comments).toHaveLength(1);
  });

  it("does not post twice when a 502 came after GitHub stored the comment", async () => {
    fake.script("issues/create-comment", {
      status: 502,
      body: { message: "Server Error" },
      afterHandling: true,
    });
    const result = await comment();
    expect(calls("issues/create-comment").map((r) => r.status)).toEqual([502]);
    expect(fake.comments).toHaveLength(1);
    expect(result.stdout).toMatch(new RegExp(`^created comment ${fake.comments[0]?.id},`));
  });

  it("gives up after three retries of a 5xx", async () => {
    const bad = { status: 503, body: { message: "Service Unavailable" } };
    fake.script("issues/list-comments", bad, bad, bad, bad);
    const error = await failure(comment());
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toBe(
      "could not list the comments of acme/shop#7: GitHub failed with 503 even after retries; try again later (https://www.githubstatus.com)",
    );
    expect(calls("issues/list-comments")).toHaveLength(4);
  });

  it("waits out a secondary rate limit (retry-after) and goes on", async () => {
    fake.script("checks/create", {
      status: 403,
      headers: { "retry-after": "1" },
      body: { message: SECONDARY, documentation_url: "https://docs.github.com/rest" },
    });
    const started = Date.now();
    const result = await comment();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(calls("checks/create").map((r) => r.status)).toEqual([403, 201]);
    expect(result.stderr).toContain(
      "secondary rate limit on POST /repos/{owner}/{repo}/check-runs: retrying in 1s",
    );
  });

  it("stops when the primary rate limit stays exhausted", async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 1);
    const limited = {
      status: 403,
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset },
      body: { message: "API rate limit exceeded for installation ID 1." },
    };
    fake.script("issues/list-comments", limited, limited, limited);
    const error = await failure(comment());
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toMatch(
      /^could not list the comments of acme\/shop#7: GitHub's rate limit is exhausted \(403\) until /,
    );
    expect(error.message).toContain("use GitHub App credentials");
    expect(calls("issues/list-comments")).toHaveLength(3);
  });

  it.each([
    [
      "403 without permission",
      { token: "ghs_readonly" },
      "could not comment on acme/shop#7: GitHub said 403: the token lacks permission: the workflow needs pull-requests: write and checks: write (or statuses: write)",
    ],
    [
      "401",
      { token: "ghs_expired" },
      "could not list the comments of acme/shop#7: GitHub said 401: GITHUB_TOKEN is missing, expired or wrong",
    ],
    [
      "404 (repository)",
      { repo: "acme/nope" },
      "could not list the comments of acme/nope#7: GitHub said 404: repository or pull request not found, or the token cannot see it",
    ],
    [
      "404 (pull request)",
      { pr: 8 },
      "could not list the comments of acme/shop#8: GitHub said 404: repository or pull request not found, or the token cannot see it",
    ],
  ])("ends with a clear message on %s, without retrying", async (_name, options, message) => {
    const error = await failure(comment(options));
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toBe(message);
    const statuses = fake.requests.map((r) => r.status).filter((s) => s >= 400);
    expect(statuses).toHaveLength(1);
  });

  it("says when GitHub cannot be reached, after retries", async () => {
    const closed = fake.url;
    await fake.close();
    const error = await failure(comment({ env: { GITHUB_API_URL: closed } }));
    fake = await startFakeGitHub({ checker, tokens: TOKENS });
    expect(error.message).toBe(
      "could not list the comments of acme/shop#7: GitHub could not be reached (network failure, retried); check GITHUB_API_URL and the network",
    );
  });

  it("passes GitHub's 422 validation message on", async () => {
    fake.script("issues/create-comment", {
      status: 422,
      body: {
        message: "Validation Failed",
        errors: [{ resource: "IssueComment", code: "custom", field: "body", message: "body is too long" }],
      },
    });
    const error = await failure(comment());
    expect(error.message).toBe(
      "could not comment on acme/shop#7: GitHub said 422: Validation Failed: body is too long",
    );
  });
});

describe("idp comment: configuration", () => {
  it("authenticates as a GitHub App with an installation token", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    await restart({
      app: {
        id: 4242,
        slug: "idp-platform",
        installationId: 99,
        publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
        grant: { ...ACTIONS, login: "idp-platform[bot]" },
      },
    });
    fake.seedComment("acme/shop", 7, `${PLAN_MARKER}\nold`, "github-actions[bot]");
    const own = fake.seedComment("acme/shop", 7, `${PLAN_MARKER}\nolder run`, "idp-platform[bot]");
    writeFileSync(join(dir, "plan.json"), JSON.stringify(plan()));
    const result = await commentCommand({
      pr: "7",
      cwd: dir,
      env: {
        GITHUB_API_URL: fake.url,
        GITHUB_REPOSITORY: "acme/shop",
        GITHUB_APP_ID: "4242",
        // One-line secrets carry "\n" escapes.
        GITHUB_APP_PRIVATE_KEY: pem.replace(/\n/g, "\\n"),
        GITHUB_APP_INSTALLATION_ID: "99",
        IDP_GITHUB_RETRY_DELAY_MS: "1",
      },
    });
    expect(calls("apps/create-installation-access-token").map((r) => r.status)).toEqual([201]);
    expect(calls("apps/get-authenticated").map((r) => r.status)).toEqual([200]);
    // GET /app names the app; its bot's comment is the one to update.
    expect(result.stdout).toMatch(
      new RegExp(`^updated comment ${own.id}, check run \\d+ with 2 annotations on acme/shop#7\n$`),
    );
    expect(own.body).toContain(BLOCKED);
    expect(fake.checkRuns).toHaveLength(1);
  });

  it("works against a GitHub Enterprise Server path (/api/v3)", async () => {
    await restart({ basePath: "/api/v3" });
    for (let i = 0; i < 120; i++) fake.seedComment("acme/shop", 7, `comment ${i}`);
    const result = await comment();
    expect(fake.url.endsWith("/api/v3")).toBe(true);
    expect(result.stdout).toMatch(/^created comment/);
    expect(fake.requests.every((r) => r.path.startsWith("/api/v3/"))).toBe(true);
    expect(calls("issues/list-comments")).toHaveLength(2);
  });

  it("prints JSON with --format json", async () => {
    const result = await comment({ format: "json" });
    const printed = JSON.parse(result.stdout) as { comment: { action: string }; check: { kind: string } };
    expect(printed.comment.action).toBe("created");
    expect(printed.check).toMatchObject({ kind: "check-run", annotations: 2, requests: 1 });
  });

  it.each([
    ["a missing plan file", { plan: "nope.json" }, ToolError, /^the plan file .*nope\.json does not exist/],
    ["a bad --repo", { repo: "acme" }, UsageError, /^--repo must be owner\/name, got "acme"$/],
    ["a bad --pr", { pr: "seven" }, UsageError, /^--pr must be a pull request number, got "seven"$/],
    ["a short --sha", { sha: "abc123" }, UsageError, /^--sha must be a full commit SHA/],
  ])("refuses %s before calling GitHub", async (_name, options, type, message) => {
    const error = await failure(comment(options));
    expect(error).toBeInstanceOf(type);
    expect(error.message).toMatch(message);
    expect(fake.requests).toEqual([]);
  });

  it.each([
    ["not JSON", "{", "plan.json is not JSON"],
    [
      "not a plan",
      '{"diagnostics": []}',
      "plan.json is not an idp plan (the top level must have required property 'base'",
    ],
    ["not UTF-8", Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), "plan.json is not valid UTF-8"],
  ])("refuses a plan file that is %s and publishes a failed check", async (_name, text, message) => {
    writeFileSync(join(dir, "bad.json"), text);
    const result = await comment({ plan: "bad.json", sha: SHA });
    expect(result.exitCode).toBe(1);
    expect((result.stderr ?? "").replace("bad.json", "plan.json")).toContain(
      `idp comment: refused the plan: ${message}`,
    );
    expect(fake.checkRuns.map((r) => [r.conclusion, r.title, r.annotations.length])).toEqual([
      ["failure", "❌ the plan of this pull request was refused", 0],
    ]);
    expect(fake.comments[0]?.body).toContain("could not be accepted");
  });

  it("asks for credentials when there are none", async () => {
    const error = await failure(comment({ env: { GITHUB_TOKEN: "" } }));
    expect(error.message).toBe(
      "no GitHub credentials: set GITHUB_TOKEN, or GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID",
    );
  });
});

describe("idp comment: the plan artifact is untrusted data", () => {
  it("recomputes the verdict and the comment of a forged plan (ok: true, markdown injection)", async () => {
    const forged = {
      ...plan([
        {
          ...finding(0),
          message: "</details><img src=x onerror=alert(1)>[login](https://evil.example)",
        },
      ]),
      verdict: { ok: true, summary: "✅ ready to merge: nothing changes" },
      markdown: `${PLAN_MARKER}\n### ✅ ready to merge\n<img src=x onerror=alert(1)> [approve here](https://evil.example) @acme/admins\n`,
    };
    const result = await comment({ report: forged });
    expect(result.exitCode).toBe(0);
    const [run] = fake.checkRuns;
    expect(run?.conclusion).toBe("failure");
    expect(run?.title).toBe("❌ 1 error blocks this change");
    const body = fake.comments[0]?.body ?? "";
    expect(body.startsWith(`${PLAN_MARKER}\n### ❌ 1 error blocks this change\n`)).toBe(true);
    expect(body).not.toContain("ready to merge");
    expect(body).not.toContain("acme/admins");
    expect(body).not.toMatch(/<img|[^\\]\]\(https:\/\/evil/);
    expect(body).toContain("&lt;/details&gt;&lt;img src=x onerror=alert(1)&gt;\\[login\\](https");
  });

  it("passes a forged ok: true with no findings as what its data says, never as its markdown", async () => {
    const forged = {
      ...plan([]),
      verdict: { ok: false, summary: "x" },
      markdown: `${PLAN_MARKER}\nanything`,
    };
    await comment({ report: forged });
    expect(fake.checkRuns[0]?.conclusion).toBe("success");
    expect(fake.comments[0]?.body).toContain("### ✅ ready to merge: no manifest changes");
    expect(fake.comments[0]?.body).not.toContain("anything");
  });

  it.each([
    [
      "an environment name with HTML",
      { environments: [{ name: "<b>prod</b>", services: [] }] },
      "/environments/0/name",
    ],
    ["a finding file with a pipe", { diagnostics: [{ ...finding(0), file: "a|b" }] }, "/diagnostics/0/file"],
    ["an unknown field", { comment: "hello" }, "the top level must NOT have additional properties"],
    ["a base with a backtick", { base: "main`" }, "/base"],
    [
      "a message over 4000 characters",
      { diagnostics: [{ ...finding(0), message: "x".repeat(4001) }] },
      "/diagnostics/0/message must NOT have more than 4000 characters (4000 at most)",
    ],
  ])("refuses a plan with %s and publishes a failed check", async (_name, change, message) => {
    const result = await comment({ report: { ...plan([], true), ...change }, sha: SHA });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("idp comment: refused the plan: plan.json is not an idp plan (");
    expect(result.stderr).toContain(message);
    expect(fake.checkRuns.map((r) => r.headSha)).toEqual([SHA]);
    expect(fake.checkRuns.map((r) => r.conclusion)).toEqual(["failure"]);
    expect(fake.comments[0]?.body).not.toMatch(/<b>|a\|b|hello/);
  });

  it("accepts a finding about a badly named file (a space, non-ASCII), as idp plan reports it", async () => {
    const result = await comment({ report: plan([{ ...finding(0), file: "services/my svc/sérvice.yaml" }]) });
    expect(result.exitCode).toBe(0);
    expect(fake.checkRuns[0]?.annotations[0]?.path).toBe("services/my svc/sérvice.yaml");
    expect(fake.comments[0]?.body).toContain("`services/my svc/sérvice.yaml:1`");
  });

  it("refuses an oversized artifact (150 MB) from its size, before reading it", async () => {
    const file = join(dir, "huge.json");
    writeFileSync(file, "");
    truncateSync(file, 150 * 1024 * 1024); // sparse: nothing is written, and nothing may be read
    const before = process.memoryUsage().arrayBuffers;
    const result = await comment({ plan: "huge.json", sha: SHA });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(50 * 1024 * 1024);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      `idp comment: refused the plan: huge.json is ${150 * 1024 * 1024} bytes, over the ${MAX_PLAN_BYTES} bytes a plan may have`,
    );
    expect(fake.checkRuns.map((r) => [r.conclusion, r.headSha])).toEqual([["failure", SHA]]);
  });

  it("publishes a legitimate plan exactly as idp plan formats it", async () => {
    const legit: Plan = {
      base: "origin/main",
      baseSha: "a".repeat(40),
      headSha: SHA,
      verdict: { ok: true, summary: "" },
      diagnostics: [finding(2, "warning")],
      environments: [
        {
          name: "prod",
          services: [
            {
              name: "checkout",
              status: "changed",
              objects: [
                {
                  kind: "Deployment",
                  name: "checkout",
                  namespace: "payments",
                  status: "changed",
                  summary: ["replicas 2 → 3"],
                },
              ],
              diff: "--- a/manifests/prod/checkout/manifest.yaml\n+++ b/manifests/prod/checkout/manifest.yaml\n-  replicas: 2\n+  replicas: 3\n",
            },
          ],
        },
      ],
      notes: [],
      sources: new Map(),
    };
    legit.verdict = decideVerdict(legit.diagnostics, legit.environments);
    const markdown = formatPlanMarkdown(legit);
    const result = await comment({ report: planToJson(legit, markdown) });
    expect(result.exitCode).toBe(0);
    expect(fake.comments[0]?.body).toBe(markdown);
    expect(fake.checkRuns[0]).toMatchObject({ conclusion: "success", title: legit.verdict.summary });
  });
});

describe("idp comment: the sticky comment is found by who wrote it", () => {
  it("leaves an attacker's earlier comment with the marker alone and creates its own", async () => {
    const planted = fake.seedComment("acme/shop", 7, `${PLAN_MARKER}\n### ✅ ready to merge`, "mallory");
    const first = await comment();
    expect(first.stdout).toMatch(/^created comment/);
    expect(planted.body).toBe(`${PLAN_MARKER}\n### ✅ ready to merge`);
    const ours = fake.comments.find((c) => c.id !== planted.id);
    expect(ours?.login).toBe("github-actions[bot]");
    // The next run updates ours, still not the attacker's.
    const second = await comment({ report: plan([], true) });
    expect(second.stdout).toMatch(new RegExp(`^updated comment ${ours?.id},`));
    expect(planted.body).toBe(`${PLAN_MARKER}\n### ✅ ready to merge`);
    expect(calls("issues/update-comment").map((r) => r.path)).toEqual([
      `/repos/acme/shop/issues/comments/${ours?.id}`,
    ]);
  });

  it("with a GitHub App, updates only the app bot's comment", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    await restart({
      app: {
        id: 4242,
        slug: "idp-platform",
        installationId: 99,
        publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
        grant: { ...ACTIONS, login: "idp-platform[bot]" },
      },
    });
    const planted = fake.seedComment("acme/shop", 7, `${PLAN_MARKER}\nforged`, "idp-platform");
    writeFileSync(join(dir, "plan.json"), JSON.stringify(plan()));
    const result = await commentCommand({
      pr: 7,
      repo: "acme/shop",
      cwd: dir,
      env: {
        GITHUB_API_URL: fake.url,
        GITHUB_APP_ID: "4242",
        GITHUB_APP_PRIVATE_KEY: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
        GITHUB_APP_INSTALLATION_ID: "99",
        IDP_GITHUB_RETRY_DELAY_MS: "1",
      },
    });
    expect(result.stdout).toMatch(/^created comment/);
    expect(planted.body).toBe(`${PLAN_MARKER}\nforged`);
  });
});
