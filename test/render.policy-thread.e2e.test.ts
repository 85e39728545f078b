import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { temporaryFolders } from "./support/suite.js";

const ROOT = join(import.meta.dirname, "..");
const CLI = join(ROOT, "bin", "idp.js");
const temps = temporaryFolders();

const STRIPE = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";

/** The examples, rendered: a tree with key files, so render and render --check evaluate the policy on a worker. */
function rendered(): string {
  const root = mkdtempSync(join(tmpdir(), "idp-render-policy-thread-"));
  temps.push(root);
  for (const folder of ["environments", "teams", "services", "schemas", "policies"])
    cpSync(join(ROOT, folder), join(root, folder), { recursive: true });
  const first = idp(root, ["render"], 1);
  if (first.status !== 0) throw new Error(`the examples did not render: ${first.stdout}${first.stderr}`);
  return root;
}

// The policy worker exists only in the built code (test/support/build-cli.ts builds it): the CLI as users run it.
function idp(root: string, args: string[], threads: number) {
  const result = spawnSync(process.execPath, [CLI, ...args, "--root", root], {
    encoding: "utf8",
    env: { ...process.env, IDP_POLICY_THREADS: String(threads), IDP_TODAY: "2026-11-25" },
    // A process kept alive by an idle worker would hang here: fail instead.
    timeout: 50_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("idp render with the policy evaluated on a worker thread", () => {
  it("refuses what the main thread alone refuses, with the same report, credentials redacted", () => {
    const root = rendered();
    const cart = join(root, "services", "cart", "service.yaml");
    const text = readFileSync(cart, "utf8");
    const line = "    REDIS_URL: ${dependencies.sessions.url}\n";
    if (!text.includes(line)) throw new Error("the cart example changed");
    writeFileSync(cart, text.replace(line, `${line}    STRIPE_API: ${STRIPE}\n`));
    for (const args of [["render", "--check"], ["render"], ["render", "--check", "--format", "json"]]) {
      const alone = idp(root, args, 1);
      const threaded = idp(root, args, 2);
      expect(alone.status).toBe(1);
      expect(threaded.status).toBe(1);
      expect(threaded.stdout).toBe(alone.stdout);
      expect(threaded.stderr).toBe(alone.stderr);
      expect(threaded.stdout).toContain("SEC004");
      expect(`${threaded.stdout}${threaded.stderr}`).not.toContain(STRIPE);
    }
  }, 120_000);

  it("renders and checks a change as the main thread alone does", () => {
    const root = rendered();
    const cart = join(root, "services", "cart", "service.yaml");
    writeFileSync(cart, readFileSync(cart, "utf8").replace(/^( {2}image: \S+?):(\S+)$/m, "$1:$2-threaded"));
    const check = idp(root, ["render", "--check", "--format", "json"], 2);
    expect(check.status).toBe(1);
    expect(idp(root, ["render", "--check", "--format", "json"], 1).stdout).toBe(check.stdout);
    const render = idp(root, ["render", "--format", "json"], 2);
    expect(render.status).toBe(0);
    expect(JSON.parse(render.stdout).changed).toContain("manifests/dev/cart/manifest.yaml");
    expect(idp(root, ["render", "--check"], 2).status).toBe(0);
    // Written in place: a render of the same tree again finds nothing to change, README included.
    const again = JSON.parse(idp(root, ["render", "--format", "json"], 2).stdout);
    expect([...again.added, ...again.changed, ...again.removed]).toEqual([]);
  }, 120_000);
});
