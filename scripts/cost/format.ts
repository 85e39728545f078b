import { escapeMarkdown } from "../plan/markdown-text.js";
import type { OutputFormat } from "../report/format.js";
import { type Align, markdownTable, textTable } from "../report/table.js";
import { printable } from "../report/terminal-text.js";
import { type Cents, type CostRange, type CostReport, formatRange, formatUsd } from "./cost.js";

/** Prints `idp cost`'s report: a table per service, per team and per environment (`github` prints text). */
export function formatCost(report: CostReport, format: OutputFormat): string {
  if (format === "json") return `${JSON.stringify(costJson(report), null, 2)}\n`;
  return format === "markdown" ? costMarkdown(report) : costText(report);
}

const EXPLANATION =
  "Monthly cost in USD: each pod's CPU and memory requests × its pods at the environment's prices, plus one price per dependency; a range is autoscale.min–autoscale.max.";

/** Amounts in USD (cents / 100): JSON readers should not need to know about cents. */
function usd(amount: Cents): number {
  return amount / 100;
}

function usdRange(range: CostRange): { min: number; max: number } {
  return { min: usd(range.min), max: usd(range.max) };
}

/** What share of the budget a cost uses: "12%" or "12%–20%"; "no budget" for a budget of 0 with costs. */
function used(range: CostRange, budget: Cents): string {
  if (budget === 0) return range.max === 0 ? "0%" : "no budget";
  const percent = (amount: Cents) => `${Math.round((amount / budget) * 100)}%`;
  return range.min === range.max ? percent(range.min) : `${percent(range.min)}–${percent(range.max)}`;
}

/** The `--format json` document: every amount in USD. */
export function costJson(report: CostReport) {
  return {
    currency: "USD",
    services: report.services.map((s) => ({
      service: s.service,
      team: s.team,
      environment: s.environment,
      file: s.file,
      priced: s.priced,
      pods: s.pods,
      podRequests: { cpu: s.podRequests.cpu, memoryBytes: s.podRequests.memory },
      compute: usdRange(s.compute),
      dependencies: s.dependencies.map((d) => ({ ...d, monthly: usd(d.monthly) })),
      monthly: usdRange(s.monthly),
    })),
    teams: report.teams.map((t) => ({
      team: t.team,
      services: t.services,
      monthly: usdRange(t.monthly),
      budget: usd(t.budget),
      budgetUsed: t.budget === 0 ? null : { min: t.monthly.min / t.budget, max: t.monthly.max / t.budget },
      environments: t.environments.map((e) => ({
        environment: e.environment,
        services: e.services,
        monthly: usdRange(e.monthly),
      })),
    })),
    environments: report.environments.map((e) => ({
      environment: e.environment,
      priced: e.priced,
      services: e.services,
      monthly: usdRange(e.monthly),
    })),
    total: usdRange(report.total),
  };
}

/** The rows of the three tables, shared by text and Markdown. */
function tables(report: CostReport) {
  const environments = report.environments.map((e) => e.environment);
  const names = [...new Set(report.services.map((s) => s.service))];
  const services = names.map((name) => {
    const rows = report.services.filter((s) => s.service === name);
    return [
      name,
      rows[0]?.team ?? "",
      ...environments.map((env) => {
        const row = rows.find((s) => s.environment === env);
        return row ? formatRange(row.monthly) : "–";
      }),
    ];
  });
  const teams = report.teams.map((t) => [
    t.team,
    ...environments.map((env) => {
      const row = t.environments.find((e) => e.environment === env);
      return row ? formatRange(row.monthly) : "–";
    }),
    formatRange(t.monthly),
    formatUsd(t.budget),
    used(t.monthly, t.budget),
  ]);
  const totals = [
    ...report.environments.map((e) => [e.environment, String(e.services), formatRange(e.monthly)]),
    ["total", "", formatRange(report.total)],
  ];
  const unpriced = report.environments.filter((e) => !e.priced).map((e) => e.environment);
  return { environments, services, teams, totals, unpriced };
}

function unpricedNote(unpriced: readonly string[], inert: (text: string) => string): string {
  return unpriced.length === 0
    ? ""
    : `Not priced (no spec.prices, counted as $0): ${unpriced.map(inert).join(", ")}.\n`;
}

function costText(report: CostReport): string {
  const t = tables(report);
  const right = (n: number): Align[] => ["left", ...Array<Align>(n).fill("right")];
  return [
    `${EXPLANATION}\n`,
    unpricedNote(t.unpriced, printable),
    "\n",
    textTable(
      [["SERVICE", "TEAM", ...t.environments], ...t.services],
      ["left", ...right(t.environments.length)],
    ),
    "\n",
    textTable(
      [["TEAM", ...t.environments, "ALL ENVIRONMENTS", "BUDGET", "BUDGET USED"], ...t.teams],
      right(t.environments.length + 3),
    ),
    "\n",
    textTable([["ENVIRONMENT", "SERVICES", "MONTHLY"], ...t.totals], right(2)),
  ].join("");
}

function costMarkdown(report: CostReport): string {
  const t = tables(report);
  const right = (n: number): Align[] => ["left", ...Array<Align>(n).fill("right")];
  return [
    "## Monthly cost\n\n",
    `${EXPLANATION}\n`,
    t.unpriced.length > 0 ? `\n${unpricedNote(t.unpriced, escapeMarkdown)}` : "",
    "\n### Services\n\n",
    markdownTable(["Service", "Team", ...t.environments], t.services, [
      "left",
      ...right(t.environments.length),
    ]),
    "\n### Teams\n\n",
    markdownTable(
      ["Team", ...t.environments, "All environments", "Budget", "Budget used"],
      t.teams,
      right(t.environments.length + 3),
    ),
    "\n### Environments\n\n",
    markdownTable(["Environment", "Services", "Monthly"], t.totals, right(2)),
  ].join("");
}
