import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { planCommand } from "../scripts/commands/plan.js";
import { validateCommand } from "../scripts/commands/validate.js";
import type { Plan } from "../scripts/plan/plan.js";
import { planChange } from "../scripts/plan/plan-change.js";
import { commit, edit, examplesOnChangeBranch, git, pinToday, temporaryFolders } from "./support/suite.js";

const TODAY = "2026-11-25";
const GOLDEN = join(import.meta.dirname, "golden-comments/destructive-plan.md");
/** `UPDATE_GOLDEN=1 npx vitest run test/destructive-plan.e2e.test.ts` rewrites the golden comment. */
const UPDATE = process.env.UPDATE_GOLDEN === "1" && process.env.CI !== "true";
const temps = temporaryFolders();
pinToday(TODAY);

/** A git repository holding a copy of the examples, committed on main, with a branch `change` checked out. */
function repository(prepare?: (root: string) => void): string {
  return examplesOnChangeBranch(temps, "idp-destroy-", prepare);
}

/** The issue's reproduction: dev's namespaces are renamed, so every team namespace in dev is deleted. */
function renameDevNamespaces(root: string): void {
  edit(root, "environments/dev.yaml", 'namespace: "{team}-dev"', 'namespace: "{team}-development"');
}

/** cart no longer uses its redis: the `sessions` dependency (and the variables that read it) are dropped. */
function dropCartSessions(root: string): void {
  const env = readFileSync(join(root, "services/cart/service.yaml"), "utf8").match(
    /\n {2}env:\n(?: {4}.*\n)+/,
  );
  if (!env) throw new Error("services/cart/service.yaml has no env block to drop");
  edit(root, "services/cart/service.yaml", env[0], "\n");
  edit(
    root,
    "services/cart/service.yaml",
    "  dependencies:\n    sessions: { type: redis }",
    "  # no dependencies",
  );
}

/** Every `data: true` marker removed from every environment's dependency classes. */
function unmarkDataClasses(root: string): void {
  for (const name of ["dev", "staging", "prod"]) {
    const file = join(root, `environments/${name}.yaml`);
    writeFileSync(file, readFileSync(file, "utf8").replace(/^ {8}data: true.*\n/gm, ""));
  }
}

function destroyed(plan: Pick<Plan, "destruction">): string[] {
  return (plan.destruction?.objects ?? []).map(
    (o) => `${o.environment} ${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`,
  );
}

const EXCEPTION = (target: string, expires = "2026-12-20") => `- rule: PLAN001
  target: ${target}
  environments: [dev]
  reason: dev namespaces renamed to {team}-development; dev data is disposable (PLAT-77)
  approvedBy: carol
  expires: ${expires}
`;

