import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ToolError, UsageError } from "../errors.js";
import { GitBranch } from "../git/branch.js";
import { createGitHubClient, type GitHubClient, type GitHubEnv } from "../github/client.js";
import {
  type OpenedPullRequest,
  openPullRequest,
  parseRepository,
  type RepositoryRef,
  repositoryFromRemote,
} from "../github/pull-request-open.js";
import { readRepositoryInfo } from "../github/repository-info.js";
import { formatPlanMarkdown } from "../plan/format-markdown.js";
import { escapeMarkdown } from "../plan/markdown-text.js";
import { planChange } from "../plan/plan-change.js";
import type { Progress } from "../report/progress.js";

/** The remote `--pr` pushes to. */
const REMOTE = "origin";

/** How many files with uncommitted changes a refusal names before "and N more". */
const NAMED_FILES = 10;

/** Everything checked before a command changes anything, so `--pr` fails early and leaves no half-done work. */
export interface PullRequestTarget {
  git: GitBranch;
  client: GitHubClient;
  repository: RepositoryRef;
  /** The repository's default branch on GitHub: the pull request's base, whatever is checked out. */
  base: string;
  /** The new branch the change goes on. */
  branch: string;
  progress: Progress;
}

/**
 * Checks what `--pr` needs before anything is written: a clean working tree
 * (uncommitted changes are named: they would not be in the pull request),
 * GitHub credentials, the GitHub repository (GITHUB_REPOSITORY, else the
 * `origin` remote's URL) reachable through the API with a short timeout, its
 * default branch (the base), the remote reachable, and a branch name free
 * locally and on the remote. `branch` may be a list: the first free name is
 * used.
 */
export async function preparePullRequest(
  root: string,
  env: GitHubEnv,
  branch: string | readonly string[],
  progress: Progress,
): Promise<PullRequestTarget> {
  const git = new GitBranch(root);
  const dirty = await git.uncommitted([]);
  if (dirty.length > 0) {
    const named = dirty.slice(0, NAMED_FILES).join(", ");
    const more = dirty.length > NAMED_FILES ? ` and ${dirty.length - NAMED_FILES} more` : "";
    throw new UsageError(
      `--pr makes its pull request from the default branch and commits only what it generates, but these files have uncommitted changes that would not be in it: ${named}${more}; commit them, or stash them (git stash -u), and run again`,
    );
  }
  const client = createGitHubClient(env);
  const url = await git.remoteUrl(REMOTE);
  const repository = parseRepository(env.GITHUB_REPOSITORY) ?? repositoryFromRemote(url);
  if (!repository)
    throw new UsageError(
      `cannot tell which GitHub repository ${REMOTE} (${url}) is: set GITHUB_REPOSITORY=owner/name`,
    );
  progress(`checking GitHub: ${repository.owner}/${repository.repo} at ${client.baseUrl}…`);
  const info = await readRepositoryInfo(client, repository);
  if (!info.canPush)
    throw new ToolError(
      `the GitHub credentials may not push to ${repository.owner}/${repository.repo}: use a token with contents: write and pull-requests: write`,
    );
  progress(`checking the remote ${REMOTE}…`);
  const heads = await git.remoteHeads(REMOTE);
  if (!heads.has(info.defaultBranch))
    throw new ToolError(
      `the remote ${REMOTE} (${url}) has no branch ${info.defaultBranch}, the default branch of ${repository.owner}/${repository.repo} on GitHub: is origin that repository? (set GITHUB_REPOSITORY when it is not the remote's)`,
    );
  const candidates = typeof branch === "string" ? [branch] : branch;
  for (const name of candidates) {
    if (!heads.has(name) && !(await git.branchExists(name, REMOTE)))
      return { git, client, repository, base: info.defaultBranch, branch: name, progress };
  }
  throw new UsageError(
    `the branch ${candidates.at(-1)} already exists: delete it (git branch -D ${candidates.at(-1)}) or merge its pull request first`,
  );
}

/** What a command made, to be committed: exactly these paths, with this title and pull-request summary. */
export interface ProposedChange {
  paths: readonly string[];
  title: string;
  summary: string;
}

/** What `--pr` did. */
export interface PublishedChange extends OpenedPullRequest {
  branch: string;
  base: string;
  commit: string;
}

/**
 * Makes a change as a pull request into the default branch without touching
 * the person's checkout: fetches the default branch, creates the new branch
 * from it in a temporary worktree, lets `make` write the change there,
 * commits exactly the paths it reports, pushes (`git push origin HEAD`) and
 * opens the pull request, whose body is the summary followed by the plan of
 * the change (as `idp plan` would comment it). The worktree is removed in
 * every case, and the new branch too unless it was pushed; when `make`
 * proposes nothing (refused, or nothing to do) nothing is committed.
 */
export async function proposeChange<T>(
  target: PullRequestTarget,
  make: (root: string) => Promise<{ result: T; change?: ProposedChange }>,
): Promise<{ result: T; published?: PublishedChange }> {
  const { git, progress, base, branch } = target;
  progress(`fetching ${base} from ${REMOTE}…`);
  await git.fetchBranch(base, REMOTE);
  const folder = mkdtempSync(join(tmpdir(), "idp-pr-"));
  let pushed = false;
  try {
    await git.addWorktree(folder, branch, `${REMOTE}/${base}`);
    progress(`branch ${branch} from ${REMOTE}/${base}`);
    const made = await make(folder);
    if (!made.change) return { result: made.result };
    const tree = new GitBranch(folder);
    const commit = await tree.commit(made.change.paths, made.change.title);
    progress(`committed ${made.change.paths.length} file${made.change.paths.length === 1 ? "" : "s"}`);
    await tree.pushHead(REMOTE);
    pushed = true;
    progress(`pushed ${branch} to ${REMOTE}`);
    progress("computing the plan for the pull request's body…");
    const published = await openFor(folder, target, made.change, commit);
    progress(`opened #${published.number}: ${published.url}`);
    return { result: made.result, published };
  } finally {
    await git.removeWorktree(folder).catch(() => undefined);
    if (!pushed) await git.deleteBranch(branch).catch(() => undefined);
  }
}

async function openFor(
  root: string,
  target: PullRequestTarget,
  change: ProposedChange,
  commit: string,
): Promise<PublishedChange> {
  let plan = "";
  try {
    plan = formatPlanMarkdown(await planChange(root, { base: `${REMOTE}/${target.base}` }));
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    plan = `_The plan could not be computed (${escapeMarkdown(reason)}); CI posts it on this pull request._\n`;
  }
  const body = `${change.summary.trimEnd()}\n\n${plan}`;
  try {
    const opened = await openPullRequest(target.client, {
      ...target.repository,
      title: change.title,
      head: target.branch,
      base: target.base,
      body,
    });
    return { ...opened, branch: target.branch, base: target.base, commit };
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new ToolError(
      `${message}; the branch ${target.branch} is pushed: open the pull request by hand, or delete the branch and rerun`,
      { cause },
    );
  }
}
