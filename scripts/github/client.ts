import { createAppAuth } from "@octokit/auth-app";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import { ToolError } from "../errors.js";
import { spacedGroup } from "./spacing.js";

const GitHubOctokit = Octokit.plugin(retry, throttling);

/** An Octokit with the REST methods, retries (5xx, network) and rate-limit handling. */
export type GitHubOctokit = InstanceType<typeof GitHubOctokit>;

/** The environment variables the client reads; `process.env` fits. */
export type GitHubEnv = Readonly<Record<string, string | undefined>>;

/** A configured client and how it authenticates, for messages and for finding "our" comments. */
export interface GitHubClient {
  octokit: GitHubOctokit;
  /** The REST API root, without a trailing slash: https://api.github.com or https://ghe.example.com/api/v3. */
  baseUrl: string;
  auth: "token" | "app";
  /** Rate-limit waits and library warnings, in order, for a person reading the log. */
  notes: string[];
}

/** The default API root; GitHub Enterprise Server sets `GITHUB_API_URL` (Actions does it for you). */
export const DEFAULT_API_URL = "https://api.github.com";

/** How many times a request refused by a rate limit is retried before giving up. */
export const RATE_LIMIT_RETRIES = 2;

/** How many times a 5xx or network failure is retried (backoff 1, 4, 9 time units). */
export const SERVER_ERROR_RETRIES = 3;

/** The longest wait (in seconds, as GitHub asks for it) we accept before a rate-limit retry. */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 120;

/** How long one attempt may take before it is aborted (and retried as a network failure). */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Creates the GitHub client from the environment:
 *
 * - `GITHUB_API_URL`: the API root (default https://api.github.com);
 * - `GITHUB_TOKEN`: a token; or, for higher rate limits, GitHub App
 *   credentials `GITHUB_APP_ID`, `GITHUB_APP_PRIVATE_KEY` (PEM; `\n` escapes
 *   are accepted) and `GITHUB_APP_INSTALLATION_ID`, which win when all three
 *   are set;
 * - `IDP_GITHUB_RETRY_DELAY_MS`: how many milliseconds stand for one second
 *   of waiting (retry-after, backoff, write spacing); default 1000, tests set 1.
 *
 * Rate limits (primary and secondary) are retried `RATE_LIMIT_RETRIES` times
 * when GitHub asks for a wait of at most `MAX_RATE_LIMIT_WAIT_SECONDS`; 5xx
 * and network failures `SERVER_ERROR_RETRIES` times with backoff; writes are
 * spaced as GitHub recommends (one a second, one every three for those that
 * notify people).
 */
export function createGitHubClient(env: GitHubEnv): GitHubClient {
  const baseUrl = (env.GITHUB_API_URL?.trim() || DEFAULT_API_URL).replace(/\/+$/, "");
  if (!/^https?:\/\//.test(baseUrl))
    throw new ToolError(`GITHUB_API_URL must be an http(s) URL, got "${baseUrl}"`);
  const unitMs = timeUnit(env.IDP_GITHUB_RETRY_DELAY_MS);
  const notes: string[] = [];
  const credentials = readCredentials(env);
  const limitHandler =
    (kind: string) =>
    (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const retrying = retryCount < RATE_LIMIT_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS;
      notes.push(
        `${kind} rate limit on ${options.method} ${options.url}: ${retrying ? `retrying in ${retryAfter}s` : "giving up"}`,
      );
      return retrying;
    };
  const octokit = new GitHubOctokit({
    baseUrl,
    userAgent: "idp-platform",
    ...(credentials.kind === "app"
      ? { authStrategy: createAppAuth, auth: credentials.app }
      : { auth: credentials.token }),
    log: {
      debug: () => {},
      info: () => {},
      warn: (message: string) => notes.push(message),
      error: (message: string) => notes.push(message),
    },
    request: { fetch: fetchWithTimeout },
    retry: {
      retries: SERVER_ERROR_RETRIES,
      retryAfterBaseValue: unitMs,
      // The throttling plugin owns 403/429 (rate limits); the rest of these are final answers.
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
    },
    throttle: {
      retryAfterBaseValue: unitMs,
      write: spacedGroup(unitMs),
      notifications: spacedGroup(3 * unitMs),
      onRateLimit: limitHandler("primary"),
      onSecondaryRateLimit: limitHandler("secondary"),
    },
  });
  return { octokit, baseUrl, auth: credentials.kind, notes };
}

type Credentials =
  | { kind: "token"; token: string }
  | { kind: "app"; app: { appId: string; privateKey: string; installationId: string } };

function readCredentials(env: GitHubEnv): Credentials {
  const app = {
    GITHUB_APP_ID: env.GITHUB_APP_ID?.trim(),
    GITHUB_APP_PRIVATE_KEY: env.GITHUB_APP_PRIVATE_KEY?.trim(),
    GITHUB_APP_INSTALLATION_ID: env.GITHUB_APP_INSTALLATION_ID?.trim(),
  };
  const missing = Object.entries(app)
    .filter(([, value]) => !value)
    .map(([name]) => name);
  if (
    missing.length === 0 &&
    app.GITHUB_APP_ID &&
    app.GITHUB_APP_PRIVATE_KEY &&
    app.GITHUB_APP_INSTALLATION_ID
  ) {
    if (!/^\d+$/.test(app.GITHUB_APP_INSTALLATION_ID))
      throw new ToolError(
        `GITHUB_APP_INSTALLATION_ID must be a number, got "${app.GITHUB_APP_INSTALLATION_ID}"`,
      );
    return {
      kind: "app",
      app: {
        appId: app.GITHUB_APP_ID,
        // Secrets pasted into one-line variables often carry "\n" instead of newlines.
        privateKey: app.GITHUB_APP_PRIVATE_KEY.replace(/\\n/g, "\n"),
        installationId: app.GITHUB_APP_INSTALLATION_ID,
      },
    };
  }
  const token = env.GITHUB_TOKEN?.trim();
  if (token) return { kind: "token", token };
  if (missing.length < 3)
    throw new ToolError(
      `GitHub App credentials are incomplete: set ${missing.join(" and ")} (or GITHUB_TOKEN)`,
    );
  throw new ToolError(
    "no GitHub credentials: set GITHUB_TOKEN, or GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID",
  );
}

function timeUnit(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return 1000;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new ToolError(`IDP_GITHUB_RETRY_DELAY_MS must be a number of milliseconds, got "${raw}"`);
  return value;
}

function fetchWithTimeout(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  return fetch(input, { ...init, signal });
}
