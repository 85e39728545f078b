import { escapeMarkdown } from "../plan/markdown-text.js";
import type { OutputFormat } from "../report/format.js";
import { markdownTable, textTable } from "../report/table.js";
import { printable } from "../report/terminal-text.js";
import { LEVELS } from "./checks.js";
import { levelTable, type Scorecard, type ScorecardReport } from "./scorecard.js";

/**
 * Prints scorecards: with `detail` (one service asked for) every check of
 * every environment; otherwise one line per service and environment with
 * what is missing for the next level, then the per-team counts.
 */
export function formatScorecards(report: ScorecardReport, format: OutputFormat, detail: boolean): string {
  if (format === "json") return `${JSON.stringify(scorecardJson(report), null, 2)}\n`;
  if (format === "markdown") return detail ? detailMarkdown(report) : overviewMarkdown(report);
  return detail ? detailText(report) : overviewText(report);
}

/** The `--format json` document: the level table, each scorecard with its checks, the team counts. */
export function scorecardJson(report: ScorecardReport) {
  return { levels: levelTable(), scorecards: report.scorecards, teams: report.teams };
}

function levelName(card: Scorecard): string {
  return card.level ?? "none";
}

function nextText(card: Scorecard): string {
  if (card.next === null) return "top level";
  return `${card.next}: ${card.missing.join(", ")}`;
}

function teamRows(report: ScorecardReport): string[][] {
  return report.teams.map((t) => [
    t.team,
    String(t.services),
    ...[...LEVELS].reverse().map((level) => String(t.levels[level])),
    String(t.levels.none),
  ]);
}

const TEAM_HEADER = ["TEAM", "SERVICES", ...[...LEVELS].reverse().map((l) => l.toUpperCase()), "NONE"];

const LEGEND = `Levels: ${levelTable()
  .map((l) => `${l.level} needs ${l.checks.map((c) => c.id).join(", ")}`)
  .join("; ")}; each level also needs the ones below it. Team counts are per service and environment.`;

function overviewText(report: ScorecardReport): string {
  return [
    `${LEGEND}\n\n`,
    textTable([
      ["SERVICE", "TEAM", "ENVIRONMENT", "LEVEL", "MISSING FOR THE NEXT LEVEL"],
      ...report.scorecards.map((c) => [c.service, c.team, c.environment, levelName(c), nextText(c)]),
    ]),
    "\n",
    textTable([TEAM_HEADER, ...teamRows(report)], ["left", "right", "right", "right", "right", "right"]),
  ].join("");
}

function detailText(report: ScorecardReport): string {
  return report.scorecards
    .map(
      (card) =>
        `${printable(card.service)} in ${printable(card.environment)}: ${levelName(card)} (${printable(
          card.next === null ? "top level" : `missing for ${nextText(card)}`,
        )})\n${textTable(card.checks.map((c) => [`  ${c.status}`, c.level, c.id, c.detail]))}`,
    )
    .join("\n");
}

function overviewMarkdown(report: ScorecardReport): string {
  return [
    "## Production readiness\n\n",
    `${escapeMarkdown(LEGEND)}\n\n`,
    markdownTable(
      ["Service", "Team", "Environment", "Level", "Missing for the next level"],
      report.scorecards.map((c) => [c.service, c.team, c.environment, levelName(c), nextText(c)]),
    ),
    "\n### Teams\n\n",
    markdownTable(["Team", "Services", ...[...LEVELS].reverse(), "none"], teamRows(report), [
      "left",
      "right",
      "right",
      "right",
      "right",
      "right",
    ]),
  ].join("");
}

const STATUS_MARK = { pass: "✅ pass", fail: "❌ fail", "n/a": "➖ n/a" } as const;

function detailMarkdown(report: ScorecardReport): string {
  return report.scorecards
    .map(
      (card) =>
        `## ${escapeMarkdown(card.service)} in ${escapeMarkdown(card.environment)}: ${levelName(card)}\n\n${escapeMarkdown(
          card.next === null ? "Top level." : `Missing for ${nextText(card)}.`,
        )}\n\n${markdownTable(
          ["Check", "Level", "Status", "Detail"],
          card.checks.map((c) => [c.title, c.level, STATUS_MARK[c.status], c.detail]),
        )}`,
    )
    .join("\n");
}
