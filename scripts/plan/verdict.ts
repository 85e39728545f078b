import type { Diagnostic } from "../report/diagnostic.js";
import { plural } from "../report/text.js";
import { ALLOW_DESTROY_LABEL, DESTRUCTION_RULE, describeDestruction } from "./destruction.js";
import { type Destruction, type EnvironmentPlan, PLATFORM_PLAN, type Verdict } from "./plan.js";

/** The mark of a destructive verdict: distinct from the ⚠️ of warnings and never a ✅. */
export const DESTRUCTIVE_MARK = "⚠ destructive";

/**
 * The one line at the top of a plan. Errors block ("❌ 3 errors block this
 * change"); a change that destroys something says so before anything else
 * ("⚠ destructive: 4 Namespaces and 2 data claims deleted in dev; …"), with
 * what acknowledges it, and is never "ready to merge"; otherwise it says
 * what changes, with a ⚠️ when there are warnings ("⚠️ ready to merge with 2
 * warnings: 1 service changes in 3 environments") and a ✅ when there are none.
 */
export function decideVerdict(
  diagnostics: readonly Diagnostic[],
  environments: readonly EnvironmentPlan[],
  destruction?: Destruction,
): Verdict {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const destructive = destruction ? { destructive: true } : {};
  if (errors > 0) {
    const also = [
      ...(warnings > 0 ? [`and ${plural(warnings, "warning")}`] : []),
      ...(destruction ? ["and it is destructive"] : []),
    ];
    return {
      ok: false,
      ...destructive,
      summary: `❌ ${plural(errors, "error")} ${errors === 1 ? "blocks" : "block"} this change${also.length > 0 ? ` (${also.join("; ")})` : ""}`,
    };
  }
  if (destruction) {
    const what = describeDestruction(destruction);
    return {
      ok: true,
      destructive: true,
      summary: destruction.acknowledged
        ? `${DESTRUCTIVE_MARK}, acknowledged by a ${DESTRUCTION_RULE} exception: ${what}`
        : `${DESTRUCTIVE_MARK}: ${what}; needs the ${ALLOW_DESTROY_LABEL} label or a ${DESTRUCTION_RULE} exception`,
    };
  }
  const scope = describeScope(environments);
  return {
    ok: true,
    summary:
      warnings > 0
        ? `⚠️ ready to merge with ${plural(warnings, "warning")}: ${scope}`
        : `✅ ready to merge: ${scope}`,
  };
}

/** "2 services change in 3 environments", "platform objects change in 1 environment", "no manifest changes". */
export function describeScope(environments: readonly EnvironmentPlan[]): string {
  if (environments.length === 0) return "no manifest changes";
  const services = new Set(
    environments.flatMap((e) => e.services.map((s) => s.name).filter((name) => name !== PLATFORM_PLAN)),
  );
  const where = `in ${plural(environments.length, "environment")}`;
  if (services.size === 0) return `platform objects change ${where}`;
  return `${plural(services.size, "service")} ${services.size === 1 ? "changes" : "change"} ${where}`;
}
