import type { Diagnostic } from "./diagnostic.js";

/** What a redacted value is printed as. */
export const REDACTED = "[REDACTED]";

/** The diagnostic code of the plain-text credential rule, whose value lines are masked in source excerpts. */
export const SECRET_DIAGNOSTIC = "policy.SEC004";

/**
 * Shorter values are not replaced inside other text (they would mangle
 * unrelated words); they are hidden where they stand instead: masked in the
 * source line their finding points at, and replaced by key in rendered env.
 */
export const MIN_TEXT_REDACTION = 4;

/**
 * Hides the values the policy flagged as credentials (SEC004) in text that is
 * shown: messages, source lines, diffs, summaries. It knows no patterns of
 * its own; it is handed the flagged values (flaggedSecretValues) and hides
 * each as written, each line of a multi-line value, and its JSON and YAML
 * quoted spellings (how a rendered manifest or a JSON artifact writes it).
 */
export class Redactor {
  readonly #needles: string[];

  constructor(values: Iterable<string>) {
    const needles = new Set<string>();
    const add = (text: string) => {
      if (text.trim().length >= MIN_TEXT_REDACTION) needles.add(text);
    };
    for (const value of values) {
      add(value);
      for (const line of value.split(/\r?\n/)) add(line.trim());
      add(JSON.stringify(value).slice(1, -1));
      add(value.replaceAll("'", "''"));
    }
    // Longest first, so a value is replaced whole before any line of it.
    this.#needles = [...needles].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  }

  /** True when there is nothing to hide. */
  get empty(): boolean {
    return this.#needles.length === 0;
  }

  /** `text` with every flagged value replaced by REDACTED. */
  text(text: string): string {
    let out = text;
    for (const needle of this.#needles) if (out.includes(needle)) out = out.replaceAll(needle, REDACTED);
    return out;
  }

  /** Diagnostics whose message and hint hide the flagged values. */
  diagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
    if (this.empty) return [...diagnostics];
    return diagnostics.map((d) => ({
      ...d,
      message: this.text(d.message),
      ...(d.hint === undefined ? {} : { hint: this.text(d.hint) }),
    }));
  }

  /**
   * Source texts for printing lines under diagnostics: the flagged values
   * replaced, and on the line each SEC004 diagnostic points at, everything
   * from its column on masked (a value written with escapes, or too short to
   * replace by text, is hidden there too).
   */
  sources(sources: ReadonlyMap<string, string>, diagnostics: readonly Diagnostic[]): Map<string, string> {
    const masked = new Map<string, Set<number>>();
    const columns = new Map<string, number>();
    for (const d of diagnostics) {
      if (d.code !== SECRET_DIAGNOSTIC) continue;
      const lines = masked.get(d.file) ?? new Set<number>();
      lines.add(d.line);
      masked.set(d.file, lines);
      columns.set(
        `${d.file}\u0000${d.line}`,
        Math.min(d.column, columns.get(`${d.file}\u0000${d.line}`) ?? d.column),
      );
    }
    const out = new Map<string, string>();
    for (const [file, text] of sources) {
      const lines = masked.get(file);
      if (!lines && this.empty) {
        out.set(file, text);
        continue;
      }
      const split = text.split("\n");
      for (const line of lines ?? []) {
        const source = split[line - 1];
        const column = columns.get(`${file}\u0000${line}`) ?? 1;
        if (source !== undefined && source.length >= column) {
          split[line - 1] = `${source.slice(0, column - 1)}${REDACTED}`;
        }
      }
      out.set(file, this.text(split.join("\n")));
    }
    return out;
  }
}
