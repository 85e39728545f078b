import { code, escapeMarkdown, fence } from "../plan/markdown-text.js";
import { DRIFT_CODES, type DriftedFile, foldKeyFiles } from "../render/drift.js";
import { isKeyFile } from "../render/render-index.js";
import { formatReport, type Report } from "./emit.js";
import type { OutputFormat } from "./format.js";
import { printableSource } from "./terminal-text.js";
import { plural, type SourceTexts } from "./text.js";

/**
 * The unified diffs of drifted files for a terminal or a log, one after the
 * other (`git apply` takes them as they are when nothing needed escaping).
 * Every line is made inert: a control or bidi character in a manifest shows
 * as an escape, and no line can start a workflow command (each starts with
 * one of `-+ @\`).
 */
export function formatDriftText(drift: readonly DriftedFile[]): string {
  const { files, folded } = foldKeyFiles(drift);
  return (
    files
      .map((f) =>
        isKeyFile(f.file)
          ? `# ${printableSource(f.file)}: ${keyFileLine(f)}\n`
          : f.diff === ""
            ? `# ${printableSource(f.file)}: not a regular file; a render replaces it\n`
            : inert(f.diff),
      )
      .join("") + (folded > 0 ? `# ${foldedLine(folded)}\n` : "")
  );
}

/**
 * A key file shown alone (its manifest did not drift) is one line, not a diff
 * of hashes: all a reader needs is that it is stale and what rewrites it.
 */
function keyFileLine(f: DriftedFile): string {
  const what =
    f.status === "stale"
      ? "render key file is stale (its manifest is not)"
      : f.status === "missing"
        ? "render key file is missing"
        : "render key file is orphaned";
  return `${what}; idp render rewrites it`;
}

function foldedLine(folded: number): string {
  return `${plural(folded, "render key file")} beside these manifests ${folded === 1 ? "differs" : "differ"} too (key and digest, not shown); idp render rewrites them`;
}

function inert(diff: string): string {
  return diff
    .split("\n")
    .map((line) => printableSource(line))
    .join("\n");
}

/** The diffs for a pull-request comment or a job summary: per file a heading and a fenced `diff` block. */
export function formatDriftMarkdown(drift: readonly DriftedFile[]): string {
  const { files, folded } = foldKeyFiles(drift);
  const parts = files.map((f) => {
    const heading = `**${code(f.file)}** ${escapeMarkdown(f.status)}`;
    // Escaped like terminal text too: a bidi override would make the rendered diff read otherwise.
    const body = isKeyFile(f.file)
      ? `_${escapeMarkdown(keyFileLine(f))}_`
      : f.diff === ""
        ? "_not a regular file; a render replaces it_"
        : fence("diff", inert(f.diff));
    return `${heading}\n\n${body}\n`;
  });
  if (folded > 0) parts.push(`_${escapeMarkdown(foldedLine(folded))}_\n`);
  return parts.join("\n");
}

/**
 * A check's report with the drifted files' diffs: after the findings for a
 * terminal, folded into a group in a workflow log, fenced in Markdown, and as
 * `drift` entries in JSON. With `diffOnly` (`idp diff`) a terminal gets the
 * diffs alone on stdout, and the findings and summary on stderr.
 */
export function formatDriftReport(
  report: Report,
  drift: readonly DriftedFile[],
  format: OutputFormat,
  sources: SourceTexts,
  diffOnly = false,
): { stdout: string; stderr?: string } {
  const withDrift: Report = { ...report, data: { ...report.data, drift } };
  if (format === "text" && diffOnly) {
    const findings = report.diagnostics.filter((d) => !DRIFTED.has(d.code));
    return {
      stdout: formatDriftText(drift),
      stderr: formatReport({ ...report, diagnostics: findings }, "text", sources),
    };
  }
  const base = formatReport(withDrift, format, sources);
  if (drift.length === 0 || format === "json") return { stdout: base };
  switch (format) {
    case "text":
      return { stdout: `${base}\n${formatDriftText(drift)}` };
    case "github":
      return {
        stdout: `${base}::group::how manifests/ differs from a fresh render\n${formatDriftText(drift)}::endgroup::\n`,
      };
    case "markdown":
      return { stdout: `${base}\n${formatDriftMarkdown(drift)}` };
  }
}

const DRIFTED = new Set(Object.values(DRIFT_CODES));
