import { isDeepStrictEqual } from "node:util";
import { isMap, isScalar, parseDocument, type Scalar, stringify, type YAMLMap } from "yaml";

const PARSE = { version: "1.2", schema: "core", uniqueKeys: false } as const;

/**
 * Sets `spec.environments.<environment>.image` in the text of a service file
 * and returns the new text. The edit is a splice of the source: every other
 * byte (the modeline, comments, flow style, quoting) stays as it was. The
 * shapes handled by splicing are an existing image value, an existing
 * override (block or flow mapping), an existing `environments` block mapping
 * and a spec without `environments`; anything else, or a splice whose result
 * does not parse to exactly the intended value, falls back to the yaml
 * Document API (setIn + toString), which keeps comments but may reformat.
 */
export function setEnvironmentImage(text: string, environment: string, image: string): string {
  const doc = parseDocument(text, PARSE);
  const expected = doc.toJS() as Record<string, unknown>;
  setPath(expected, ["spec", "environments", environment, "image"], image);
  const spliced = splice(text, doc, environment, image);
  if (spliced !== undefined && isDeepStrictEqual(parseDocument(spliced, PARSE).toJS(), expected))
    return spliced;
  doc.setIn(["spec", "environments", environment, "image"], image);
  return doc.toString({ lineWidth: 0 });
}

function splice(
  text: string,
  doc: ReturnType<typeof parseDocument>,
  environment: string,
  image: string,
): string | undefined {
  const value = scalarText(image);
  const spec = doc.get("spec", true);
  if (!isMap(spec) || spec.flow) return undefined;
  const environments = spec.get("environments", true);
  if (environments === undefined || environments === null) {
    // No overrides yet: a new `environments:` block after the last line of spec.
    const indent = blockIndent(text, spec);
    if (indent === undefined) return undefined;
    const at = afterLastLine(text, spec);
    return `${text.slice(0, at)}${indent}environments:\n${indent}  ${environment}: { image: ${value} }\n${text.slice(at)}`;
  }
  if (!isMap(environments)) return undefined;
  const override = environments.get(environment, true);
  if (override === undefined) {
    if (environments.flow) return undefined;
    const indent = blockIndent(text, environments);
    if (indent === undefined) return undefined;
    const at = afterLastLine(text, environments);
    return `${text.slice(0, at)}${indent}${environment}: { image: ${value} }\n${text.slice(at)}`;
  }
  if (!isMap(override)) return undefined;
  const current = override.get("image", true);
  if (isScalar(current)) {
    const range = current.range;
    if (!range) return undefined;
    const replacement = quoted(current) ? scalarLike(current, image) : value;
    return `${text.slice(0, range[0])}${replacement}${text.slice(range[1])}`;
  }
  if (current !== undefined) return undefined;
  const first = override.items[0];
  const firstKey = first && isScalar(first.key) ? first.key : undefined;
  if (override.flow) {
    if (!firstKey?.range) {
      // `{}`: replace it whole.
      const range = override.range;
      if (!range) return undefined;
      return `${text.slice(0, range[0])}{ image: ${value} }${text.slice(range[1])}`;
    }
    return `${text.slice(0, firstKey.range[0])}image: ${value}, ${text.slice(firstKey.range[0])}`;
  }
  if (!firstKey?.range) return undefined;
  const lineStart = text.lastIndexOf("\n", firstKey.range[0] - 1) + 1;
  const indent = text.slice(lineStart, firstKey.range[0]);
  if (!/^ *$/.test(indent)) return undefined;
  return `${text.slice(0, lineStart)}${indent}image: ${value}\n${text.slice(lineStart)}`;
}

/** The indentation of a block mapping's keys, from its first key. */
function blockIndent(text: string, map: YAMLMap): string | undefined {
  const first = map.items[0];
  const key = first && isScalar(first.key) ? first.key : undefined;
  if (!key?.range) return undefined;
  const lineStart = text.lastIndexOf("\n", key.range[0] - 1) + 1;
  const indent = text.slice(lineStart, key.range[0]);
  return /^ +$/.test(indent) ? indent : undefined;
}

/** The offset just after the line where a block mapping's last value ends (its trailing comment included). */
function afterLastLine(text: string, map: YAMLMap): number {
  const last = map.items.at(-1);
  const node = (last?.value ?? last?.key) as { range?: [number, number, number] } | null | undefined;
  const end = node?.range?.[1] ?? map.range?.[1] ?? text.length;
  // A block value's range ends after its final newline; a flow or scalar value's on its own line.
  const from = end > 0 && text[end - 1] === "\n" ? end - 1 : end;
  const newline = text.indexOf("\n", from);
  return newline === -1 ? text.length : newline + 1;
}

/** The image as YAML: plain when that reads back as the same string, else double-quoted. */
function scalarText(image: string): string {
  return stringify(image, { lineWidth: 0 }).trimEnd();
}

function quoted(node: Scalar): boolean {
  return node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE";
}

/** The image in the quoting style of the value it replaces. */
function scalarLike(node: Scalar, image: string): string {
  if (node.type === "QUOTE_SINGLE" && !image.includes("'")) return `'${image}'`;
  return JSON.stringify(image);
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let current = target;
  for (const key of path.slice(0, -1)) {
    const next = current[key];
    if (next === null || typeof next !== "object" || Array.isArray(next)) current[key] = {};
    current = current[key] as Record<string, unknown>;
  }
  const last = path.at(-1);
  if (last !== undefined) current[last] = value;
}
