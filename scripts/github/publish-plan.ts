import { ALLOW_DESTROY_LABEL, DESTRUCTION_RULE, describeDestruction } from "../plan/destruction.js";
import { code, escapeMarkdown } from "../plan/markdown-text.js";
import { DESTRUCTIVE_MARK } from "../plan/verdict.js";
import { plural } from "../report/text.js";
import { MAX_ANNOTATIONS, toAnnotations } from "./annotations.js";
import { type CheckResult, publishCheck } from "./check-run.js";
import type { GitHubClient } from "./client.js";
import { PLAN_MARKER, type PlanReport } from "./plan-report.js";
import type { PullRequestRef } from "./pull-request.js";
import { readPullRequestLabels } from "./pull-request-labels.js";
import { type StickyCommentResult, upsertStickyComment } from "./sticky-comment.js";

/** What publishing a plan did on GitHub. */
export interface PublishResult {
  comment: StickyCommentResult;
  check: CheckResult;
  /** For a destructive plan: whether, and by what, the platform acknowledged it. */
  destruction?: DestructionGate;
}

/** Whether a destructive plan may pass its check, and why. */
export interface DestructionGate {
  acknowledged: boolean;
  /** "label idp/allow-destroy", "exception …", or what is missing. */
  by: string;
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
  // Read before anything is written: a failure to read labels leaves no half-published plan.
  const gate =
    plan.verdict.destructive && plan.verdict.ok ? await gateDestruction(client, pr, plan) : undefined;
  const comment = await upsertStickyComment(client, pr, PLAN_MARKER, plan.markdown);
  const annotations = toAnnotations(plan.diagnostics).slice(0, MAX_ANNOTATIONS);
  const check = await publishCheck(client, {
    owner: pr.owner,
    repo: pr.repo,
    sha,
    ok: plan.verdict.ok && (gate?.acknowledged ?? true),
    title:
      gate?.acknowledged && plan.destruction
        ? `${DESTRUCTIVE_MARK}, acknowledged by ${gate.by}: ${describeDestruction(plan.destruction)}`
        : plan.verdict.summary,
    summary: checkSummary(plan, comment.url, annotations.length, gate),
    annotations,
    detailsUrl: comment.url,
  });
  return { comment, check, ...(gate ? { destruction: gate } : {}) };
}

/**
 * A destructive plan passes its check only when the platform acknowledged
 * it: by a PLAN001 exception of the base (the plan found it) or by the
 * ALLOW_DESTROY_LABEL label on the pull request, read from the API now.
 * Nothing in the pull request's files can do either.
 */
async function gateDestruction(
  client: GitHubClient,
  pr: PullRequestRef,
  plan: PlanReport,
): Promise<DestructionGate> {
  const exception = plan.destruction?.acknowledged;
  if (exception) return { acknowledged: true, by: `a ${DESTRUCTION_RULE} exception of the base branch` };
  const labels = await readPullRequestLabels(client, pr);
  if (labels.includes(ALLOW_DESTROY_LABEL))
    return { acknowledged: true, by: `the ${ALLOW_DESTROY_LABEL} label` };
  return {
    acknowledged: false,
    by: `neither the ${ALLOW_DESTROY_LABEL} label nor a ${DESTRUCTION_RULE} exception`,
  };
}

/** The Markdown on the check's page: verdict, counts, and where the whole plan is. */
export function checkSummary(
  plan: PlanReport,
  commentUrl: string,
  annotated: number,
  gate?: DestructionGate,
): string {
  const errors = plan.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = plan.diagnostics.length - errors;
  const passes = plan.verdict.ok && (gate?.acknowledged ?? true);
  const lines = [
    `**${passes ? "✅" : "❌"} ${escapeMarkdown(plan.verdict.summary)}**`,
    "",
    `${plural(errors, "error")}, ${plural(warnings, "warning")}.`,
  ];
  if (gate)
    lines.push(
      "",
      gate.acknowledged
        ? `This change destroys what the plan lists; it was acknowledged by ${escapeMarkdown(gate.by)}.`
        : `This change destroys what the plan lists and fails until the platform team acknowledges it: ${escapeMarkdown(gate.by)} is present. A maintainer adds the ${code(ALLOW_DESTROY_LABEL)} label to the pull request (labelling re-runs the check), or a ${DESTRUCTION_RULE} exception is merged to the base branch first.`,
    );
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
