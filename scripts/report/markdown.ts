import { code, escapeMarkdown } from "../plan/markdown-text.js";
import type { Diagnostic } from "./diagnostic.js";

/**
 * Formats diagnostics as a Markdown table, for pull-request comments and job
 * summaries. Every value is inert (escapeMarkdown, code spans): no HTML, no
 * mentions, no links from what a file or a message holds.
 */
export function formatMarkdown(diagnostics: readonly Diagnostic[]): string {
  if (diagnostics.length === 0) return "No findings.\n";
  const rows = diagnostics.map((d) => {
    const icon = d.severity === "error" ? "❌" : "⚠️";
    const message = escapeMarkdown(d.message) + (d.hint ? `<br>_${escapeMarkdown(d.hint)}_` : "");
    return `| ${icon} | ${code(`${d.file}:${d.line}:${d.column}`)} | ${code(d.code)} | ${message} |`;
  });
  return ["| | where | rule | finding |", "| --- | --- | --- | --- |", ...rows, ""].join("\n");
}
