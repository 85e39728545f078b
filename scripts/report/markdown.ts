import type { Diagnostic } from "./diagnostic.js";

/** Formats diagnostics as a Markdown table, for pull-request comments and job summaries. */
export function formatMarkdown(diagnostics: readonly Diagnostic[]): string {
  if (diagnostics.length === 0) return "No findings.\n";
  const rows = diagnostics.map((d) => {
    const icon = d.severity === "error" ? "❌" : "⚠️";
    const message = d.hint ? `${d.message}<br>_${cell(d.hint)}_` : d.message;
    return `| ${icon} | \`${d.file}:${d.line}:${d.column}\` | \`${d.code}\` | ${cell(message)} |`;
  });
  return ["| | where | rule | finding |", "| --- | --- | --- | --- |", ...rows, ""].join("\n");
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}
