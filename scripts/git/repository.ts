import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type SimpleGit, simpleGit } from "simple-git";
import { ToolError } from "../errors.js";

const run = promisify(execFile);

/**
 * The one place that talks to git. Every failure becomes a ToolError that
 * says which git operation failed and what to do; callers never see raw git
 * errors.
 */
export class GitRepository {
  readonly #git: SimpleGit;
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
    this.#git = simpleGit({ baseDir: root, maxConcurrentProcesses: 4 });
  }

  /** The commit where the current branch left `base`: what a pull request is compared with. */
  async mergeBase(base: string): Promise<string> {
    return this.#do(
      `find where HEAD left ${base}`,
      async () => (await this.#git.raw(["merge-base", base, "HEAD"])).trim(),
      `fetch ${base} first (git fetch origin ${base.replace(/^origin\//, "")})`,
    );
  }

  /** Files changed since `commit`, committed or not, plus untracked files; relative to the root. */
  async changedFiles(commit: string): Promise<string[]> {
    return this.#do(`list the files changed since ${commit}`, async () => {
      const changed = await this.#git.raw(["diff", "--name-only", "--no-renames", commit, "--", "."]);
      const untracked = await this.#git.raw(["ls-files", "--others", "--exclude-standard"]);
      const files = `${changed}\n${untracked}`
        .split("\n")
        .map((f) => f.trim())
        .filter(Boolean);
      return [...new Set(files)].sort();
    });
  }

  /**
   * Writes the tree of `ref` (only `folders`) into a fresh temporary folder
   * and returns its path and a function that removes it.
   */
  async exportTree(ref: string, folders: readonly string[]): Promise<{ path: string; remove: () => void }> {
    const path = mkdtempSync(join(tmpdir(), "idp-base-"));
    const remove = () => rmSync(path, { recursive: true, force: true });
    try {
      const present = await this.#do(`list the files of ${ref}`, async () =>
        (await this.#git.raw(["ls-tree", "--name-only", ref]))
          .split("\n")
          .filter((name) => folders.includes(name)),
      );
      await this.#unpack(ref, present, path);
      return { path, remove };
    } catch (caught) {
      remove();
      throw caught;
    }
  }

  /** The commit HEAD points at (the head of the change under review). */
  async headCommit(): Promise<string> {
    return this.#do("read the HEAD commit", async () => (await this.#git.raw(["rev-parse", "HEAD"])).trim());
  }

  /**
   * Writes the files of `ref` at `paths` (files or folders; those that do not
   * exist in `ref` are skipped) into a fresh temporary folder, like exportTree
   * but for a few files: what a change touched, without the rest of the tree.
   */
  async exportPaths(ref: string, paths: readonly string[]): Promise<{ path: string; remove: () => void }> {
    const path = mkdtempSync(join(tmpdir(), "idp-base-"));
    const remove = () => rmSync(path, { recursive: true, force: true });
    try {
      const present =
        paths.length === 0
          ? []
          : await this.#do(`list the files of ${ref}`, async () =>
              (await this.#git.raw(["ls-tree", "-r", "--name-only", "-z", ref, "--", ...paths]))
                .split("\0")
                .filter(Boolean),
            );
      await this.#unpack(ref, present, path);
      return { path, remove };
    } catch (caught) {
      remove();
      throw caught;
    }
  }

  /** Writes the files of `ref` at `paths` (none: nothing) into `folder`, through a git archive. */
  async #unpack(ref: string, paths: readonly string[], folder: string): Promise<void> {
    if (paths.length === 0) return;
    const archive = join(folder, ".idp-base.tar");
    await this.#do(`export ${ref}`, () =>
      run("git", ["archive", "--format=tar", "-o", archive, ref, "--", ...paths], {
        cwd: this.#root,
        maxBuffer: 64 * 1024 * 1024,
      }),
    );
    await this.#do(`unpack ${ref}`, () => run("tar", ["-xf", archive, "-C", folder]));
    rmSync(archive);
  }

  async #do<T>(
    what: string,
    action: () => Promise<T>,
    hint = "check that --root is a git repository and the ref exists",
  ): Promise<T> {
    try {
      return await action();
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message.split("\n")[0] : String(cause);
      throw new ToolError(`git could not ${what}: ${reason}; ${hint}`, { cause });
    }
  }
}