describe("a destructive plan warns before damage", () => {
  it("renaming dev's namespace pattern is ⚠ destructive, naming the 4 Namespaces and the data claims", async () => {
    const root = repository();
    renameDevNamespaces(root);
    commit(root, "rename dev namespaces");
    const result = await planCommand({ root, format: "json", base: "main", env: {} });
    // The plan itself does not block (the check run does, until acknowledged): exit 0, but never "ready to merge".
    expect(result.exitCode).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.verdict).toEqual({
      ok: true,
      destructive: true,
      summary:
        "⚠ destructive: 4 Namespaces, 5 data claims and 1 PersistentVolumeClaim deleted in dev; 103 of dev's 125 objects deleted (82 %); needs the idp/allow-destroy label or a PLAN001 exception",
    });
    expect(destroyed(plan)).toEqual([
      "dev Namespace data-dev",
      "dev Namespace payments-dev",
      "dev Namespace platform-dev",
      "dev Namespace storefront-dev",
      "dev RedisInstance storefront-dev/cart-sessions",
      "dev PostgreSQLInstance storefront-dev/catalog-catalog-db",
      "dev PostgreSQLInstance payments-dev/checkout-orders-db",
      "dev PersistentVolumeClaim data-dev/nightly-report-history",
      "dev Bucket data-dev/nightly-report-reports",
      "dev PostgreSQLInstance payments-dev/payments-ledger-db",
    ]);
    expect(plan.destruction.objects[4].reason).toBe(
      "dependency sessions (class redis/default) holds data: deleting its claim deletes it",
    );
    expect(plan.destruction.massRemovals).toEqual([{ environment: "dev", removed: 103, total: 125 }]);
    expect(plan.destruction.limitPercent).toBe(25);
    // A queue's class is not marked as holding data: email-worker's outbox is moved, not listed.
    expect(destroyed(plan).some((d) => d.includes("outbox"))).toBe(false);

    const text = (await planCommand({ root, format: "text", base: "main", env: {} })).stdout;
    expect(text.split("\n")[0]).toMatch(/^⚠ destructive: 4 Namespaces/);
    expect(text).not.toContain("ready to merge");
    expect(text).toContain(
      "  ! dev: Namespace payments-dev: deleting a Namespace deletes everything in it: workloads, secrets, claims and the data behind them\n",
    );
    expect(text).toContain("a maintainer adds the label idp/allow-destroy to the pull request");
    expect(plan.markdown).toContain(
      "\n#### ⚠ What this change destroys (reverting it does not bring these back)\n",
    );
    expect(plan.markdown).toContain(
      "\n- dev: 103 of its 125 objects deleted (82 %), more than the 25 % one change may delete (plan.destructivePercent in policies/governance.yaml)\n",
    );
  });

  it("objects are named with their namespace in text and markdown (LimitRange limits is four different objects)", async () => {
    const root = repository();
    renameDevNamespaces(root);
    commit(root, "rename dev namespaces");
    const text = (await planCommand({ root, format: "text", base: "main", env: {} })).stdout;
    for (const team of ["data", "payments", "platform", "storefront"]) {
      expect(text).toContain(`\n      - LimitRange ${team}-dev/limits\n`);
      expect(text).toContain(`\n      + LimitRange ${team}-development/limits\n`);
    }
    expect(text).toContain("\n      - Deployment storefront-dev/cart\n");
    expect(text).toContain("\n      + Deployment storefront-development/cart\n");
    // Cluster-scoped objects have no namespace to show.
    expect(text).toContain("\n      - Namespace payments-dev\n");
    expect(text).not.toMatch(/ LimitRange limits\b/);
    const markdown = (await planCommand({ root, format: "markdown", base: "main", env: {} })).stdout;
    expect(markdown).toContain("`LimitRange payments-dev/limits`");
    expect(markdown).toContain("`Deployment storefront-development/cart`");
    expect(markdown).not.toContain("`LimitRange limits`");
  });

  it("the base decides which classes hold data: unmarking the class in the same change still counts its claim", async () => {
    const root = repository();
    dropCartSessions(root);
    unmarkDataClasses(root);
    commit(root, "drop cart's redis, and say redis holds nothing");
    const plan = await planChange(root, { base: "main" });
    expect(plan.verdict.destructive).toBe(true);
    expect(destroyed(plan)).toEqual([
      "dev RedisInstance storefront-dev/cart-sessions",
      "staging RedisInstance storefront-staging/cart-sessions",
      "prod RedisInstance storefront/cart-sessions",
    ]);
    // Control: with the classes unmarked on the base, retiring cart deletes no data and is ready to merge.
    const unmarked = repository(unmarkDataClasses);
    dropCartSessions(unmarked);
    commit(unmarked, "drop cart's redis");
    const control = await planChange(unmarked, { base: "main" });
    expect(control.destruction).toBeUndefined();
    expect(control.verdict.summary).toBe("✅ ready to merge: 1 service changes in 3 environments");
  });

  it("dropping a volume dependency deletes its PersistentVolumeClaim in every environment: ⚠ destructive", async () => {
    const history = "    history: { type: volume, path: /var/lib/nightly-report }";
    const root = repository();
    edit(root, "services/nightly-report/service.yaml", history, "");
    commit(root, "nightly-report keeps no history");
    const plan = await planChange(root, { base: "main" });
    expect(plan.diagnostics).toEqual([]);
    expect(plan.verdict.destructive).toBe(true);
    expect(destroyed(plan)).toEqual([
      "dev PersistentVolumeClaim data-dev/nightly-report-history",
      "staging PersistentVolumeClaim data-staging/nightly-report-history",
      "prod PersistentVolumeClaim data/nightly-report-history",
    ]);
    expect(plan.destruction?.objects[0]?.reason).toBe(
      "deleting a PersistentVolumeClaim deletes its volume and the data on it",
    );
    expect(plan.verdict.summary).toMatch(
      /^⚠ destructive: 1 PersistentVolumeClaim deleted in dev, staging and prod/,
    );
    // Control: mounting it elsewhere changes the pods, not the claim: nothing is destroyed.
    const moved = repository();
    edit(moved, "services/nightly-report/service.yaml", history, history.replace("/var/lib/", "/srv/"));
    commit(moved, "nightly-report keeps its history under /srv");
    const control = await planChange(moved, { base: "main" });
    expect(control.destruction).toBeUndefined();
    expect(control.verdict.summary).toBe("✅ ready to merge: 1 service changes in 3 environments");
  });

  it("more than plan.destructivePercent of an environment's objects, as the base's governance.yaml sets it", async () => {
    // email-worker's claim (a queue) holds no data: only its share of the objects can make it destructive.
    const strict = (root: string) =>
      edit(root, "policies/governance.yaml", "destructivePercent: 25", "destructivePercent: 5");
    const root = repository(strict);
    rmSync(join(root, "services/email-worker"), { recursive: true });
    // The change raising its own limit changes nothing: the base's limit judges it.
    edit(root, "policies/governance.yaml", "destructivePercent: 5", "destructivePercent: 100");
    commit(root, "retire email-worker");
    const plan = await planChange(root, { base: "main" });
    expect(plan.destruction?.objects).toEqual([]);
    expect(plan.destruction?.limitPercent).toBe(5);
    expect(plan.destruction?.massRemovals.map((m) => m.environment)).toEqual(["dev", "staging", "prod"]);
    for (const mass of plan.destruction?.massRemovals ?? [])
      expect(mass.removed * 100).toBeGreaterThan(mass.total * 5);
    expect(plan.verdict.summary).toMatch(/^⚠ destructive: \d+ of dev's \d+ objects deleted \(\d+ %\);/);
    // With the default limit (25 %) the same retirement is an ordinary change.
    const relaxed = repository();
    rmSync(join(relaxed, "services/email-worker"), { recursive: true });
    commit(relaxed, "retire email-worker");
    const ordinary = await planChange(relaxed, { base: "main" });
    expect(ordinary.destruction).toBeUndefined();
    expect(ordinary.verdict.summary).toMatch(/^✅ ready to merge/);
  });

  it("a PLAN001 exception of the base acknowledges it; the same exception in the change does not", async () => {
    const acknowledged = repository((root) =>
      writeFileSync(join(root, "policies/exceptions.yaml"), EXCEPTION("environments/dev.yaml")),
    );
    renameDevNamespaces(acknowledged);
    commit(acknowledged, "rename dev namespaces");
    const plan = await planChange(acknowledged, { base: "main" });
    expect(plan.diagnostics).toEqual([]);
    expect(plan.verdict.summary).toMatch(
      /^⚠ destructive, acknowledged by a PLAN001 exception: 4 Namespaces, 5 data claims and 1 PersistentVolumeClaim deleted in dev;/,
    );
    expect(plan.destruction?.acknowledged).toEqual({
      by: "exception",
      detail:
        "exception PLAN001 for environments/dev.yaml approved by carol until 2026-12-20: dev namespaces renamed to {team}-development; dev data is disposable (PLAT-77)",
    });
    // `idp validate` knows PLAN001 and does not call the entry unused.
    const validated = await validateCommand({ root: acknowledged, format: "json" });
    expect(validated.stdout).not.toContain("exception-unknown-rule");
    expect(validated.stdout).not.toContain("exception-unused");

    const own = repository();
    renameDevNamespaces(own);
    writeFileSync(join(own, "policies/exceptions.yaml"), EXCEPTION("environments/dev.yaml"));
    commit(own, "rename dev namespaces, and waive it");
    const self = await planChange(own, { base: "main", author: "dmitri" });
    expect(self.diagnostics).toEqual([]);
    expect(self.verdict.destructive).toBe(true);
    expect(self.destruction?.acknowledged).toBeUndefined();
    expect(self.verdict.summary).toContain("needs the idp/allow-destroy label or a PLAN001 exception");

    // An exception that covers only part of what is destroyed acknowledges nothing.
    const partial = repository((root) =>
      writeFileSync(join(root, "policies/exceptions.yaml"), EXCEPTION("services/cart")),
    );
    renameDevNamespaces(partial);
    commit(partial, "rename dev namespaces");
    expect((await planChange(partial, { base: "main" })).destruction?.acknowledged).toBeUndefined();
  });

  it("an uncommitted change is planned as the working tree, not under HEAD's SHA", async () => {
    const root = repository();
    edit(root, "services/cart/service.yaml", "replicas: 2", "replicas: 3");
    const head = git(root, "rev-parse", "HEAD").trim();
    const dirty = await planCommand({ root, format: "json", base: "main", env: {} });
    const plan = JSON.parse(dirty.stdout);
    expect(plan.workingTree).toBe(true);
    expect(plan.markdown).toContain(
      `\nPlan of working tree (not committed; HEAD is ${head.slice(0, 7)}) against \`main\``,
    );
    const text = (await planCommand({ root, format: "text", base: "main", env: {} })).stdout;
    expect(text.split("\n")[1]).toBe(
      `plan of working tree (not committed; HEAD is ${head.slice(0, 7)}) against main (merge base ${head.slice(0, 7)})`,
    );
    // An untracked service file is uncommitted too.
    commit(root, "three cart replicas");
    mkdirSync(join(root, "services/wishlist"));
    writeFileSync(
      join(root, "services/wishlist/service.yaml"),
      readFileSync(join(root, "services/search/service.yaml")),
    );
    expect((await planChange(root, { base: "main" })).workingTree).toBe(true);
    rmSync(join(root, "services/wishlist"), { recursive: true });
    const clean = await planChange(root, { base: "main" });
    expect(clean.workingTree).toBeUndefined();
    const committed = (await planCommand({ root, format: "text", base: "main", env: {} })).stdout;
    expect(committed.split("\n")[1]).toMatch(/^plan of [0-9a-f]{7} against main/);
  });

  it("the destructive comment matches its golden file", async () => {
    const root = repository();
    dropCartSessions(root);
    commit(root, "drop cart's redis");
    const head = git(root, "rev-parse", "HEAD").trim();
    const base = git(root, "rev-parse", "main").trim();
    const output = (
      await planCommand({
        root,
        format: "markdown",
        base: "main",
        env: { GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "acme/platform" },
      })
    ).stdout;
    // The commits' SHAs follow every byte of the examples: the golden holds placeholders for them.
    const markdown = output
      .replaceAll(head, "<head>")
      .replaceAll(head.slice(0, 7), "<head>")
      .replaceAll(base.slice(0, 7), "<base>");
    if (UPDATE) {
      mkdirSync(dirname(GOLDEN), { recursive: true });
      writeFileSync(GOLDEN, markdown);
    }
    expect(markdown).toBe(readFileSync(GOLDEN, "utf8"));
    // Intent, so a golden refresh cannot hide a regression.
    expect(markdown.split("\n")[1]).toBe(
      "### ⚠ destructive: 1 data claim deleted in dev, staging and prod; needs the idp/allow-destroy label or a PLAN001 exception",
    );
    expect(markdown).toContain("`RedisInstance storefront/cart-sessions` removed");
    // The changed service links to its portal page (portal.url of the base's policies/governance.yaml).
    expect(markdown).toContain(
      "**`cart`** changed · [portal page](https://acme.github.io/platform/services/cart.html)",
    );
  });
});
