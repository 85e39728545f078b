import { resolve } from "node:path";
import { UsageError } from "../errors.js";
import { createGitHubClient, type GitHubEnv } from "../github/client.js";
import { readPlanFile } from "../github/plan-file.js";
import { type PlanReading, parsePlanReport, refusedPlanReport } from "../github/plan-report.js";
import { MAX_PLAN_BYTES } from "../github/plan-schema.js";
import { type PublishResult, publishPlan } from "../github/publish-plan.js";
import { describePullRequest, type PullRequestRef, parsePullRequest } from "../github/pull-request.js";
import { ALLOW_DESTROY_LABEL } from "../plan/destruction.js";
import type { SourceLinks } from "../plan/format-markdown.js";
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
 * it is safe in a privileged workflow.
 *
 * In pr-comment.yml the plan is the one that job computed itself with
 * `idp plan --rules base-only` on the pull request's head read as data; the
 * file is still treated as untrusted data wherever it comes from: it is read
 * only up to MAX_PLAN_BYTES, checked against a strict schema, and the verdict
 * and the comment are recomputed from its structured data by our own code;
 * its `verdict` and `markdown` are never used. A refused file is published as
 * a failed check run and a comment saying why, and the command exits 1. Exit
 * 0 when a plan was published (its verdict does not set the exit code: the
 * check run carries it); GitHub refusing (after retries) is a ToolError, exit 2.
 */
export async function commentCommand(options: CommentOptions): Promise<CommandResult> {
  const env = options.env ?? process.env;
  const pr = parsePullRequest(options.repo ?? env.GITHUB_REPOSITORY, options.pr);
  const name = options.plan ?? "plan.json";
  const given = options.sha?.trim();
  if (given !== undefined) checkSha(given);
  const read = await readPlanFile(resolve(options.cwd ?? process.cwd(), name), MAX_PLAN_BYTES, name);
  const links = sourceLinks(env, pr, given);
  const reading: PlanReading =
    read.refused === undefined
      ? parsePlanReport(read.text, name, links ? { links } : {})
      : { refused: read.refused };
  const plan = reading.refused === undefined ? reading.report : refusedPlanReport(reading.refused);
  const sha = given ?? plan.headSha ?? env.GITHUB_SHA?.trim();
  if (!sha) throw new UsageError("--sha is required: the plan has no headSha and GITHUB_SHA is not set");
  checkSha(sha);
  const client = createGitHubClient(env);
  const result = await publishPlan(client, pr, plan, sha);
  const notes = client.notes.map((note) => `note: ${note}\n`).join("");
  const refusal =
    reading.refused === undefined
      ? ""
      : `idp comment: refused the plan: ${reading.refused}; published a failed check and a comment saying so\n`;
  const exitCode = reading.refused === undefined ? 0 : 1;
  const stdout =
    options.format === "json"
      ? `${JSON.stringify(describeJson(result, reading.refused), null, 2)}\n`
      : `${describeResult(result)} on ${describePullRequest(pr)}\n`;
  return { exitCode, stdout, stderr: notes + refusal };
}

function checkSha(sha: string): void {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(sha))
    throw new UsageError(
      `--sha must be a full commit SHA (40 hex digits), got "${sha.replace(/[^\x20-\x7e]/g, "?")}"`,
    );
}

/**
 * Where findings link to: the pull request's repository on GITHUB_SERVER_URL
 * (when it is a plain http(s) origin) at `--sha`, or at the plan's head when
 * no `--sha` was given.
 */
function sourceLinks(
  env: GitHubEnv,
  pr: PullRequestRef,
  sha: string | undefined,
): (Omit<SourceLinks, "sha"> & { sha?: string }) | undefined {
  const server = env.GITHUB_SERVER_URL;
  if (!server || !/^https?:\/\/[A-Za-z0-9.:-]+\/?$/.test(server)) return undefined;
  return { server, repository: `${pr.owner}/${pr.repo}`, ...(sha ? { sha } : {}) };
}

/** "updated comment 123, check run 456 with 73 annotations". */
function describeResult(result: PublishResult): string {
  const comment = `${result.comment.action} comment ${result.comment.id}`;
  const check = result.check;
  const gate = result.destruction
    ? result.destruction.acknowledged
      ? ` (destructive, acknowledged by ${result.destruction.by})`
      : ` (destructive and not acknowledged: failing until a maintainer adds the ${ALLOW_DESTROY_LABEL} label)`
    : "";
  if (check.kind === "status")
    return `${comment}, commit status "${check.state}" (check runs not allowed)${gate}`;
  return `${comment}, check run ${check.id} with ${check.annotations} annotation${check.annotations === 1 ? "" : "s"}${gate}`;
}

function describeJson(result: PublishResult, refused: string | undefined): unknown {
  return {
    comment: result.comment,
    check: result.check,
    ...(result.destruction ? { destruction: result.destruction } : {}),
    ...(refused === undefined ? {} : { refused }),
  };
}
