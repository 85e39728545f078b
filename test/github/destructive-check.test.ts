import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { commentCommand } from "../../scripts/commands/comment.js";
import { planCommand } from "../../scripts/commands/plan.js";
import { commit, edit, git, pinToday, temporaryFolders } from "../support/suite.js";
import { type FakeGitHub, type Grant, startFakeGitHub } from "./fake-github.js";
import { OpenApiChecker } from "./openapi-check.js";

const ROOT = join(import.meta.dirname, "../..");
const ACTIONS: Grant = {
  login: "github-actions[bot]",
  type: "Bot",
  write: true,
  checks: true,
  statuses: true,
};
const temps = temporaryFolders();
pinToday("2026-11-25");

let checker: OpenApiChecker;
let fake: FakeGitHub | undefined;
const plans = new Map<string, string>();

beforeAll(async () => {
  checker = new OpenApiChecker();
  // Two real plans, made once: dev's namespaces renamed (destructive), and a replica bump (not).
  plans.set(
    "destructive",
    await planOf((root) => edit(root, "environments/dev.yaml", '"{team}-dev"', '"{team}-x"')),
  );
  plans.set(
    "ordinary",
    await planOf((root) => edit(root, "services/cart/service.yaml", "replicas: 2", "replicas: 3")),
  );
}, 120_000);

afterEach(async () => {
  // Every request the client made must be one GitHub's OpenAPI description allows.
  expect(fake?.violations).toEqual([]);
  await fake?.close();
  fake = undefined;
});

/** `idp plan --format json` of a change to a copy of the examples in a real git repository. */
async function planOf(change: (root: string) => void): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), "idp-destroy-check-"));
  for (const folder of ["environments", "teams", "services", "schemas", "policies"])
    cpSync(join(ROOT, folder), join(root, folder), { recursive: true });
  git(root, "init", "-q", "-b", "main");
  commit(root, "base");
  git(root, "checkout", "-q", "-b", "change");
  change(root);
  commit(root, "change");
  const result = await planCommand({ root, format: "json", base: "main", env: {} });
  temps.push(root);
  return result.stdout;
}

/** Publishes `plan` on pull request 7 of a fresh fake GitHub whose pull request carries `labels`. */
async function publish(plan: string, labels: string[]) {
  fake = await startFakeGitHub({ checker, tokens: { ghs_actions: ACTIONS }, labels: { 7: labels } });
  const dir = mkdtempSync(join(tmpdir(), "idp-destroy-comment-"));
  temps.push(dir);
  writeFileSync(join(dir, "plan.json"), plan);
  const result = await commentCommand({
    pr: 7,
    repo: "acme/shop",
    cwd: dir,
    env: { GITHUB_API_URL: fake.url, GITHUB_TOKEN: "ghs_actions", IDP_GITHUB_RETRY_DELAY_MS: "1" },
  });
  const labelReads = fake.requests.filter((r) => r.operationId === "issues/list-labels-on-issue");
  return { result, run: fake.checkRuns[0], comment: fake.comments[0], labelReads };
}

describe("idp comment: a destructive plan fails its check until the platform acknowledges it", () => {
  it("fails without the label, and says what acknowledges it", async () => {
    const { result, run, comment, labelReads } = await publish(plans.get("destructive") ?? "", ["bug"]);
    expect(result.exitCode).toBe(0);
    expect(labelReads).toHaveLength(1);
    expect(run?.conclusion).toBe("failure");
    expect(run?.title).toMatch(
      /^⚠ destructive: 4 Namespaces, 5 data claims and 1 PersistentVolumeClaim deleted in dev;/,
    );
    expect(run?.summary).toContain("**❌ ⚠ destructive:");
    expect(run?.summary).toContain("A maintainer adds the `idp/allow-destroy` label");
    expect(comment?.body).toContain("#### ⚠ What this change destroys");
    expect(result.stdout).toContain(
      "(destructive and not acknowledged: failing until a maintainer adds the idp/allow-destroy label)",
    );
  });

  it("passes with the idp/allow-destroy label, read from the pull request's labels on GitHub", async () => {
    const { run, result } = await publish(plans.get("destructive") ?? "", ["bug", "idp/allow-destroy"]);
    expect(run?.conclusion).toBe("success");
    expect(run?.title).toMatch(
      /^⚠ destructive, acknowledged by the idp\/allow-destroy label: 4 Namespaces, 5 data claims and 1 PersistentVolumeClaim deleted in dev;/,
    );
    expect(result.stdout).toContain("(destructive, acknowledged by the idp/allow-destroy label)");
  });

  it("nothing the plan file carries acknowledges it: a forged verdict or markdown is recomputed", async () => {
    const forged = JSON.parse(plans.get("destructive") ?? "{}");
    forged.verdict = { ok: true, summary: "✅ ready to merge" };
    forged.markdown = "<!-- idp-plan -->\n### ✅ ready to merge\n";
    const { run } = await publish(JSON.stringify(forged), []);
    expect(run?.conclusion).toBe("failure");
    expect(run?.title).toMatch(/^⚠ destructive:/);
  });

  it("an ordinary plan passes without asking for labels", async () => {
    const { run, labelReads } = await publish(plans.get("ordinary") ?? "", []);
    expect(run?.conclusion).toBe("success");
    expect(run?.title).toMatch(/^✅ ready to merge/);
    expect(labelReads).toHaveLength(0);
  });
});
