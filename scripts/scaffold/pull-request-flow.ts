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
import { formatPlanMarkdown } from "../plan/format-markdown.js";
import { escapeMarkdown } from "../plan/markdown-text.js";
import { planChange } from "../plan/plan-change.js";

/** Everything checked before a command changes anything, so `--pr` fails early and leaves no half-done work. */
export interface PullRequestTarget {
  git: GitBranch;
  client: GitHubClient;
  repository: RepositoryRef;
  /** The branch checked out now: the pull request's base. */
  base: string;
  /** The new branch the change goes on. */
  branch: string;
}

/**
 * Checks what `--pr` needs before anything is written: GitHub credentials,
 * the GitHub repository (GITHUB_REPOSITORY, else the `origin` remote's URL),
 * a checked-out branch, no uncommitted changes under `paths` (so the commit
 * holds only this change) and a branch name not taken yet. `branch` may be a
 * list: the first free name is used.
 */
export async function preparePullRequest(
  root: string,
  env: GitHubEnv,
  branch: string | readonly string[],
  paths: readonly string[],
): Promise<PullRequestTarget> {
  const client = createGitHubClient(env);
  const git = new GitBranch(root);
  const url = await git.remoteUrl("origin");
  const repository = parseRepository(env.GITHUB_REPOSITORY) ?? repositoryFromRemote(url);
  if (!repository)
    throw new UsageError(
      `cannot tell which GitHub repository origin (${url}) is: set GITHUB_REPOSITORY=owner/name`,
    );
  const base = await git.currentBranch();
  const dirty = await git.uncommitted(paths);
  if (dirty.length > 0)
    throw new UsageError(
      `--pr commits only this change, but ${dirty.slice(0, 5).join(", ")}${dirty.length > 5 ? " ..." : ""} has uncommitted changes: commit or stash them first`,
    );
  const candidates = typeof branch === "string" ? [branch] : branch;
  for (const name of candidates) {
    if (!(await git.branchExists(name))) return { git, client, repository, base, branch: name };
  }
  throw new UsageError(
    `the branch ${candidates.at(-1)} already exists: delete it (git branch -D ${candidates.at(-1)}) or merge its pull request first`,
  );
}

/** What `--pr` did. */
export interface PublishedChange extends OpenedPullRequest {
  branch: string;
  base: string;
  commit: string;
}

/**
 * Puts the written change on the prepared branch, commits exactly `paths`,
 * pushes (`git push origin HEAD`) and opens the pull request. The body is
 * `summary` followed by the plan of the change (as `idp plan` would comment
 * it); when the plan cannot be made the summary alone is used.
 */
export async function publishChange(
  root: string,
  target: PullRequestTarget,
  change: { paths: readonly string[]; title: string; summary: string },
): Promise<PublishedChange> {
  await target.git.createBranch(target.branch);
  const commit = await target.git.commit(change.paths, change.title);
  await target.git.pushHead("origin");
  let plan = "";
  try {
    plan = formatPlanMarkdown(await planChange(root, { base: target.base }));
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
