import type { Plan } from "./plan.js";

/**
 * The plan as one JSON-ready object, `idp plan --format json`:
 * `{verdict, base, baseSha, headSha, workingTree?, destruction?, diagnostics, newPolicyDiagnostics?,
 * newPolicyDifference?, environments, cost?, notes, markdown}`. `markdown` is
 * exactly what `--format markdown` prints, so the job that posts the comment
 * needs this file and nothing else.
 */
export function planToJson(plan: Plan, markdown: string): Record<string, unknown> {
  return {
    verdict: plan.verdict,
    base: plan.base,
    baseSha: plan.baseSha,
    headSha: plan.headSha,
    ...(plan.workingTree ? { workingTree: true } : {}),
    ...(plan.destruction ? { destruction: plan.destruction } : {}),
    diagnostics: plan.diagnostics,
    ...(plan.newPolicy
      ? {
          newPolicyDiagnostics: plan.newPolicy.diagnostics,
          newPolicyDifference: { added: plan.newPolicy.added, removed: plan.newPolicy.removed },
        }
      : {}),
    environments: plan.environments,
    ...(plan.cost ? { cost: plan.cost } : {}),
    notes: plan.notes,
    markdown,
  };
}
