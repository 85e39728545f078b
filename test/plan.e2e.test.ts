import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateRepository } from "../bench/generate-repository.js";
import { planCommand } from "../scripts/commands/plan.js";
import { parsePlanReport } from "../scripts/github/plan-report.js";
import { MAX_PLAN_BYTES } from "../scripts/github/plan-schema.js";
import { GITHUB_COMMENT_LIMIT, PLAN_MARKER } from "../scripts/plan/format-markdown.js";
import type { EnvironmentPlan, ServicePlan } from "../scripts/plan/plan.js";
import { planChange } from "../scripts/plan/plan-change.js";
import { commit, edit, git, pinToday, temporaryFolders } from "./support/suite.js";

const ROOT = join(import.meta.dirname, "..");
const TODAY = "2026-11-25";
const temps = temporaryFolders();
pinToday(TODAY);

/** A git repository holding a copy of the examples, committed on main, with a branch `change` checked out. */
function repository(folders = ["environments", "teams", "services", "schemas", "policies"]): string {
  const root = mkdtempSync(join(tmpdir(), "idp-plan-"));
  temps.push(root);
  for (const folder of folders) cpSync(join(ROOT, folder), join(root, folder), { recursive: true });
  commitBase(root);
  return root;
}

function commitBase(root: string): void {
  git(root, "init", "-q", "-b", "main");
  git(root, "add", "-A");
  git(root, "commit", "-qm", "base");
  git(root, "checkout", "-q", "-b", "change");
}

function environment(plan: { environments: EnvironmentPlan[] }, name: string): EnvironmentPlan {
  const found = plan.environments.find((e) => e.name === name);
  if (!found) throw new Error(`no changes in ${name}`);
  return found;
}

function service(plan: { environments: EnvironmentPlan[] }, env: string, name: string): ServicePlan {
  const found = environment(plan, env).services.find((s) => s.name === name);
  if (!found) throw new Error(`no change of ${name} in ${env}`);
  return found;
}

/** Per environment, the services that change and how. */
function outline(plan: { environments: EnvironmentPlan[] }): Record<string, string[]> {
  return Object.fromEntries(
    plan.environments.map((e) => [e.name, e.services.map((s) => `${s.name} ${s.status}`)]),
  );
}

const WISHLIST = `# yaml-language-server: $schema=../../schemas/service.schema.json
apiVersion: idp/v1
kind: Service
metadata:
  name: wishlist
  team: storefront
  description: Saves products for later
  tier: standard
spec:
  type: web
  image: ghcr.io/acme/wishlist:0.1.0
  port: 8080
  resources: { cpu: 100m, memory: 128Mi }
  environments:
    dev: { image: ghcr.io/acme-dev/wishlist:0.2.0-rc.1 }
`;

