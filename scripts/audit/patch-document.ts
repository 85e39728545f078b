import type { LoadedDocument } from "../model/document.js";

/** `  key: value` with a plain, single-token value and nothing else on the line. */
const SCALAR_LINE = /^( *)([A-Za-z0-9_][A-Za-z0-9_.-]*): (\S+)$/;
/** A block mapping key opening a nested mapping: `  key:`. */
const PARENT_LINE = /^( *)([A-Za-z0-9_][A-Za-z0-9_.-]*):$/;
const INTEGER = /^[-+]?[0-9]+$/;
/** Plain scalars that the YAML 1.2 core schema reads as a string, with no indicator anywhere. */
const PLAIN_STRING = /^[A-Za-z0-9_/][A-Za-z0-9_./:@+-]*$/;
/** Anything else the core schema would not read as a string: leave it to the parser. */
const NOT_A_STRING =
  /^(?:true|True|TRUE|false|False|FALSE|null|Null|NULL|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o[0-7]+)$/;

/**
 * The document of `text` made from `previous` without parsing, when the two
 * texts differ in exactly one line and that line is `key: value` in block
 * style with the same key and indentation and a plain integer or string
 * value on both sides (an image tag bump, a replica count): the typical
 * commit. Positions stay valid (nothing moves); `file` is the path the new
 * text has (a rename keeps the content). Undefined whenever any of
 * that does not hold: the caller parses the text instead.
 */
export function patchDocument(
  previous: LoadedDocument,
  file: string,
  text: string,
): LoadedDocument | undefined {
  const before = previous.text;
  if (before.length === 0 || text.includes("\r") || before.includes("\r")) return undefined;
  const oldLines = before.split("\n");
  const newLines = text.split("\n");
  if (oldLines.length !== newLines.length) return undefined;
  let changed = -1;
  for (let index = 0; index < oldLines.length; index += 1) {
    if (oldLines[index] === newLines[index]) continue;
    if (changed >= 0) return undefined;
    changed = index;
  }
  if (changed < 0) return { ...previous, file, text };
  const oldLine = SCALAR_LINE.exec(oldLines[changed] as string);
  const newLine = SCALAR_LINE.exec(newLines[changed] as string);
  if (!oldLine || !newLine || oldLine[1] !== newLine[1] || oldLine[2] !== newLine[2]) return undefined;
  const oldValue = scalar(oldLine[3] as string);
  const newValue = scalar(newLine[3] as string);
  if (oldValue === undefined || newValue === undefined) return undefined;
  const path = keyPath(oldLines, changed, (oldLine[1] as string).length);
  if (!path) return undefined;
  path.push(oldLine[2] as string);
  const value = replaceAt(previous.value, path, oldValue, newValue);
  if (value === undefined) return undefined;
  return { file, text, value, locate: previous.locate };
}

/** The value of a plain scalar under the core schema, for the two forms this shortcut takes. */
function scalar(token: string): string | number | undefined {
  if (INTEGER.test(token)) {
    const number = Number(token);
    return Number.isSafeInteger(number) ? number : undefined;
  }
  if (NOT_A_STRING.test(token) || token.endsWith(":") || !PLAIN_STRING.test(token)) return undefined;
  return token;
}

/** The mapping keys above line `index` (indent `indent`), outermost first; undefined outside plain block mappings. */
function keyPath(lines: readonly string[], index: number, indent: number): string[] | undefined {
  const path: string[] = [];
  let current = indent;
  for (let at = index - 1; at >= 0 && current > 0; at -= 1) {
    const line = lines[at] as string;
    if (line.trim() === "" || /^ *#/.test(line)) continue;
    const lead = line.length - line.trimStart().length;
    if (lead >= current) continue;
    const parent = PARENT_LINE.exec(line);
    if (!parent) return undefined;
    path.unshift(parent[2] as string);
    current = lead;
  }
  return current === 0 ? path : undefined;
}

/** A copy of `root` with the value at `path` replaced, when it is there and equals `expected`. */
function replaceAt(root: unknown, path: readonly string[], expected: unknown, value: unknown): unknown {
  if (path.length === 0) return root === expected ? value : undefined;
  if (typeof root !== "object" || root === null || Array.isArray(root)) return undefined;
  const [key, ...rest] = path as [string, ...string[]];
  if (!Object.hasOwn(root, key)) return undefined;
  const child = replaceAt((root as Record<string, unknown>)[key], rest, expected, value);
  if (child === undefined) return undefined;
  return { ...(root as Record<string, unknown>), [key]: child };
}
