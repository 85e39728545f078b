import type { Diagnostic } from "./diagnostic.js";

/**
 * Formats diagnostics as GitHub Actions workflow commands, so each shows as an
 * annotation on the pull request's changed line:
 * `::error file=F,line=L,col=C,title=CODE::MESSAGE`.
 */
export function formatGithub(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const command = d.severity === "error" ? "error" : "warning";
      const properties = [
        `file=${escapeProperty(d.file)}`,
        `line=${d.line}`,
        `col=${d.column}`,
        `title=${escapeProperty(d.code)}`,
      ].join(",");
      const message = d.hint ? `${d.message}\nhint: ${d.hint}` : d.message;
      return `::${command} ${properties}::${escapeData(message)}\n`;
    })
    .join("");
}

// Escaping as the runner's toolkit does: % first, then line breaks (and , : in properties).
function escapeData(value: string): string {
  return value.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
