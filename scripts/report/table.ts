import { escapeMarkdown } from "../plan/markdown-text.js";
import { printable } from "./terminal-text.js";

/** How a column lines up: text to the left, amounts to the right. */
export type Align = "left" | "right";

/**
 * A plain-text table for a terminal: each cell made printable (a value from
 * YAML cannot move the cursor or forge a line), columns padded to their
 * widest cell, two spaces between columns, no trailing spaces.
 */
export function textTable(rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  const cells = rows.map((row) => row.map(printable));
  const widths: number[] = [];
  for (const row of cells) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
    });
  }
  return cells
    .map((row) =>
      row
        .map((cell, i) => {
          const pad = " ".repeat((widths[i] ?? 0) - [...cell].length);
          return align[i] === "right" ? pad + cell : cell + pad;
        })
        .join("  ")
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join("");
}

/**
 * A Markdown table: header cells and body cells are escaped (no value can
 * close the table, open a link or mention anyone) unless given as
 * `{ markdown }`, which the caller has built from escaped parts.
 */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly (string | { markdown: string })[])[],
  align: readonly Align[] = [],
): string {
  const cell = (value: string | { markdown: string }) =>
    typeof value === "string" ? escapeMarkdown(value) : value.markdown;
  const line = (values: readonly (string | { markdown: string })[]) => `| ${values.map(cell).join(" | ")} |`;
  const rule = `|${header.map((_, i) => (align[i] === "right" ? " ---: " : " --- ")).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].map((l) => `${l}\n`).join("");
}
