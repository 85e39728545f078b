import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { ToolError, UsageError } from "../errors.js";
import { createGitHubClient, type GitHubEnv } from "../github/client.js";
import { parsePlanReport } from "../github/plan-report.js";
import { type PublishResult, publishPlan } from "../github/publish-plan.js";
import { describePullRequest, parsePullRequest } from "../github/pull-request.js";
import type { OutputFormat } from "../report/format.js";
import type { CommandResult } from "./result.js";

/** Options of `idp comment`. */
export interface CommentOptions {
  /** The pull request number (`--pr`). */
  pr: string | number;
  /** `owner/name` (`--repo`); default `GITHUB_REPOSITORY`. */
  repo?: string;
  /** The plan written by `idp plan --format json` (`--plan`); default plan.json. */
  plan?: string;
  /** The commit to put the check on (`--sha`); default the plan's `headSha`, else `GITHUB_SHA`. */
  sha?: string;
  /** `json` prints what was done as one object; anything else prints a line for people. */
  format?: OutputFormat;
  /** Resolves a relative `--plan`; default the current folder. */
  cwd?: string;
  /** Credentials and endpoints (see createGitHubClient); default `process.env`. */
  env?: GitHubEnv;
}

/**
 * `idp comment`: publishes a plan made by `idp plan --format json` on its pull
 * request: one sticky comment (updated in place on every run) and a check run
 * with the findings as annotations, or a commit status where check runs are
 * not allowed. It reads only the plan file, never the pull request's code, so
 * it is safe in a privileged workflow. Exit 0 when published; GitHub refusing
 * (after retries) is a ToolError, exit 2. The verdict itself does not set the
 * exit code: the check run carries it.
 */
export async function commentCommand(options: CommentOptions): Promise<CommandResult> {
  const env = options.env ?? process.env;
  const pr = parsePullRequest(options.repo ?? env.GITHUB_REPOSITORY, options.pr);
  const planFile = resolve(options.cwd ?? process.cwd(), options.plan ?? "plan.json");
  const plan = parsePlanReport(await readPlanFile(planFile), options.plan ?? "plan.json");
  const sha = (options.sha ?? plan.headSha ?? env.GITHUB_SHA)?.trim();
  if (!sha) throw new UsageError("--sha is required: the plan has no headSha and GITHUB_SHA is not set");
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(sha))
    throw new UsageError(`--sha must be a full commit SHA (40 hex digits), got "${sha}"`);
  const client = createGitHubClient(env);
  const result = await publishPlan(client, pr, plan, sha);
  const notes = client.notes.map((note) => `note: ${note}\n`).join("");
  if (options.format === "json")
    return { exitCode: 0, stdout: `${JSON.stringify(describeJson(result), null, 2)}\n`, stderr: notes };
  return { exitCode: 0, stdout: `${describeResult(result)} on ${describePullRequest(pr)}\n`, stderr: notes };
}

async function readPlanFile(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new ToolError(
      missing
        ? `the plan file ${file} does not exist: write it with idp plan --format json > plan.json, or pass --plan`
        : `could not read the plan file ${file}`,
      { cause: error },
    );
  }
}

/** "updated comment 123, check run 456 with 73 annotations". */
function describeResult(result: PublishResult): string {
  const comment = `${result.comment.action} comment ${result.comment.id}`;
  const check = result.check;
  if (check.kind === "status") return `${comment}, commit status "${check.state}" (check runs not allowed)`;
  return `${comment}, check run ${check.id} with ${check.annotations} annotation${check.annotations === 1 ? "" : "s"}`;
}

function describeJson(result: PublishResult): unknown {
  return { comment: result.comment, check: result.check };
}
