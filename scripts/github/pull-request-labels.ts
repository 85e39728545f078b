import type { GitHubClient } from "./client.js";
import { callGitHub } from "./errors.js";
import { describePullRequest, type PullRequestRef } from "./pull-request.js";

/**
 * The names of the labels on a pull request, as GitHub has them now. Labels
 * are set through the API by people the repository lets label (triage
 * permission and up), never by the pull request's files or description, so
 * a label can stand for a decision a pull request cannot make about itself.
 */
export async function readPullRequestLabels(client: GitHubClient, pr: PullRequestRef): Promise<string[]> {
  const { octokit } = client;
  const labels = await callGitHub(`list the labels of ${describePullRequest(pr)}`, () =>
    octokit.paginate(octokit.rest.issues.listLabelsOnIssue, {
      owner: pr.owner,
      repo: pr.repo,
      issue_number: pr.number,
      per_page: 100,
    }),
  );
  return labels.map((label) => label.name);
}