describe("idp plan on real git histories", () => {
  it("changed image: the Deployment says image a → b, the diff shows the line, the verdict counts it", async () => {
    const root = repository();
    edit(
      root,
      "services/checkout/service.yaml",
      "image: ghcr.io/acme/checkout:1.4.2",
      "image: ghcr.io/acme/checkout:1.4.3",
    );
    commit(root, "bump checkout");
    const result = await planCommand({ root, format: "json", base: "main", env: {} });
    expect(result.exitCode).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.verdict).toEqual({
      ok: true,
      summary: "✅ ready to merge: 1 service changes in 2 environments",
    });
    expect(plan.diagnostics).toEqual([]);
    expect(plan.baseSha).toBe(git(root, "rev-parse", "main").trim());
    expect(plan.headSha).toBe(git(root, "rev-parse", "HEAD").trim());
    // dev overrides the image: only staging and prod change.
    expect(outline(plan)).toEqual({ staging: ["checkout changed"], prod: ["checkout changed"] });
    const prod = service(plan, "prod", "checkout");
    expect(prod.objects.find((o: { kind: string }) => o.kind === "Deployment")).toEqual({
      kind: "Deployment",
      name: "checkout",
      namespace: "payments",
      status: "changed",
      summary: ["image ghcr.io/acme/checkout 1.4.2 → 1.4.3", "version label 1.4.2 → 1.4.3"],
    });
    // The version label is on the workload only: a release changes nothing else.
    expect(prod.objects.map((o: { kind: string }) => o.kind)).toEqual(["Deployment"]);
    expect(prod.diff).toContain(
      "--- a/manifests/prod/checkout/manifest.yaml\n+++ b/manifests/prod/checkout/manifest.yaml\n",
    );
    expect(prod.diff).toContain(
      "\n-          image: ghcr.io/acme/checkout:1.4.2\n+          image: ghcr.io/acme/checkout:1.4.3\n",
    );
    // The comment job posts the JSON's markdown: it is what --format markdown prints.
    const markdown = await planCommand({ root, format: "markdown", base: "main", env: {} });
    expect(plan.markdown).toBe(markdown.stdout);
  });

  it("added service: every object added in every environment, the team's ApplicationSet changes", async () => {
    const root = repository();
    mkdirSync(join(root, "services/wishlist"));
    writeFileSync(join(root, "services/wishlist/service.yaml"), WISHLIST);
    commit(root, "add wishlist");
    const plan = await planChange(root, { base: "main" });
    expect(plan.verdict).toEqual({
      ok: true,
      // a standard service without a metrics port: REL005 warns in prod
      summary: "⚠️ ready to merge with 1 warning: 1 service changes in 3 environments",
    });
    expect(outline(plan)).toEqual({
      dev: ["_platform changed", "wishlist added"],
      staging: ["_platform changed", "wishlist added"],
      prod: ["_platform changed", "wishlist added"],
    });
    const added = service(plan, "prod", "wishlist");
    expect(added.objects.map((o) => `${o.status} ${o.kind} ${o.name}`)).toEqual([
      "added ServiceAccount wishlist",
      "added Service wishlist",
      "added Deployment wishlist",
      "added PodDisruptionBudget wishlist",
      "added NetworkPolicy wishlist",
      // no metrics: the kube-state-metrics alerts and the dashboard, no ServiceMonitor
      "added PrometheusRule wishlist",
      "added ConfigMap wishlist-dashboard",
    ]);
    expect(added.diff).toContain("--- /dev/null\n+++ b/manifests/prod/wishlist/manifest.yaml\n");
    const platform = service(plan, "prod", "_platform");
    expect(platform.objects).toEqual([
      // the team's overview dashboard gains a row
      {
        kind: "ConfigMap",
        name: "storefront-dashboard",
        namespace: "storefront",
        status: "changed",
        summary: ["dashboard changed"],
      },
      {
        kind: "ApplicationSet",
        name: "storefront-prod-services",
        namespace: "argocd",
        status: "changed",
        summary: ['spec.generators[0].git.directories[3] added: {"path":"manifests/prod/wishlist"}'],
      },
    ]);
  });

  it("removed service: every object removed, the diff deletes the file", async () => {
    const root = repository();
    rmSync(join(root, "services/email-worker"), { recursive: true });
    commit(root, "retire email-worker");
    const plan = await planChange(root, { base: "main" });
    expect(plan.verdict.ok).toBe(true);
    expect(service(plan, "dev", "email-worker").status).toBe("removed");
    expect(service(plan, "prod", "email-worker").objects.every((o) => o.status === "removed")).toBe(true);
    expect(service(plan, "prod", "email-worker").diff).toContain(
      "--- a/manifests/prod/email-worker/manifest.yaml\n+++ /dev/null\n",
    );
  });

  it("changed environment default: fans out to every service of the environment that inherits it", async () => {
    const root = repository();
    edit(
      root,
      "environments/staging.yaml",
      "defaults: { replicas: 1, resources: { cpu: 100m, memory: 128Mi } }",
      "defaults: { replicas: 2, resources: { cpu: 100m, memory: 128Mi } }",
    );
    commit(root, "two replicas in staging");
    const plan = await planChange(root, { base: "main" });
    expect(plan.verdict).toEqual({
      ok: true,
      summary: "✅ ready to merge: 2 services change in 1 environment",
    });
    // Services with replicas of their own (or cron jobs) render the same and are left out.
    expect(outline(plan)).toEqual({ staging: ["search changed", "storefront changed"] });
    expect(service(plan, "staging", "search").objects).toEqual([
      {
        kind: "Deployment",
        name: "search",
        namespace: "storefront-staging",
        status: "changed",
        summary: ["replicas 1 → 2"],
      },
      {
        kind: "PodDisruptionBudget",
        name: "search",
        namespace: "storefront-staging",
        status: "added",
        summary: [],
      },
    ]);
  });

  it("policy change: judged by the base's policy; the new policy's findings are shown apart", async () => {
    const opa = execFileSync("bash", [join(ROOT, "tools/opa.sh")], { encoding: "utf8" }).trim();
    const root = repository(["environments", "teams", "services", "schemas", "policies", "tools"]);
    // The pull request allows `latest` and uses it in dev, rebuilding the policy as the platform team would.
    edit(
      root,
      "policies/platform/security.rego",
      'lib.image_tag(ref.image) == "latest"',
      'lib.image_tag(ref.image) == "never"',
    );
    execFileSync("bash", ["tools/policy-build.sh"], {
      cwd: root,
      env: { ...process.env, OPA_BIN: opa },
      stdio: "pipe",
    });
    edit(
      root,
      "services/search/service.yaml",
      "ghcr.io/acme/search:0.5.0-rc.1",
      "ghcr.io/acme/search:latest",
    );
    commit(root, "allow latest");
    const result = await planCommand({ root, format: "json", base: "main", env: {} });
    expect(result.exitCode).toBe(1);
    const plan = JSON.parse(result.stdout);
    expect(plan.verdict).toEqual({ ok: false, summary: "❌ 1 error blocks this change" });
    expect(
      plan.diagnostics.map(
        (d: { code: string; file: string; line: number }) => `${d.code} ${d.file}:${d.line}`,
      ),
    ).toEqual(["policy.SEC002 services/search/service.yaml:19"]);
    expect(plan.newPolicyDiagnostics).toEqual([]);
    expect(plan.newPolicyDifference.added).toEqual([]);
    expect(plan.newPolicyDifference.removed.map((d: { code: string }) => d.code)).toEqual(["policy.SEC002"]);
    expect(plan.notes[0]).toMatch(
      /^this change edits policies\/: it is judged by the rules of its base \([0-9a-f]{7}\)/,
    );
    // The manifests still show what the change does.
    expect(
      service(plan, "dev", "search").objects.find((o: { kind: string }) => o.kind === "Deployment")?.summary,
    ).toEqual(["image ghcr.io/acme/search 0.5.0-rc.1 → latest", "version label 0.5.0-rc.1 → latest"]);
    expect(plan.markdown).toContain("What this change's own rules would say: 0 new, 1 no longer reported");
  });

  it("markdown: the marker, the verdict, finding links, collapsible environments", async () => {
    const root = repository();
    edit(root, "services/cart/service.yaml", "  replicas: 2\n", "  replicas: 60\n");
    commit(root, "too many carts");
    const sha = git(root, "rev-parse", "HEAD").trim();
    const result = await planCommand({
      root,
      format: "markdown",
      base: "main",
      env: { GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "acme/platform" },
    });
    expect(result.exitCode).toBe(1);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe(PLAN_MARKER);
    expect(lines[1]).toBe("### ❌ 2 errors block this change");
    expect(result.stdout).toContain(
      `[\`services/cart/service.yaml:14\`](https://github.com/acme/platform/blob/${sha}/services/cart/service.yaml#L14)`,
    );
    expect(result.stdout).toContain("<details><summary><b>prod</b>: cart changed</summary>");
    // Named with its namespace: prod's storefront namespace.
    expect(result.stdout).toContain("- `Deployment storefront/cart` changed: replicas 2 → 60");
    expect(result.stdout).toContain("```diff\n--- a/manifests/prod/cart/manifest.yaml");
  });

  it("markdown stays under GitHub's comment limit for a huge change, cutting the diffs and saying so", async () => {
    const root = mkdtempSync(join(tmpdir(), "idp-plan-big-"));
    temps.push(root);
    generateRepository(root, { services: 120, seed: 3, policiesFrom: true });
    commitBase(root);
    // Every service of every environment moves to another namespace: thousands of diff lines.
    for (const env of ["dev", "staging", "prod"]) {
      const file = join(root, `environments/${env}.yaml`);
      writeFileSync(
        file,
        readFileSync(file, "utf8").replace(/namespace: "\{team\}([^"]*)"/, 'namespace: "{team}$1-apps"'),
      );
    }
    commit(root, "move every team");
    const result = await planCommand({ root, format: "json", base: "main", env: {} });
    const plan = JSON.parse(result.stdout);
    const full = plan.environments
      .flatMap((e: EnvironmentPlan) => e.services)
      .reduce((n: number, s: ServicePlan) => n + s.diff.length, 0);
    expect(full).toBeGreaterThan(GITHUB_COMMENT_LIMIT * 4);
    expect(plan.markdown.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(plan.markdown.startsWith(`${PLAN_MARKER}\n`)).toBe(true);
    expect(plan.markdown).toContain(
      "diffs truncated to stay under GitHub's comment limit: run `idp plan --base main` locally for the full diff",
    );
    expect(plan.markdown.match(/<details>/g)?.length).toBe(plan.markdown.match(/<\/details>/g)?.length);
    // Fences stay balanced: every diff block that opens closes.
    expect((plan.markdown.match(/^```/gm)?.length ?? 0) % 2).toBe(0);
    // The privileged comment job accepts this real plan and recomputes exactly its comment.
    expect(Buffer.byteLength(result.stdout)).toBeLessThanOrEqual(MAX_PLAN_BYTES);
    const reading = parsePlanReport(result.stdout, "plan.json");
    expect(reading.refused).toBeUndefined();
    expect(reading.refused === undefined && reading.report.markdown).toBe(plan.markdown);
    expect(reading.refused === undefined && reading.report.verdict).toEqual(plan.verdict);
  }, 60_000);

  it("says what to do when the base does not exist", async () => {
    const root = repository();
    await expect(planChange(root, { base: "origin/nope" })).rejects.toThrow(
      /git could not find where HEAD left origin\/nope.*git fetch/,
    );
  });
});
