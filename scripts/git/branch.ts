import { type SimpleGit, simpleGit } from "simple-git";
import { ToolError } from "../errors.js";

/**
 * Branch, commit and push for the commands that open a pull request
 * (`idp new service --pr`, `idp promote --pr`). Like GitRepository, every
 * failure becomes a ToolError that says which git operation failed and what
 * to do; callers never see raw git errors.
 */
export class GitBranch {
  readonly #git: SimpleGit;

  constructor(root: string) {
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

  /** Creates the branch `name` at HEAD and checks it out (the working tree's changes come along). */
  async createBranch(name: string): Promise<void> {
    await this.#do(`create the branch ${name}`, () => this.#git.raw(["switch", "-c", name]));
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
    await this.#do(
      `push to ${remote}`,
      () => this.#git.raw(["push", "-q", "-u", remote, "HEAD"]),
      `check that you may push to ${remote} and that the network is reachable`,
    );
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
