import { readFileSync } from "node:fs";
import type { Diagnostic } from "../report/diagnostic.js";
import { formatGithub } from "../report/github.js";

/**
 * Workflow annotations from the JSON an idp command printed (`--format json`,
 * `{diagnostics: [...]}`), escaped exactly as `--format github` escapes them
 * (formatGithub): a workflow reads one run's JSON for its decisions and prints
 * the annotations from it, without a second, hand-written escaping in jq.
 * Entries that are not diagnostics are skipped; text that is not JSON gives
 * no annotations.
 */
export function annotationsFromJson(text: string): string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return "";
  }
  const list = (data as { diagnostics?: unknown } | null)?.diagnostics;
  if (!Array.isArray(list)) return "";
  return formatGithub(list.filter(isDiagnostic));
}

function isDiagnostic(value: unknown): value is Diagnostic {
  const d = value as Partial<Diagnostic> | null;
  return (
    typeof d === "object" &&
    d !== null &&
    (d.severity === "error" || d.severity === "warning") &&
    typeof d.code === "string" &&
    typeof d.message === "string" &&
    typeof d.file === "string" &&
    Number.isSafeInteger(d.line) &&
    Number.isSafeInteger(d.column) &&
    (d.hint === undefined || typeof d.hint === "string")
  );
}

// Run as a script (`node dist/scripts/dev/github-annotations.js < result.json`): annotations on stdout.
if (process.argv[1]?.endsWith("github-annotations.js")) {
  process.stdout.write(annotationsFromJson(readFileSync(0, "utf8")));
}
