import type { GitHubClient } from "./client.js";
import { callGitHub } from "./errors.js";

/** A repository on GitHub. */
export interface RepositoryRef {
  owner: string;
  repo: string;
}

/** What a new pull request is. */
export interface NewPullRequest extends RepositoryRef {
  title: string;
  /** The branch with the change (already pushed). */
  head: string;
  /** The branch it is to be merged into. */
  base: string;
  body: string;
}

/** A pull request GitHub created. */
export interface OpenedPullRequest {
  number: number;
  url: string;
}

/** GitHub refuses bodies longer than this. */
const BODY_LIMIT = 65_536;

/** Opens a pull request from `head` into `base`; failures are classified (ToolError, exit 2). */
export async function openPullRequest(
  client: GitHubClient,
  request: NewPullRequest,
): Promise<OpenedPullRequest> {
  const body =
    request.body.length > BODY_LIMIT
      ? `${request.body.slice(0, BODY_LIMIT - 40)}\n\n_(truncated by idp)_\n`
      : request.body;
  const response = await callGitHub(
    `open a pull request from ${request.head} into ${request.base} on ${request.owner}/${request.repo}`,
    () =>
      client.octokit.rest.pulls.create({
        owner: request.owner,
        repo: request.repo,
        title: request.title,
        head: request.head,
        base: request.base,
        body,
      }),
  );
  return { number: response.data.number, url: response.data.html_url };
}

const NAME = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/;

/** Reads "owner/name" (GITHUB_REPOSITORY); undefined when it is not one. */
export function parseRepository(text: string | undefined): RepositoryRef | undefined {
  const match = NAME.exec(text?.trim() ?? "");
  if (!match?.[1] || !match[2] || match[2] === "." || match[2] === "..") return undefined;
  return { owner: match[1], repo: match[2] };
}

/**
 * The GitHub repository a git remote URL points at: `git@github.com:acme/platform.git`,
 * `https://github.com/acme/platform.git`, `ssh://git@ghe.example.com/acme/platform`.
 * Undefined for anything else (a local path).
 */
export function repositoryFromRemote(url: string): RepositoryRef | undefined {
  const match = /^(?:[a-z+]+:\/\/)?(?:[^@/]+@)?[^:/]+[:/](?:\d+\/)?([^/]+\/[^/]+?)(?:\.git)?\/?$/.exec(
    url.trim(),
  );
  return match?.[1] ? parseRepository(match[1]) : undefined;
}
