import { UsageError } from "../errors.js";

/** A pull request on GitHub: `owner/repo#number`. */
export interface PullRequestRef {
  owner: string;
  repo: string;
  number: number;
}

/** "acme/shop#7", for messages. */
export function describePullRequest(pr: PullRequestRef): string {
  return `${pr.owner}/${pr.repo}#${pr.number}`;
}

// GitHub's own limits: owners are alphanumerics and hyphens, repository names add "." and "_".
const REPOSITORY = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/;

/** Reads `--repo owner/name` and `--pr N` into a reference, refusing anything GitHub could not mean. */
export function parsePullRequest(
  repository: string | undefined,
  pr: string | number | undefined,
): PullRequestRef {
  if (!repository) throw new UsageError("--repo is required (owner/name), or set GITHUB_REPOSITORY");
  const match = REPOSITORY.exec(repository.trim());
  if (!match?.[1] || !match[2] || match[2] === "." || match[2] === "..")
    throw new UsageError(`--repo must be owner/name, got "${repository}"`);
  const number = typeof pr === "number" ? pr : Number(pr?.trim());
  if (pr === undefined || pr === "") throw new UsageError("--pr is required: the pull request number");
  if (!Number.isSafeInteger(number) || number < 1)
    throw new UsageError(`--pr must be a pull request number, got "${pr}"`);
  return { owner: match[1], repo: match[2], number };
}
