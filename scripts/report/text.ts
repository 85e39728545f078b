import type { Diagnostic } from "./diagnostic.js";
import { printable, printableSource } from "./terminal-text.js";

/** The source text of the files the diagnostics point into, by relative path. */
export type SourceTexts = ReadonlyMap<string, string>;

/**
 * Formats diagnostics for a terminal, compiler style:
 *
 *   services/cart/service.yaml:9:13: error schema.type: spec.replicas must be an integer, got "two"
 *      9 |   replicas: two
 *        |             ^
 *     hint: ...
 *
 * Every field goes through printable (no escape sequences, controls or bidi
 * overrides reach the terminal). Only files in `sources` get their line printed; the caller puts there only
 * files it read from inside the root, so nothing from outside is ever echoed.
 */
export function formatText(diagnostics: readonly Diagnostic[], sources: SourceTexts): string {
  const lineCache = new Map<string, string[]>();
  const linesOf = (file: string): string[] | undefined => {
    const text = sources.get(file);
    if (text === undefined) return undefined;
    let lines = lineCache.get(file);
    if (!lines) {
      lines = text.split(/\r?\n/);
      lineCache.set(file, lines);
    }
    return lines;
  };
  return diagnostics
    .map((d) => {
      const out = [
        `${printable(d.file)}:${d.line}:${d.column}: ${d.severity} ${printable(d.code)}: ${printable(d.message)}`,
      ];
      const source = linesOf(d.file)?.[d.line - 1];
      if (source !== undefined) {
        const gutter = String(d.line).padStart(5);
        const shown = printableSource(source.length > 200 ? `${source.slice(0, 200)}…` : source);
        out.push(`${gutter} | ${shown}`, `${" ".repeat(5)} | ${" ".repeat(Math.max(0, d.column - 1))}^`);
      }
      if (d.hint) out.push(`  hint: ${printable(d.hint)}`);
      return `${out.join("\n")}\n`;
    })
    .join("");
}

/** A one-line count such as "2 errors, 1 warning". */
export function formatCounts(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  return `${plural(errors, "error")}, ${plural(warnings, "warning")}`;
}

/** "1 service", "3 services". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
