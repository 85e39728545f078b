import type { Diagnostic } from "../report/diagnostic.js";
import { plural } from "../report/text.js";
import { type EnvironmentPlan, PLATFORM_PLAN, type Verdict } from "./plan.js";

/**
 * The one line at the top of a plan. Errors block ("❌ 3 errors block this
 * change"); otherwise it says what changes, with a ⚠️ when there are
 * warnings ("⚠️ ready to merge with 2 warnings: 1 service changes in 3
 * environments") and a ✅ when there are none.
 */
export function decideVerdict(
  diagnostics: readonly Diagnostic[],
  environments: readonly EnvironmentPlan[],
): Verdict {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  if (errors > 0) {
    const also = warnings > 0 ? ` (and ${plural(warnings, "warning")})` : "";
    return {
      ok: false,
      summary: `❌ ${plural(errors, "error")} ${errors === 1 ? "blocks" : "block"} this change${also}`,
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
