import { escapeMarkdown } from "../plan/markdown-text.js";
import { plural } from "../report/text.js";
import { MAX_ANNOTATIONS, toAnnotations } from "./annotations.js";
import { type CheckResult, publishCheck } from "./check-run.js";
import type { GitHubClient } from "./client.js";
import { PLAN_MARKER, type PlanReport } from "./plan-report.js";
import type { PullRequestRef } from "./pull-request.js";
import { type StickyCommentResult, upsertStickyComment } from "./sticky-comment.js";

/** What publishing a plan did on GitHub. */
export interface PublishResult {
  comment: StickyCommentResult;
  check: CheckResult;
}

/**
 * Publishes a plan on its pull request: the sticky comment (created or
 * updated), then the check run on `sha` with the verdict and the findings
 * as annotations (or a commit status where check runs are not allowed).
 * The comment goes first so the check can link to it.
 */
export async function publishPlan(
  client: GitHubClient,
  pr: PullRequestRef,
  plan: PlanReport,
  sha: string,
): Promise<PublishResult> {
  const comment = await upsertStickyComment(client, pr, PLAN_MARKER, plan.markdown);
  const annotations = toAnnotations(plan.diagnostics).slice(0, MAX_ANNOTATIONS);
  const check = await publishCheck(client, {
    owner: pr.owner,
    repo: pr.repo,
    sha,
    ok: plan.verdict.ok,
    title: plan.verdict.summary,
    summary: checkSummary(plan, comment.url, annotations.length),
    annotations,
    detailsUrl: comment.url,
  });
  return { comment, check };
}

/** The Markdown on the check's page: verdict, counts, and where the whole plan is. */
export function checkSummary(plan: PlanReport, commentUrl: string, annotated: number): string {
  const errors = plan.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = plan.diagnostics.length - errors;
  const lines = [
    `**${plan.verdict.ok ? "✅" : "❌"} ${escapeMarkdown(plan.verdict.summary)}**`,
    "",
    `${plural(errors, "error")}, ${plural(warnings, "warning")}.`,
  ];
  if (annotated < plan.diagnostics.length)
    lines.push(
      `The first ${annotated} findings are annotated on the changed lines; the comment lists all of them.`,
    );
  lines.push(
    "",
    `The whole plan (changes per environment and service) is in [the pull-request comment](${commentUrl}).`,
  );
  return lines.join("\n");
}
