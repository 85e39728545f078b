import { describe, expect, it } from "vitest";
import { run } from "../scripts/run.js";
import { fixtureRepos } from "./support/fixture-repo.js";
import { commit, edit, git, pinToday, renderedOnMain } from "./support/suite.js";

const fixture = fixtureRepos("idp-plan-keys");
pinToday("2026-11-25");

const WEB = "services/web/service.yaml";
const PROD_KEY = "manifests/prod/web/.render-key";

/** The minimal fixture rendered and committed on main, with a branch `change` checked out. */
async function repository(): Promise<string> {
  const root = await renderedOnMain(fixture());
  git(root, "checkout", "-q", "-b", "change");
  return root;
}

describe("idp plan and render key files", () => {
  it("a one-service image change, rendered and committed: the comment shows the manifests, no key file", async () => {
    const root = await repository();
    edit(root, WEB, "image: ghcr.io/example/web:1.2.3", "image: ghcr.io/example/web:1.2.4");
    expect((await run(["render", "--root", root])).exitCode).toBe(0);
    commit(root, "web 1.2.4");
    // The commit does carry the key files: what the plan must not show.
    expect(git(root, "diff", "--name-only", "main", "--", "manifests").split("\n").filter(Boolean)).toEqual([
      "manifests/dev/web/.render-key",
      "manifests/dev/web/manifest.yaml",
      "manifests/prod/web/.render-key",
      "manifests/prod/web/manifest.yaml",
    ]);

    const markdown = await run(["plan", "--base", "main", "--format", "markdown", "--root", root]);
    expect(markdown.exitCode, markdown.stdout).toBe(0);
    expect(markdown.stdout).toContain("+          image: ghcr.io/example/web:1.2.4");
    expect(markdown.stdout).not.toContain("render-key");
    expect(markdown.stdout).not.toContain("render key");
    expect(markdown.stdout).not.toMatch(/^[-+](key|sha256) [0-9a-f]{64}$/m);

    const json = JSON.parse(
      (await run(["plan", "--base", "main", "--format", "json", "--root", root])).stdout,
    ) as {
      environments: { name: string; services: { name: string; diff: string }[] }[];
      notes: string[];
    };
    expect(json.environments.map((e) => [e.name, e.services.map((s) => s.name)])).toEqual([
      ["dev", ["web"]],
      ["prod", ["web"]],
    ]);
    expect(JSON.stringify(json)).not.toContain("render-key");
  });

  it("a pull request that only edits a key file is one note, never silent", async () => {
    const root = await repository();
    edit(root, PROD_KEY, "\nkey ", "\nkey 0");
    commit(root, "a key by hand");

    const text = await run(["plan", "--base", "main", "--root", root]);
    expect(text.exitCode, text.stdout).toBe(0);
    expect(text.stdout).toContain(
      `note: render key files changed: 1 beside no manifest change in this plan (${PROD_KEY}); they are bookkeeping, not objects: idp render --check --base judges them`,
    );
    const markdown = await run(["plan", "--base", "main", "--format", "markdown", "--root", root]);
    expect(markdown.stdout).toMatch(/^> render key files changed: 1 beside no manifest change/m);
    // And the pull request's check is where it fails: the base's key files are believed, the edited one is drift.
    const check = await run(["render", "--check", "--base", "main", "--root", root]);
    expect(check.exitCode).toBe(1);
    expect(check.stdout).toContain(`${PROD_KEY} is stale`);
  });
});
