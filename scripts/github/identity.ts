import type { GitHubClient } from "./client.js";
import { isGitHubRequestError } from "./errors.js";

/** The account GitHub Actions' own GITHUB_TOKEN writes as. */
export const ACTIONS_BOT = "github-actions[bot]";

/**
 * The login our comments appear under, best effort: `<app-slug>[bot]` for a
 * GitHub App, the user for a personal token, `github-actions[bot]` for an
 * installation token that may not ask (GitHub answers 403 to it). Undefined
 * when GitHub will not say; callers then update nothing (a marker alone does
 * not make a comment ours). Only asked when a comment carries our marker.
 */
export async function whoAmI(client: GitHubClient): Promise<string | undefined> {
  try {
    if (client.auth === "app") {
      const { data } = await client.octokit.rest.apps.getAuthenticated();
      return data?.slug ? `${data.slug}[bot]` : undefined;
    }
    const { data } = await client.octokit.rest.users.getAuthenticated();
    return data.login;
  } catch (error) {
    if (isGitHubRequestError(error) && error.status === 403 && client.auth === "token") return ACTIONS_BOT;
    return undefined;
  }
}
