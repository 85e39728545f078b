import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { git, temporaryFolders } from "./support/suite.js";

const ROOT = join(import.meta.dirname, "..");
const CLI = join(ROOT, "bin", "idp.js");
const temps = temporaryFolders();

// The policy worker exists only in the built code (test/support/build-cli.ts builds it):
// these tests run the CLI as users do, and the compiled modules.
type Threads = typeof import("../scripts/policy/policy-threads.js");
type Checks = typeof import("../scripts/policy/check-policies.js");
type Validation = typeof import("../scripts/model/validate-repository.js");
const built = (module: string) => join(ROOT, "dist", "scripts", module);
const { PolicyThread } = (await import(built("policy/policy-threads.js"))) as Threads;
const { evaluateHere, preparePolicies } = (await import(built("policy/check-policies.js"))) as Checks;
const { validateRepository } = (await import(built("model/validate-repository.js"))) as Validation;

const STRIPE = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";

/**
 * The examples on main, and a branch that gives cart a credential in plain
 * sight (SEC004 flags it on the head: the diff must not show it), more
 * replicas in dev, and a route host another service holds (a denial).
 */
function repository(): string {
  const root = mkdtempSync(join(tmpdir(), "idp-policy-thread-"));
  temps.push(root);
  for (const folder of ["environments", "teams", "services", "schemas", "policies"])
    cpSync(join(ROOT, folder), join(root, folder), { recursive: true });
  git(root, "init", "-q", "-b", "main");
  git(root, "add", "-A");
  git(root, "commit", "-qm", "base");
  git(root, "checkout", "-q", "-b", "change");
  const cart = join(root, "services", "cart", "service.yaml");
  const text = readFileSync(cart, "utf8");
  const line = "    REDIS_URL: ${dependencies.sessions.url}\n";
  if (!text.includes(line)) throw new Error("the cart example changed");
  writeFileSync(cart, text.replace(line, `${line}    STRIPE_API: ${STRIPE}\n`));
  git(root, "commit", "-qam", "cart: a credential");
  return root;
}

function plan(root: string, format: string, threads: number) {
  const result = spawnSync(
    process.execPath,
    [CLI, "plan", "--root", root, "--base", "main", "--format", format],
    {
      encoding: "utf8",
      env: { ...process.env, IDP_POLICY_THREADS: String(threads), IDP_TODAY: "2026-11-25" },
      // A process kept alive by an idle worker would hang here: fail instead.
      timeout: 50_000,
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("idp plan with the policy evaluated on a worker thread", () => {
  it("prints the bytes the main thread alone prints, credentials redacted, in every format", () => {
    const root = repository();
    for (const format of ["json", "markdown", "text"]) {
      const alone = plan(root, format, 1);
      const threaded = plan(root, format, 2);
      expect(alone.stderr).toBe("");
      expect(threaded.status).toBe(alone.status);
      expect(threaded.stdout).toBe(alone.stdout);
      expect(threaded.stdout).not.toContain(STRIPE);
    }
    const json = JSON.parse(plan(root, "json", 2).stdout);
    const cart = json.environments[0].services.find((s: { name: string }) => s.name === "cart");
    // The credential was flagged by the judgement on the worker, after the first render: rendered again.
    expect(cart.diff).toContain('+  STRIPE_API: "[REDACTED 1]"');
    expect(json.diagnostics.some((d: { code: string }) => d.code === "policy.SEC004")).toBe(true);
  }, 120_000);

  it("gives checkPolicies' outcome when the worker evaluates every environment", async () => {
    const root = repository();
    const validated = validateRepository(root);
    const change = { base: "main", files: ["services/cart/service.yaml"] };
    const expected = evaluateHere(preparePolicies(root, validated, change, "2026-11-25"));
    const thread = PolicyThread.start(root, 2);
    if (!thread) throw new Error("no policy worker from the built code");
    const run = thread.run(preparePolicies(root, validated, change, "2026-11-25"));
    // The worker takes each environment as it is free; this thread joins only after it took them all.
    for (let waited = 0; run.workerEvaluations < validated.environments.length; waited += 50) {
      if (waited > 45_000) throw new Error(`the worker evaluated ${run.workerEvaluations} environments`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const outcome = await run.finish();
    expect(run.workerEvaluations).toBe(3);
    expect(outcome.diagnostics).toEqual(expected.diagnostics);
    expect(outcome.results).toEqual(expected.results);
    expect(outcome.secrets).toEqual([STRIPE]);
  }, 60_000);

  it("evaluates with the policy it is given, whatever it preloaded: the same one, or a broken one", async () => {
    const root = repository();
    const validated = validateRepository(root);
    const expected = evaluateHere(preparePolicies(root, validated, {}, "2026-11-25"));
    const preloaded = PolicyThread.start(root, 2, { preload: true });
    if (!preloaded) throw new Error("no policy worker from the built code");
    const same = await preloaded.run(preparePolicies(root, validated, {}, "2026-11-25")).finish();
    expect(same.diagnostics).toEqual(expected.diagnostics);
    expect(same.results).toEqual(expected.results);

    // A root whose compiled policy does not load: the worker loads the one run is given.
    const broken = mkdtempSync(join(tmpdir(), "idp-policy-thread-broken-"));
    temps.push(broken);
    cpSync(join(root, "services"), join(broken, "services"), { recursive: true });
    cpSync(join(root, "policies"), join(broken, "policies"), { recursive: true });
    writeFileSync(join(broken, "policies", "dist", "policy.wasm"), "not wasm");
    const other = PolicyThread.start(broken, 2, { preload: true });
    if (!other) throw new Error("no policy worker from the built code");
    const given = await other.run(preparePolicies(root, validated, {}, "2026-11-25")).finish();
    expect(given.diagnostics).toEqual(expected.diagnostics);
    expect(given.results).toEqual(expected.results);
  }, 60_000);

  it("fails with the engine's message when the policy does not load on the worker", async () => {
    const root = repository();
    const validated = validateRepository(root);
    const prepared = preparePolicies(root, validated, {}, "2026-11-25");
    if ("outcome" in prepared) throw new Error("the examples' policy bundle did not load");
    const thread = PolicyThread.start(root, 2);
    if (!thread) throw new Error("no policy worker from the built code");
    const run = thread.run({ ...prepared, wasm: new Uint8Array([0, 97, 115, 109, 9, 9]) });
    await expect(run.finish()).rejects.toThrow(/does not load; rebuild it with npm run policy:build/);
  }, 60_000);
});
