import { printable } from "../report/terminal-text.js";
import { formatCounts, formatText, plural } from "../report/text.js";
import { costTextLines } from "./cost-text.js";
import { destructionLines } from "./destruction-text.js";
import { type ChangeStatus, headLabel, objectLabel, PLATFORM_PLAN, type Plan } from "./plan.js";

const MARK: Record<ChangeStatus, string> = { added: "+", changed: "~", removed: "-" };

/**
 * The plan for a terminal: the verdict, the findings compiler style (with
 * their source lines), what the change's own rules would say, then per
 * environment each service and object that changes with its summary. Diffs
 * are left to `--format markdown` and `--format json`. Every value is
 * printable: no escape sequences, controls or bidi overrides reach the terminal.
 */
export function formatPlanText(plan: Plan): string {
  const out: string[] = [
    plan.verdict.summary,
    `plan of ${headLabel(plan)} against ${printable(plan.base)} (merge base ${plan.baseSha.slice(0, 7)})`,
  ];
  for (const note of plan.notes) out.push(`note: ${printable(note)}`);
  out.push("");
  if (plan.destruction) out.push(...destructionLines(plan.destruction).map(printable), "");
  if (plan.diagnostics.length > 0)
    out.push(formatText(plan.diagnostics, plan.sources).trimEnd(), formatCounts(plan.diagnostics), "");
  if (plan.newPolicy) {
    const { added, removed } = plan.newPolicy;
    out.push(
      `with this change's own rules (informational): ${added.length} new, ${removed.length} no longer reported`,
    );
    for (const d of added)
      out.push(`  + ${printable(`${d.file}:${d.line}: ${d.severity} ${d.code}: ${d.message}`)}`);
    for (const d of removed)
      out.push(`  - ${printable(`${d.file}:${d.line}: ${d.severity} ${d.code}: ${d.message}`)}`);
    out.push("");
  }
  const cost = costTextLines(plan.cost);
  if (cost.length > 0) out.push(...cost, "");
  if (plan.environments.length === 0) out.push("no manifest changes");
  for (const environment of plan.environments) {
    out.push(`${printable(environment.name)}: ${plural(environment.services.length, "manifest")} change`);
    for (const service of environment.services) {
      const name = service.name === PLATFORM_PLAN ? "platform objects" : printable(service.name);
      out.push(`  ${MARK[service.status]} ${name} (${service.status})`);
      for (const object of service.objects) {
        const summary = object.summary.length > 0 ? `: ${object.summary.join("; ")}` : "";
        out.push(`      ${MARK[object.status]} ${printable(`${objectLabel(object)}${summary}`)}`);
      }
    }
  }
  return `${out.join("\n").trimEnd()}\n`;
}
