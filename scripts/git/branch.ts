import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { promisify } from "node:util";
import { type SimpleGit, simpleGit } from "simple-git";
import { ToolError } from "../errors.js";

const run = promisify(execFile);

/** How long asking the remote what it has may take before `--pr` gives up (nothing is done yet). */
export const REMOTE_CHECK_TIMEOUT_MS = 15_000;

/** How long a fetch or a push may take: they move data, so longer than a check. */
export const TRANSFER_TIMEOUT_MS = 120_000;

/**
 * Branch, commit and push for the commands that open a pull request
 * (`idp new service --pr`, `idp promote --pr`). Like GitRepository, every
 * failure becomes a ToolError that says which git operation failed and what
 * to do; callers never see raw git errors.
 */
export class GitBranch {
  readonly #git: SimpleGit;
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
    this.#git = simpleGit({ baseDir: root });
  }

  /** The checked-out branch: what the pull request will target. Refuses a detached HEAD. */
  async currentBranch(): Promise<string> {
    const name = await this.#do("read the current branch", async () =>
      (await this.#git.raw(["rev-parse", "--abbrev-ref", "HEAD"])).trim(),
    );
    if (name === "HEAD")
      throw new ToolError(
        "git HEAD is detached: check out the branch the pull request should target (git switch main)",
      );
    return name;
  }

  /** The abbreviated commit HEAD points at. */
  async shortHead(): Promise<string> {
    return this.#do("read the HEAD commit", async () =>
      (await this.#git.raw(["rev-parse", "--short", "HEAD"])).trim(),
    );
  }

  /** Paths under `paths` with uncommitted changes (staged, unstaged or untracked), relative to the root. */
  async uncommitted(paths: readonly string[]): Promise<string[]> {
    return this.#do("read the working tree's status", async () =>
      (await this.#git.raw(["status", "--porcelain", "--untracked-files=all", "--", ...paths]))
        .split("\n")
        .filter(Boolean)
        .map((line) => line.slice(3)),
    );
  }

  /** True when a local branch or a branch of `remote` with this name exists. */
  async branchExists(name: string, remote = "origin"): Promise<boolean> {
    const refs = await this.#do("list the branches", async () =>
      (await this.#git.raw(["for-each-ref", "--format=%(refname)", "refs/heads", `refs/remotes/${remote}`]))
        .split("\n")
        .filter(Boolean),
    );
    return refs.includes(`refs/heads/${name}`) || refs.includes(`refs/remotes/${remote}/${name}`);
  }

  /** The URL of `remote`; refuses when it is not configured. */
  async remoteUrl(remote = "origin"): Promise<string> {
    return this.#do(
      `read the URL of the remote ${remote}`,
      async () => (await this.#git.raw(["remote", "get-url", remote])).trim(),
      `add it: git remote add ${remote} <url>`,
    );
  }

  /**
   * The branches `remote` has, name to commit (git ls-remote --heads), asked
   * with a short timeout and no password prompt: this is the check that the
   * remote is reachable before anything is created.
   */
  async remoteHeads(remote = "origin", timeoutMs = REMOTE_CHECK_TIMEOUT_MS): Promise<Map<string, string>> {
    const output = await this.#network(
      `reach the remote ${remote} (within ${timeoutMs / 1000}s)`,
      ["ls-remote", "--heads", remote],
      timeoutMs,
      `check the URL (git remote get-url ${remote}), your access to it and the network`,
    );
    const heads = new Map<string, string>();
    for (const line of output.split("\n")) {
      const [sha, ref] = line.split("\t");
      if (sha && ref?.startsWith("refs/heads/")) heads.set(ref.slice("refs/heads/".length), sha);
    }
    return heads;
  }

  /** Fetches `branch` of `remote` into refs/remotes/<remote>/<branch>. */
  async fetchBranch(branch: string, remote = "origin"): Promise<void> {
    await this.#network(
      `fetch ${branch} from ${remote}`,
      ["fetch", "-q", remote, `+refs/heads/${branch}:refs/remotes/${remote}/${branch}`],
      TRANSFER_TIMEOUT_MS,
      `check your access to ${remote} and the network`,
    );
  }

  /**
   * Creates the branch `name` at `start` (no upstream yet) checked out in a new
   * worktree at `folder`: the change is made there, so the person's own
   * checkout, its branch and its files are never touched.
   */
  async addWorktree(folder: string, name: string, start: string): Promise<void> {
    await this.#do(`create the branch ${name} from ${start}`, () =>
      this.#git.raw(["worktree", "add", "-q", "--no-track", "-b", name, folder, start]),
    );
  }

  /** Removes a worktree made by addWorktree, changes and all; when git cannot, the folder goes and git forgets it. */
  async removeWorktree(folder: string): Promise<void> {
    try {
      await this.#git.raw(["worktree", "remove", "--force", folder]);
    } catch {
      rmSync(folder, { recursive: true, force: true });
      await this.#do("forget a removed worktree", () => this.#git.raw(["worktree", "prune"]));
    }
  }

  /** Deletes the local branch `name`. */
  async deleteBranch(name: string): Promise<void> {
    await this.#do(`delete the branch ${name}`, () => this.#git.raw(["branch", "-q", "-D", name]));
  }

  /** Stages exactly `paths` (additions, changes and removals) and commits them; returns the commit. */
  async commit(paths: readonly string[], message: string): Promise<string> {
    return this.#do(
      "commit the change",
      async () => {
        await this.#git.raw(["add", "-A", "--", ...paths]);
        await this.#git.raw(["commit", "-q", "-m", message, "--", ...paths]);
        return (await this.#git.raw(["rev-parse", "HEAD"])).trim();
      },
      "set your identity (git config user.name / user.email) and check the paths",
    );
  }

  /** Pushes HEAD to the branch of the same name on `remote` (git push origin HEAD). */
  async pushHead(remote = "origin"): Promise<void> {
    await this.#network(
      `push to ${remote}`,
      ["push", "-q", "-u", remote, "HEAD"],
      TRANSFER_TIMEOUT_MS,
      `check that you may push to ${remote} and that the network is reachable`,
    );
  }

  /** Runs a git command that talks to a remote: bounded in time, never waiting for a password. */
  async #network(what: string, args: string[], timeoutMs: number, hint: string): Promise<string> {
    const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: "0" };
    // ssh would otherwise ask for a passphrase or a host key on the terminal and hang.
    if (env.GIT_SSH_COMMAND === undefined && env.GIT_SSH === undefined)
      env.GIT_SSH_COMMAND = "ssh -o BatchMode=yes -o ConnectTimeout=10";
    try {
      return (
        await run("git", args, { cwd: this.#root, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 })
      ).stdout;
    } catch (cause) {
      const timedOut = (cause as { killed?: boolean }).killed === true;
      const stderr = String((cause as { stderr?: unknown }).stderr ?? "").trim();
      const reason = timedOut
        ? `no answer within ${timeoutMs / 1000}s`
        : (stderr.split("\n").find((l) => /fatal|error/i.test(l)) ?? stderr.split("\n")[0]) ||
          (cause instanceof Error ? cause.message.split("\n")[0] : String(cause));
      throw new ToolError(`git could not ${what}: ${reason}; ${hint}`, { cause });
    }
  }

  async #do<T>(
    what: string,
    action: () => Promise<T>,
    hint = "check that --root is a git repository",
  ): Promise<T> {
    try {
      return await action();
    } catch (cause) {
      if (cause instanceof ToolError) throw cause;
      const reason = cause instanceof Error ? cause.message.split("\n")[0] : String(cause);
      throw new ToolError(`git could not ${what}: ${reason}; ${hint}`, { cause });
    }
  }
}
