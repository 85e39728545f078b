import { type Diagnostic, error } from "../report/diagnostic.js";
import { isKeyFile, manifestOfKeyFile } from "./render-index.js";

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
