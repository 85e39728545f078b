import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");

/** Where the cluster suites leave their summaries (git-ignored, quoted by reports). */
export const RESULTS_DIR = join(ROOT, ".tools", "cluster", "results");

/**
 * Prints a summary for the person running the suite and writes it as JSON
 * to `.tools/cluster/results/<name>.json`; returns the file written.
 */
export function recordResult(name: string, summary: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(`\n[cluster] ${name}: ${JSON.stringify(summary)}\n`);
  return file;
}
