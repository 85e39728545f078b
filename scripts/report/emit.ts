import { escapeMarkdown } from "../plan/markdown-text.js";
import type { Diagnostic } from "./diagnostic.js";
import type { OutputFormat } from "./format.js";
import { formatGithub } from "./github.js";
import { formatMarkdown } from "./markdown.js";
import { printableLines } from "./terminal-text.js";
import { formatCounts, formatText, type SourceTexts } from "./text.js";

/** What a command found, ready to print in any format. */
export interface Report {
  /** One line for people: what was checked and the verdict. */
  summary: string;
  diagnostics: readonly Diagnostic[];
  /** Extra machine-readable fields for `--format json` (counts, files...). */
  data?: Record<string, unknown>;
}

/**
 * Prints a report in the chosen format. JSON is one object on stdout as
 * SPEC.md fixes it: `{"diagnostics": [...], "summary": ..., ...data}`.
 */
export function formatReport(report: Report, format: OutputFormat, sources: SourceTexts): string {
  switch (format) {
    case "json":
      return `${JSON.stringify({ diagnostics: report.diagnostics, summary: report.summary, ...report.data }, null, 2)}\n`;
    case "github":
      return `${formatGithub(report.diagnostics)}${report.summary}\n`;
    case "markdown":
      return `**${escapeMarkdown(report.summary)}**\n\n${formatMarkdown(report.diagnostics)}`;
    case "text": {
      const body = formatText(report.diagnostics, sources);
      const counts = report.diagnostics.length > 0 ? ` (${formatCounts(report.diagnostics)})` : "";
      return `${body}${body ? "\n" : ""}${printableLines(report.summary)}${counts}\n`;
    }
  }
}
