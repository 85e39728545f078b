import { type Diagnostic, error, type Position, type Severity, warning } from "../report/diagnostic.js";
import type { LoadedDocument } from "./document.js";
import type { Origin } from "./merge.js";

/** An origin, optionally `offset` characters into its value (a placeholder inside a string). */
export type Pointer = Origin & { offset?: number };

/** Optional parts of a finding. */
export interface FindingOptions {
  hint?: string;
  /** Point at the key of the entry rather than its value. */
  at?: "key";
  /**
   * The environment the finding holds in. The same finding in several
   * environments is reported once, with `{env}` in the message and hint
   * replaced by the list ("dev and prod").
   */
  environment?: string;
}

interface Pending {
  severity: Severity;
  code: string;
  message: string;
  hint: string | undefined;
  file: string;
  position: Position;
  environments: string[];
}

/**
 * Collects resolve's findings and turns them into diagnostics at the line of
 * the value they are about: one mistake gives one diagnostic, however many
 * environments it shows up in.
 */
export class Findings {
  readonly #documents: ReadonlyMap<string, LoadedDocument>;
  readonly #pending = new Map<string, Pending>();

  constructor(documents: Iterable<LoadedDocument>) {
    this.#documents = new Map([...documents].map((doc) => [doc.file, doc]));
  }

  /** Records an error about the value at `origin`. */
  error(code: string, message: string, origin: Pointer, options: FindingOptions = {}): void {
    this.add("error", code, message, origin, options);
  }

  /** Records a finding of either severity about the value at `origin`. */
  add(
    severity: Severity,
    code: string,
    message: string,
    origin: Pointer,
    options: FindingOptions = {},
  ): void {
    const position = this.#locate(origin, options.at);
    const key = [
      severity,
      code,
      origin.file,
      position.line,
      position.column,
      message,
      options.hint ?? "",
    ].join("\u0000");
    const existing = this.#pending.get(key);
    if (existing) {
      if (options.environment && !existing.environments.includes(options.environment)) {
        existing.environments.push(options.environment);
      }
      return;
    }
    this.#pending.set(key, {
      severity,
      code,
      message,
      hint: options.hint,
      file: origin.file,
      position,
      environments: options.environment ? [options.environment] : [],
    });
  }

  /** The diagnostics, in the order they were found. */
  diagnostics(): Diagnostic[] {
    return [...this.#pending.values()].map((p) => {
      const envs = listEnvironments(p.environments);
      const fill = (text: string) => text.replaceAll("{env}", envs);
      const hint = p.hint === undefined ? undefined : fill(p.hint);
      return (p.severity === "error" ? error : warning)(p.code, fill(p.message), p.file, p.position, hint);
    });
  }

  #locate(origin: Pointer, at: "key" | undefined): Position {
    const doc = this.#documents.get(origin.file);
    if (!doc) return { line: 1, column: 1 };
    const position = doc.locate(origin.path, at);
    if (origin.offset === undefined) return position;
    // A placeholder inside a one-line scalar: move along to it (past an opening quote).
    const line = doc.text.split(/\r?\n/, position.line)[position.line - 1] ?? "";
    const opening = line[position.column - 1];
    const quote = opening === '"' || opening === "'" ? 1 : 0;
    return { line: position.line, column: position.column + quote + origin.offset };
  }
}

/** "dev", "dev and prod", "dev, staging and prod". */
function listEnvironments(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}
