import type { GitHubClient } from "./client.js";
import { callGitHub, classifyGitHubError, isGitHubRequestError } from "./errors.js";
import { whoAmI } from "./identity.js";
import type { PullRequestRef } from "./pull-request.js";
import { describePullRequest } from "./pull-request.js";

/** GitHub refuses comment bodies longer than this (characters). */
export const MAX_COMMENT_LENGTH = 65_536;

/** What `upsertStickyComment` did. */
export interface StickyCommentResult {
  action: "created" | "updated";
  id: number;
  url: string;
}

/** An issue comment as far as finding ours goes. */
export interface ListedComment {
  id: number;
  body?: string | null | undefined;
  user?: { login: string } | null | undefined;
}

/**
 * Posts `body` as the pull request's one comment carrying `marker`: updates
 * our earlier comment that starts with the marker if there is one, creates
 * it otherwise, so re-runs never pile up duplicates. "Ours" means written by
 * the account the client is authenticated as (whoAmI): anyone can write a
 * comment that starts with the marker, and such a comment is left alone. Every
 * page of comments is read (100 a request). When GitHub will not say who we
 * are, nothing is updated and a new comment is created.
 */
export async function upsertStickyComment(
  client: GitHubClient,
  pr: PullRequestRef,
  marker: string,
  body: string,
): Promise<StickyCommentResult> {
  const where = describePullRequest(pr);
  const text = fitComment(body);
  const existing = await findStickyComment(client, pr, marker);
  if (existing) return updateComment(client, pr, existing.id, text);
  try {
    // Not retried blindly: a 5xx can come after GitHub stored the comment, and a retry would post it twice.
    return await createComment(client, pr, text, 0);
  } catch (error) {
    if (!isGitHubRequestError(error) || error.status < 500)
      throw classifyGitHubError(error, `comment on ${where}`);
    const landed = await findStickyComment(client, pr, marker);
    if (landed?.body === text) return { action: "created", id: landed.id, url: landed.html_url };
    if (landed) return updateComment(client, pr, landed.id, text);
    return callGitHub(`comment on ${where}`, () => createComment(client, pr, text));
  }
}

/**
 * The comment `upsertStickyComment` would update, reading every page of
 * comments: the oldest one that starts with the marker and was written by
 * the posting identity; undefined when there is none (or when GitHub will
 * not say who we are: then a marker alone proves nothing).
 */
export async function findStickyComment(client: GitHubClient, pr: PullRequestRef, marker: string) {
  const { octokit } = client;
  const comments = await callGitHub(`list the comments of ${describePullRequest(pr)}`, () =>
    octokit.paginate(octokit.rest.issues.listComments, {
      owner: pr.owner,
      repo: pr.repo,
      issue_number: pr.number,
      per_page: 100,
    }),
  );
  const candidates = comments.filter((c) => isMarked(c, marker));
  if (candidates.length === 0) return undefined;
  const login = await whoAmI(client);
  if (!login)
    client.notes.push("GitHub did not say which account this token writes as: posting a new comment");
  return chooseComment(candidates, login);
}

async function updateComment(
  client: GitHubClient,
  pr: PullRequestRef,
  id: number,
  text: string,
): Promise<StickyCommentResult> {
  const { data } = await callGitHub(`update comment ${id} on ${describePullRequest(pr)}`, () =>
    client.octokit.rest.issues.updateComment({ owner: pr.owner, repo: pr.repo, comment_id: id, body: text }),
  );
  return { action: "updated", id: data.id, url: data.html_url };
}

/** Creates the comment; `retries` overrides the client's retries of 5xx for this one request. */
async function createComment(
  client: GitHubClient,
  pr: PullRequestRef,
  text: string,
  retries?: number,
): Promise<StickyCommentResult> {
  const { data } = await client.octokit.rest.issues.createComment({
    owner: pr.owner,
    repo: pr.repo,
    issue_number: pr.number,
    body: text,
    ...(retries === undefined ? {} : { request: { retries } }),
  });
  return { action: "created", id: data.id, url: data.html_url };
}

/** True when the comment is one of ours: it starts with the marker (a quote of ours starts with "> "). */
export function isMarked(comment: ListedComment, marker: string): boolean {
  return comment.body?.trimStart().startsWith(marker) ?? false;
}

/**
 * Picks the comment to update among those carrying the marker (in the order
 * GitHub lists them, oldest first): the first written by `login`; none when
 * `login` is unknown or wrote none of them. Never a comment by someone else,
 * whatever it says.
 */
export function chooseComment<T extends ListedComment>(
  candidates: readonly T[],
  login: string | undefined,
): T | undefined {
  return login ? candidates.find((c) => c.user?.login === login) : undefined;
}

/** Cuts a body that GitHub would refuse for its length, saying so at the end. */
export function fitComment(body: string): string {
  if (body.length <= MAX_COMMENT_LENGTH) return body;
  const note =
    "\n\n… (cut: the comment was longer than GitHub allows; run `idp plan` locally for all of it)\n";
  return body.slice(0, MAX_COMMENT_LENGTH - note.length) + note;
}
