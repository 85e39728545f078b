import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { newServiceCommand } from "../scripts/commands/new-service.js";
import { promoteCommand } from "../scripts/commands/promote.js";
import { ToolError, UsageError } from "../scripts/errors.js";
import { addBareOrigin, usePullRequestFake } from "./support/pull-request-fake.js";
import { git, useRenderedRepositories } from "./support/rendered-repository.js";

const NOT_A_TTY = { isTTY: false } as NodeJS.ReadableStream & { isTTY?: boolean };
const { repository, temp } = useRenderedRepositories("idp-pr-flow-");
const github = usePullRequestFake();

const branchOf = (root: string) => git(root, "rev-parse", "--abbrev-ref", "HEAD").trim();
const branches = (root: string) =>
  git(root, "for-each-ref", "--format=%(refname:short)", "refs/heads").trim().split("\n").sort();

/** A repository with a bare origin, and the environment `--pr` reads for a fake GitHub at `url`. */
/** `idp new service toys --team storefront --pr`, without a terminal and without progress lines. */
function newToysPullRequest(root: string, env: NodeJS.ProcessEnv) {
  return newServiceCommand({
    root,
    format: "text",
    name: "toys",
    team: "storefront",
    pr: true,
    stdin: NOT_A_TTY,
    env,
    progress: () => {},
  });
}

function withOrigin(url: string) {
  const root = repository();
  const origin = temp("idp-origin-");
  addBareOrigin(root, origin);
  const env = {
    GITHUB_TOKEN: "ghp_person",
    GITHUB_API_URL: url,
    GITHUB_REPOSITORY: "acme/shop",
    IDP_GITHUB_RETRY_DELAY_MS: "1",
  };
  return { root, origin, env };
}

/** A localhost port nothing listens on: connections are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("--pr is safe", () => {
  it("refuses to start with an unrelated uncommitted change, naming it, and creates nothing", async () => {
    const fake = await github.open(42);
    const { root, origin, env } = withOrigin(fake.url);
    writeFileSync(join(root, "services/cart/service.yaml"), "# edited by hand\n", { flag: "a" });
    const attempt = newToysPullRequest(root, env);
    await expect(attempt).rejects.toThrow(UsageError);
    await expect(attempt).rejects.toThrow(
      "these files have uncommitted changes that would not be in it: services/cart/service.yaml; commit them, or stash them (git stash -u)",
    );
    expect(branches(root)).toEqual(["main"]);
    expect(branches(origin)).toEqual(["main"]);
    expect(fake.requests).toEqual([]);
    expect(git(root, "status", "--porcelain")).toBe(" M services/cart/service.yaml\n");
  });

  it("checks that the GitHub API answers before creating anything, and fails fast when it does not", async () => {
    const { root, origin, env } = withOrigin(`http://127.0.0.1:${await closedPort()}`);
    // Real retry delays: a flow that retried or pushed first would take many seconds.
    const { IDP_GITHUB_RETRY_DELAY_MS: _, ...realDelays } = env;
    const started = Date.now();
    const attempt = newToysPullRequest(root, realDelays);
    await expect(attempt).rejects.toThrow(ToolError);
    await expect(attempt).rejects.toThrow(
      /^could not reach acme\/shop at http:\/\/127\.0\.0\.1:\d+ \(within 10s\): GitHub could not be reached \(network failure\); check GITHUB_API_URL and the network$/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(branches(root)).toEqual(["main"]);
    expect(branches(origin)).toEqual(["main"]);
    expect(git(root, "status", "--porcelain")).toBe("");
  });

  it("checks that the remote answers before creating anything", async () => {
    const fake = await github.open(42);
    const { root, env } = withOrigin(fake.url);
    git(root, "remote", "set-url", "origin", join(temp("idp-gone-"), "missing.git"));
    const attempt = newToysPullRequest(root, env);
    await expect(attempt).rejects.toThrow(ToolError);
    await expect(attempt).rejects.toThrow("git could not reach the remote origin (within 15s)");
    expect(branches(root)).toEqual(["main"]);
    expect(fake.requests.map((r) => r.operationId)).toEqual(["repos/get"]);
    expect(git(root, "status", "--porcelain")).toBe("");
  });

  it("promote --pr from a feature branch: the pull request goes into the default branch, made from it, and the person stays where they were", async () => {
    const fake = await github.open(43);
    const { root, origin, env } = withOrigin(fake.url);
    const mainCommit = git(root, "rev-parse", "main").trim();
    git(root, "switch", "-q", "-c", "feature/notes");
    writeFileSync(join(root, "NOTES.md"), "work in progress\n");
    git(root, "add", "NOTES.md");
    git(root, "commit", "-qm", "notes");
    const lines: string[] = [];
    const result = await promoteCommand({
      root,
      format: "text",
      service: "checkout",
      to: "staging",
      all: false,
      pr: true,
      env,
      progress: (line) => lines.push(line),
    });
    expect(result.stdout).toContain(
      "opened pull request #43 from idp/promote-staging-checkout-2026-11-25 into main",
    );
    expect(result.exitCode).toBe(0);
    expect(fake.violations).toEqual([]);
    const body = fake.requests.find((r) => r.operationId === "pulls/create")?.body as Record<string, string>;
    expect(body.base).toBe("main");
    // Made from main: its parent is main's commit, and the feature branch's commit is not in it.
    const branch = "idp/promote-staging-checkout-2026-11-25";
    expect(git(origin, "rev-parse", `${branch}^`).trim()).toBe(mainCommit);
    expect(git(origin, "ls-tree", "--name-only", branch)).not.toContain("NOTES.md");
    expect(branchOf(root)).toBe("feature/notes");
    expect(git(root, "status", "--porcelain")).toBe("");
    expect(git(root, "worktree", "list").trim().split("\n")).toHaveLength(1);
    expect(lines[0]).toMatch(/^checking GitHub: acme\/shop at http:\/\/127\.0\.0\.1:\d+…$/);
    expect(lines).toContain("checking the remote origin…");
    expect(lines).toContain(`branch ${branch} from origin/main`);
    expect(lines).toContain(`pushed ${branch} to origin`);
    expect(lines.at(-1)).toBe("opened #43: https://github.example/acme/shop/pull/43");
  }, 60_000);

  it("when opening the pull request fails, the person is still on their branch with a clean tree, and told the branch is pushed", async () => {
    const fake = await github.open(44, {
      status: 422,
      body: {
        message: "Validation Failed",
        errors: [{ resource: "PullRequest", code: "custom", message: "No commits" }],
      },
    });
    const { root, env } = withOrigin(fake.url);
    git(root, "switch", "-q", "-c", "feature/other");
    const attempt = promoteCommand({
      root,
      format: "text",
      service: "checkout",
      to: "staging",
      all: false,
      pr: true,
      env,
      progress: () => {},
    });
    await expect(attempt).rejects.toThrow(
      "the branch idp/promote-staging-checkout-2026-11-25 is pushed: open the pull request by hand, or delete the branch and rerun",
    );
    expect(branchOf(root)).toBe("feature/other");
    expect(git(root, "status", "--porcelain")).toBe("");
    expect(git(root, "worktree", "list").trim().split("\n")).toHaveLength(1);
  }, 60_000);
});
