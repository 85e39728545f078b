import { findPlaceholders } from "../model/placeholders.js";

/** A piece of a value: literal text, or a `${...}` reference split at its dots. */
export type ValuePart =
  | { kind: "text"; text: string }
  | { kind: "ref"; path: string[]; raw: string; offset: number };

/**
 * Splits a Score value into literal text and `${a.b.c}` references, as Score
 * implementations substitute it: `$$` is a literal `$`, and a `$` before
 * anything but `$` or `{` is literal too. An unterminated `${` is literal
 * text (Score leaves it alone); `offset` points at the `$` of a reference.
 */
export function parseScoreValue(value: string): ValuePart[] {
  const parts: ValuePart[] = [];
  let text = "";
  let i = 0;
  while (i < value.length) {
    const c = value[i];
    if (c === "$" && value[i + 1] === "$") {
      text += "$";
      i += 2;
    } else if (c === "$" && value[i + 1] === "{" && value.indexOf("}", i + 2) !== -1) {
      const end = value.indexOf("}", i + 2);
      if (text) parts.push({ kind: "text", text });
      text = "";
      const inner = value.slice(i + 2, end);
      parts.push({ kind: "ref", path: inner.split("."), raw: value.slice(i, end + 1), offset: i });
      i = end + 1;
    } else {
      text += c;
      i += 1;
    }
  }
  if (text) parts.push({ kind: "text", text });
  return parts;
}

/** Writes parts as a Score value: `$` doubled in literal text, references as `${a.b.c}`. */
export function formatScoreValue(parts: readonly ValuePart[]): string {
  return parts
    .map((p) => (p.kind === "text" ? p.text.replaceAll("$", () => "$$") : `\${${p.path.join(".")}}`))
    .join("");
}

/**
 * Splits one of our env values into literal text and references, the way
 * render reads it: `$${` is a literal `${`, and only `${...}` references our
 * placeholder grammar knows are references.
 */
export function parseOurValue(value: string): ValuePart[] {
  const parts: ValuePart[] = [];
  let from = 0;
  const literal = (end: number) => {
    const text = value.slice(from, end).replaceAll("$${", () => "${");
    if (text) parts.push({ kind: "text", text });
  };
  for (const p of findPlaceholders(value)) {
    if (p.source === undefined || p.name === undefined || p.output === undefined) continue;
    literal(p.offset);
    parts.push({ kind: "ref", path: [p.source, p.name, p.output], raw: p.text, offset: p.offset });
    from = p.offset + p.text.length;
  }
  literal(value.length);
  return parts;
}

/**
 * Writes parts as one of our env values, or says why it cannot: a literal
 * `${` becomes `$${`; a literal `$` right before a reference would read as
 * that escape, so it has no spelling in our format.
 */
export function formatOurValue(parts: readonly ValuePart[]): string | { problem: string } {
  let out = "";
  for (const p of parts) {
    if (p.kind === "text") out += p.text.replaceAll("${", () => "$${");
    else {
      if (out.endsWith("$"))
        return { problem: "a literal $ right before a placeholder cannot be written in our format" };
      out += `\${${p.path.join(".")}}`;
    }
  }
  return out;
}
