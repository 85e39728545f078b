import { structuredPatch } from "diff";
import { DIFF_CONTEXT, manifestDiff } from "../plan/manifest-diff.js";
import { type Diagnostic, error } from "../report/diagnostic.js";
import type { Redactor } from "../report/redact.js";
import { isKeyFile, manifestOfKeyFile } from "./render-index.js";
import type { WriteResult } from "./write.js";

/**
 * How a file under `manifests/` differs from a fresh render: `stale` (its
 * content differs), `missing` (rendered, not on disk) or `orphaned` (on disk,
 * nothing renders it any more).
 */
export type DriftStatus = "stale" | "missing" | "orphaned";

/** One file that differs from a fresh render, with the unified diff that would bring it up to date. */
export interface DriftedFile {
  /** Relative to the root: `manifests/dev/cart/manifest.yaml`. */
  file: string;
  status: DriftStatus;
  /** Committed (`a/`) → fresh render (`b/`); "" for an entry that is not a regular file. */
  diff: string;
  /** The first line of the file on disk that differs (1 when it is missing or not a regular file). */
  line: number;
  /** Lines the fresh render adds and removes. */
  added: number;
  removed: number;
}

/** The diagnostic code of each kind of drift: `render --check` fails on each. */
export const DRIFT_CODES: Readonly<Record<DriftStatus, string>> = {
  stale: "drift.stale",
  missing: "drift.missing",
  orphaned: "drift.orphaned",
};

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

/** One error per drifted file, pointing at its first changed line: what annotations and tables show. */
export function driftDiagnostics(files: readonly DriftedFile[]): Diagnostic[] {
  return files.map((f) => {
    const counts = `+${f.added} -${f.removed} lines`;
    const what =
      f.status === "stale"
        ? `is stale: a fresh render differs (${counts})`
        : f.status === "missing"
          ? "is missing: the sources render it, but it is not in manifests/"
          : "is orphaned: nothing renders it any more";
    return error(
      DRIFT_CODES[f.status],
      `${f.file} ${what}`,
      f.file,
      { line: f.line, column: 1 },
      "run idp render and commit the result; files under manifests/ are generated, never edited by hand",
    );
  });
}

/**
 * What a person is shown of a drift: the manifests, and a key file
 * (`.render-key`) only when its manifest did not drift too. A key file beside
 * a drifted manifest only records that manifest's new key and digest: its
 * diff is hashes, so it is counted (`folded`), not shown. JSON keeps every file.
 */
export function foldKeyFiles(files: readonly DriftedFile[]): { files: DriftedFile[]; folded: number } {
  const drifted = new Set(files.map((f) => f.file));
  const shown = files.filter((f) => !isKeyFile(f.file) || !drifted.has(manifestOfKeyFile(f.file)));
  return { files: shown, folded: files.length - shown.length };
}
