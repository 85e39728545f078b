import { type CheckAnnotation, inBatches } from "./annotations.js";
import type { GitHubClient } from "./client.js";
import { callGitHub, classifyGitHubError, isGitHubRequestError, isRateLimitError } from "./errors.js";

/** The name of our check run, and the context of the commit status that stands in for it. */
export const CHECK_NAME = "idp plan";

/** GitHub refuses commit status descriptions longer than this. */
export const MAX_STATUS_DESCRIPTION = 140;

/** The check to publish on a commit. */
export interface CheckInput {
  owner: string;
  repo: string;
  /** The commit the check is about: the pull request's head. */
  sha: string;
  ok: boolean;
  /** One line: the verdict. */
  title: string;
  /** Markdown shown on the check's page. */
  summary: string;
  annotations: readonly CheckAnnotation[];
  /** Where "Details" leads: the plan comment. */
  detailsUrl?: string;
}

/** What `publishCheck` created. */
export type CheckResult =
  | { kind: "check-run"; id: number; url: string; annotations: number; requests: number }
  | { kind: "status"; state: "success" | "failure" };

/**
 * Creates the completed check run `idp plan` on the commit with the verdict as
 * its conclusion and the annotations in batches of 50 (the API's limit per
 * request): the first batch with the creation, each next one with an update,
 * which appends. Where check runs are not allowed (403 from the Checks API: a
 * personal token, a token without `checks: write`, an Enterprise server
 * without them), a commit status with the same context and verdict stands in.
 */
export async function publishCheck(client: GitHubClient, input: CheckInput): Promise<CheckResult> {
  const { octokit } = client;
  const { owner, repo } = input;
  const batches = inBatches(input.annotations);
  const output = (annotations: CheckAnnotation[] | undefined) => ({
    title: input.title,
    summary: input.summary,
    ...(annotations ? { annotations } : {}),
  });
  let created: { id: number; html_url: string | null };
  try {
    ({ data: created } = await octokit.rest.checks.create({
      owner,
      repo,
      name: CHECK_NAME,
      head_sha: input.sha,
      status: "completed",
      conclusion: input.ok ? "success" : "failure",
      completed_at: new Date().toISOString(),
      ...(input.detailsUrl ? { details_url: input.detailsUrl } : {}),
      output: output(batches[0]),
    }));
  } catch (error) {
    if (isGitHubRequestError(error) && error.status === 403 && !isRateLimitError(error))
      return publishStatus(client, input);
    throw classifyGitHubError(error, `create the check run on ${owner}/${repo}@${input.sha.slice(0, 12)}`);
  }
  for (const [index, batch] of batches.entries()) {
    if (index === 0) continue;
    await callGitHub(`add annotations to check run ${created.id} on ${owner}/${repo}`, () =>
      octokit.rest.checks.update({ owner, repo, check_run_id: created.id, output: output(batch) }),
    );
  }
  return {
    kind: "check-run",
    id: created.id,
    url: created.html_url ?? "",
    annotations: input.annotations.length,
    requests: Math.max(1, batches.length),
  };
}

async function publishStatus(client: GitHubClient, input: CheckInput): Promise<CheckResult> {
  const state = input.ok ? "success" : "failure";
  const description =
    input.title.length > MAX_STATUS_DESCRIPTION
      ? `${input.title.slice(0, MAX_STATUS_DESCRIPTION - 1)}…`
      : input.title;
  await callGitHub(`set the commit status on ${input.owner}/${input.repo}@${input.sha.slice(0, 12)}`, () =>
    client.octokit.rest.repos.createCommitStatus({
      owner: input.owner,
      repo: input.repo,
      sha: input.sha,
      state,
      context: CHECK_NAME,
      description,
      ...(input.detailsUrl ? { target_url: input.detailsUrl } : {}),
    }),
  );
  return { kind: "status", state };
}
