/** How bad a finding is: errors fail the command (exit 1), warnings are shown and let it pass. */
export type Severity = "error" | "warning";

/**
 * The one shape every stage reports bad input in. Positions are 1-based and
 * `file` is relative to the repository root with forward slashes, so the same
 * diagnostic prints identically on any machine and in any output format.
 */
export interface Diagnostic {
  /** Stable machine-readable code: "schema.type", "load.alias-limit", "resolve.unknown-team". */
  code: string;
  severity: Severity;
  /** For a person: what is wrong, quoting the offending value. */
  message: string;
  file: string;
  line: number;
  column: number;
  /** What to do about it. */
  hint?: string;
}

/** A position in a source file, 1-based. */
export interface Position {
  line: number;
  column: number;
}

/** Builds an error diagnostic; the common case, so it gets the short name. */
export function error(code: string, message: string, file: string, at: Position, hint?: string): Diagnostic {
  return withHint({ code, severity: "error", message, file, line: at.line, column: at.column }, hint);
}

/** Builds a warning diagnostic. */
export function warning(
  code: string,
  message: string,
  file: string,
  at: Position,
  hint?: string,
): Diagnostic {
  return withHint({ code, severity: "warning", message, file, line: at.line, column: at.column }, hint);
}

function withHint(diagnostic: Diagnostic, hint: string | undefined): Diagnostic {
  return hint === undefined ? diagnostic : { ...diagnostic, hint };
}

/** True when any diagnostic is an error: the single rule behind exit code 1. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Orders diagnostics by file, line, column, then code, so output is stable across runs. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => compare(a.file, b.file) || a.line - b.line || a.column - b.column || compare(a.code, b.code),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
