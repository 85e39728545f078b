import { type CostRange, formatDelta, formatRange } from "../cost/cost.js";
import { type CostChange, costDifference } from "../cost/cost-delta.js";
import { markdownTable } from "../report/table.js";
import { printable } from "../report/terminal-text.js";

/** "+$145.00/month" or "+$0.00 to +$580.00/month" (at minimum and at maximum scale). */
export function describeCostDelta(delta: CostRange): string {
  const text =
    delta.min === delta.max
      ? formatDelta(delta.min)
      : `${formatDelta(delta.min)} to ${formatDelta(delta.max)}`;
  return `${text}/month`;
}

function amount(range: CostRange | undefined): string {
  return range ? formatRange(range) : "–";
}

/** The rows of the cost table: per environment, each changed service, then the environment's total. */
function rows(cost: CostChange): { cells: string[]; total: boolean }[] {
  return cost.environments.flatMap((environment) => [
    ...cost.services
      .filter((s) => s.environment === environment.environment)
      .map((s) => ({
        cells: [
          environment.environment,
          s.service,
          amount(s.before),
          amount(s.after),
          describeCostDelta(costDifference(s.before, s.after)),
        ],
        total: false,
      })),
    {
      cells: [
        environment.environment,
        "total",
        amount(environment.before),
        amount(environment.after),
        describeCostDelta(costDifference(environment.before, environment.after)),
      ],
      total: true,
    },
  ]);
}

/**
 * The plan comment's cost section: before, after and the difference per
 * changed service and per environment, at minimum and maximum scale; the
 * difference is computed here from the amounts, so a plan file cannot state
 * its own. Empty when the change costs nothing more or less.
 */
export function costMarkdown(cost: CostChange | undefined): string {
  if (!cost || cost.services.length === 0) return "";
  const table = markdownTable(
    ["Environment", "Service", "Before", "After", "Change"],
    rows(cost).map((r) =>
      r.total ? [r.cells[0] ?? "", { markdown: "**total**" }, ...r.cells.slice(2)] : r.cells,
    ),
    ["left", "left", "right", "right", "right"],
  );
  return `#### Cost\n\nMonthly cost in USD (requests × pods at each environment's prices, plus dependencies; a range is autoscale.min–max), as \`idp cost\` computes it.\n\n${table}`;
}

/** The plan's cost lines for a terminal: one per changed service and environment total. */
export function costTextLines(cost: CostChange | undefined): string[] {
  if (!cost || cost.services.length === 0) return [];
  const lines = ["monthly cost (USD):"];
  for (const row of rows(cost)) {
    const [environment, service, before, after, change] = row.cells.map((c) => printable(c));
    lines.push(`  ${environment} ${row.total ? "total" : service}: ${before} → ${after} (${change})`);
  }
  return lines;
}
