import { structuredPatch } from "diff";
import { DIFF_CONTEXT, manifestDiff } from "../plan/manifest-diff.js";
import type { Redactor } from "../report/redact.js";
import type { DriftedFile, DriftStatus } from "./drift.js";
import type { WriteResult } from "./write.js";

// Apart from drift.ts: the diff library is loaded only when a check finds drift.

/**
 * Every drifted file of a check (`writeManifests` with `check` and
 * `readDrift`), in path order, with its diff. `fresh` gives, by path
 * relative to the root, the text a render writes. Flagged credentials (SEC004) are
 * hidden from the diffs, on both sides.
 */
export function describeDrift(
  written: WriteResult,
  fresh: (file: string) => string | undefined,
  redactor: Redactor,
): DriftedFile[] {
  const onDisk = written.onDisk ?? new Map<string, string | undefined>();
  const files: DriftedFile[] = [
    ...written.added.map((file) => drifted(file, "missing", undefined, fresh(file) ?? "", redactor)),
    ...written.changed.map((file) => drifted(file, "stale", onDisk.get(file), fresh(file), redactor)),
    ...written.removed.map((file) => drifted(file, "orphaned", onDisk.get(file), undefined, redactor)),
  ];
  return files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

function drifted(
  file: string,
  status: DriftStatus,
  before: string | undefined,
  after: string | undefined,
  redactor: Redactor,
): DriftedFile {
  // A symbolic link or another special entry on disk has no text to compare: it is listed, not diffed.
  if (status !== "missing" && before === undefined)
    return { file, status, diff: "", line: 1, added: 0, removed: 0 };
  const old = before === undefined ? undefined : redactor.text(before);
  const now = after === undefined ? undefined : redactor.text(after);
  const hunks = structuredPatch("a", "b", old ?? "", now ?? "", undefined, undefined, {
    context: DIFF_CONTEXT,
  }).hunks;
  let added = 0;
  let removed = 0;
  for (const hunk of hunks) {
    for (const line of hunk.lines) {
      if (line.startsWith("+")) added++;
      else if (line.startsWith("-")) removed++;
    }
  }
  return {
    file,
    status,
    diff: manifestDiff(file, old, now),
    line: firstChangedLine(hunks[0]),
    added,
    removed,
  };
}

/** The line of the old text where the first change is (where an annotation on the committed file belongs). */
function firstChangedLine(hunk: { oldStart: number; lines: string[] } | undefined): number {
  if (!hunk) return 1;
  const offset = hunk.lines.findIndex((line) => line.startsWith("-") || line.startsWith("+"));
  return Math.max(1, hunk.oldStart + Math.max(0, offset));
}
