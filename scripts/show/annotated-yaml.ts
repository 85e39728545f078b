import { stringify } from "yaml";
import { printable } from "../report/terminal-text.js";
import type { ShownNode, Source } from "./provenance.js";

/**
 * A shown service as block YAML, with each value's source as a trailing
 * comment when `annotate` (`replicas: 3  # services/cart/service.yaml:14
 * (override spec.environments.prod)`). Keys and values come from YAML files
 * and are hostile: each is written as a YAML scalar that parses back to
 * itself, and a control, bidi or line-separator character in it is written
 * as a `\uXXXX` escape inside double quotes, so the output is safe on a
 * terminal and still the same data.
 */
export function formatShownYaml(node: ShownNode, annotate: boolean): string {
  const lines: string[] = [];
  emitEntries(node, 0, annotate, lines);
  return lines.map((line) => `${line}\n`).join("");
}

function emitEntries(node: ShownNode, indent: number, annotate: boolean, lines: string[]): void {
  const pad = " ".repeat(indent);
  if (node.kind === "map") {
    if (node.entries.length === 0) lines.push(`${pad}{}`);
    for (const [key, value] of node.entries)
      emitPair(`${pad}${scalarText(key)}:`, value, indent, annotate, lines);
    return;
  }
  if (node.kind === "list") {
    if (node.items.length === 0) lines.push(`${pad}[]`);
    for (const item of node.items) emitItem(item, indent, annotate, lines);
    return;
  }
  lines.push(`${pad}${scalarText(node.value)}${comment(node.source, annotate)}`);
}

function emitPair(head: string, value: ShownNode, indent: number, annotate: boolean, lines: string[]): void {
  const note = comment(value.source, annotate);
  if (value.kind === "scalar") {
    lines.push(`${head} ${scalarText(value.value)}${note}`);
    return;
  }
  const empty = value.kind === "map" ? value.entries.length === 0 : value.items.length === 0;
  if (empty) {
    lines.push(`${head} ${value.kind === "map" ? "{}" : "[]"}${note}`);
    return;
  }
  lines.push(`${head}${note}`);
  emitEntries(value, indent + 2, annotate, lines);
}

function emitItem(item: ShownNode, indent: number, annotate: boolean, lines: string[]): void {
  const pad = " ".repeat(indent);
  if (item.kind === "scalar") {
    lines.push(`${pad}- ${scalarText(item.value)}${comment(item.source, annotate)}`);
    return;
  }
  // A mapping or list item starts on the dash's line: its first line is moved up behind "- ".
  const nested: string[] = [];
  emitEntries(item, indent + 2, annotate, nested);
  const [first, ...rest] = nested;
  lines.push(`${pad}- ${(first ?? "").slice(indent + 2)}`, ...rest);
}

/** ` # file:line (layer)`, or nothing when not annotating or nothing is known. */
function comment(source: Source | undefined, annotate: boolean): string {
  if (!annotate || !source) return "";
  return `  # ${describeSource(source)}`;
}

/** `services/cart/service.yaml:14:5 (override spec.environments.prod)`, or the layer alone for a built-in default. */
export function describeSource(source: Source): string {
  const where = source.file
    ? `${source.file}:${source.line}:${source.column} (${source.layer})`
    : source.layer;
  // The file and the layer (an environment's name) come from the repository: inert like every value.
  return printable(source.note ? `${where}; ${source.note}` : where);
}

/** One scalar as YAML that parses back to it, inert on a terminal. */
function scalarText(value: string | number | boolean): string {
  const text = stringify(value, { lineWidth: 0, blockQuote: false }).replace(/\n$/, "");
  if (typeof value !== "string") return text;
  // Anything printable() would change is written as an escape in a double-quoted scalar.
  if (printable(text) === text && !text.includes("\n")) return text;
  return printable(JSON.stringify(value));
}
