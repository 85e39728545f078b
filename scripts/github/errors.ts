import { ToolError } from "../errors.js";

/** The parts of an `@octokit/request-error` RequestError we read (duck-typed: it is not a direct dependency). */
export interface GitHubRequestError {
  status: number;
  message: string;
  response?: { headers: Record<string, string | number | undefined>; data?: unknown } | undefined;
}

/** True for an error raised by Octokit for an HTTP failure (or a network failure, which Octokit reports as 500). */
export function isGitHubRequestError(error: unknown): error is GitHubRequestError {
  return (
    error instanceof Error &&
    error.name === "HttpError" &&
    typeof (error as Partial<GitHubRequestError>).status === "number"
  );
}

/**
 * True when GitHub refused because a rate limit is exhausted (primary: no
 * requests left; secondary: too many too fast). Such refusals come as 403 or
 * 429 and are retried by the throttling plugin before they reach us.
 */
export function isRateLimitError(error: GitHubRequestError): boolean {
  if (error.status !== 403 && error.status !== 429) return false;
  const headers = error.response?.headers ?? {};
  return (
    String(headers["x-ratelimit-remaining"]) === "0" ||
    headers["retry-after"] !== undefined ||
    /rate limit/i.test(error.message)
  );
}

/**
 * Turns whatever a GitHub call threw into a ToolError that says what we were
 * doing, why GitHub refused and what to do. `doing` reads as "update comment
 * 123 on acme/shop#7". Called once, where a call to GitHub is made; retries
 * have already happened by then, so every error here is final (exit 2).
 */
export function classifyGitHubError(error: unknown, doing: string, retried = true): ToolError {
  if (error instanceof ToolError) return error;
  if (!isGitHubRequestError(error)) {
    return new ToolError(`could not ${doing}: unexpected failure talking to GitHub`, { cause: error });
  }
  return new ToolError(`could not ${doing}: ${explainStatus(error, retried)}`, { cause: error });
}

function explainStatus(error: GitHubRequestError, retried: boolean): string {
  const status = error.status;
  if (isRateLimitError(error)) return `GitHub's rate limit is exhausted (${status}) ${rateLimitReset(error)}`;
  if (status === 401) return "GitHub said 401: GITHUB_TOKEN is missing, expired or wrong";
  if (status === 403)
    return "GitHub said 403: the token lacks permission: the workflow needs pull-requests: write and checks: write (or statuses: write)";
  if (status === 404)
    return "GitHub said 404: repository or pull request not found, or the token cannot see it";
  if (status === 422) return `GitHub said 422: ${validationMessage(error)}`;
  if (status >= 500 && error.response === undefined)
    return `GitHub could not be reached (network failure${retried ? ", retried" : ""}); check GITHUB_API_URL and the network`;
  if (status >= 500)
    return `GitHub failed with ${status}${retried ? " even after retries" : ""}; try again later (https://www.githubstatus.com)`;
  return `GitHub said ${status}`;
}

function rateLimitReset(error: GitHubRequestError): string {
  const reset = Number(error.response?.headers["x-ratelimit-reset"]);
  const when =
    Number.isFinite(reset) && reset > 0 ? `until ${new Date(reset * 1000).toISOString()}` : "for now";
  return `${when}; retry later, or use GitHub App credentials (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY, GITHUB_APP_INSTALLATION_ID) for higher limits`;
}

/** GitHub's 422 body: `{message, errors: [{resource, field, code, message?}]}`; keep what a person can act on. */
function validationMessage(error: GitHubRequestError): string {
  const data = error.response?.data as
    | { message?: unknown; errors?: Array<{ message?: unknown; field?: unknown; code?: unknown } | string> }
    | undefined;
  const details = (Array.isArray(data?.errors) ? data.errors : [])
    .map((e) =>
      typeof e === "string"
        ? e
        : typeof e.message === "string"
          ? e.message
          : [e.field, e.code].filter((p) => typeof p === "string").join(" "),
    )
    .filter(Boolean);
  const message = typeof data?.message === "string" ? data.message : "Validation Failed";
  return details.length > 0 ? `${message}: ${details.join("; ")}` : message;
}

/**
 * Runs one GitHub operation and classifies any failure. Every call from
 * `scripts/github/` goes through here, so no raw Octokit error escapes.
 */
export async function callGitHub<T>(
  doing: string,
  operation: () => Promise<T>,
  { retried = true }: { retried?: boolean } = {},
): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw classifyGitHubError(error, doing, retried);
  }
}
