import type { GitHubClient } from "./client.js";
import { callGitHub } from "./errors.js";
import type { RepositoryRef } from "./pull-request-open.js";

/** What `--pr` needs to know about the repository before it changes anything. */
export interface RepositoryInfo {
  /** The branch pull requests go into: GitHub's default branch, not whatever is checked out. */
  defaultBranch: string;
  /** False when GitHub says the credentials may not push (absent from the answer: unknown, assumed true). */
  canPush: boolean;
}

/** How long the reachability check may take: a person is waiting, and nothing has been done yet. */
export const PREFLIGHT_TIMEOUT_MS = 10_000;

/**
 * Asks GitHub for the repository (GET /repos/{owner}/{repo}) once, without
 * retries and with a short timeout: it proves the credentials work and the
 * API is reachable, and names the default branch. Failures are ToolErrors.
 */
export async function readRepositoryInfo(
  client: GitHubClient,
  repository: RepositoryRef,
  timeoutMs = PREFLIGHT_TIMEOUT_MS,
): Promise<RepositoryInfo> {
  const response = await callGitHub(
    `reach ${repository.owner}/${repository.repo} at ${client.baseUrl} (within ${timeoutMs / 1000}s)`,
    () =>
      client.octokit.rest.repos.get({
        ...repository,
        request: { retries: 0, signal: AbortSignal.timeout(timeoutMs) },
      }),
    { retried: false },
  );
  return {
    defaultBranch: response.data.default_branch,
    canPush: response.data.permissions?.push !== false,
  };
}
