import type { Position } from "../report/diagnostic.js";

/** A path into a parsed value: mapping keys and sequence indexes, as ajv's instancePath splits into. */
export type ValuePath = readonly (string | number)[];

/**
 * One YAML file read and parsed, with what is needed to point back into it.
 * `value` is plain JSON-compatible data (no YAML nodes, no prototypes to pollute).
 */
export interface LoadedDocument {
  /** Relative to the repository root, forward slashes. */
  file: string;
  /** The decoded source text, for printing the offending line under a diagnostic. */
  text: string;
  value: unknown;
  /**
   * Where the value at `path` is in the source. `at: "key"` gives the key of
   * that mapping entry (what to point at for an unknown or misspelled field).
   * A path that does not exist falls back to its nearest existing ancestor, so
   * "missing property" errors point at the mapping that lacks it.
   */
  locate(path: ValuePath, at?: "key" | "value"): Position;
}

/**
 * Which parts of a document passed its schema: a value (with everything
 * inside it), or only the key of a mapping entry (whose value may still be
 * wrong). Checks that run on a document that failed its schema look only at
 * sound parts, so a mistake is never reported twice.
 */
export interface SoundValues {
  value: (path: ValuePath) => boolean;
  key: (path: ValuePath) => boolean;
}
