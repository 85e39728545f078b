import {
  Composer,
  CST,
  type Document,
  type DocumentOptions,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  type Node,
  type Pair,
  type ParsedNode,
  type ParseOptions,
  Parser,
  type SchemaOptions,
  type YAMLError,
  type YAMLMap,
} from "yaml";
import { type Diagnostic, error, type Position } from "../report/diagnostic.js";
import { colonSpaceHint } from "./colon-space.js";
import type { LoadedDocument, ValuePath } from "./document.js";
import { composePlain, type PlainLocate, plainLocator } from "./yaml-fast-path.js";

/** Files above this many bytes are refused before decoding: no config file of ours comes near it. */
export const MAX_FILE_BYTES = 1024 * 1024;

/** Deepest allowed nesting of mappings and sequences (the top-level mapping is level 1). */
export const MAX_DEPTH = 64;

const START: Position = { line: 1, column: 1 };

/** What parsing one file gives: a document when it is acceptable, otherwise at least one error. */
export interface ParseResult {
  document?: LoadedDocument;
  diagnostics: Diagnostic[];
  /**
   * The decoded text whenever decoding succeeded, also when parsing failed:
   * a syntax error is printed with its source line like any other finding.
   */
  text?: string;
}

/** Hostile files can hold a problem per token; past this many, more help nobody. */
const MAX_DIAGNOSTICS = 50;

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * YAML 1.2 core schema only: `yes`/`no`/`on`/`off` stay strings, no timestamps, and no
 * tag resolves to anything but string, number, boolean, null, mapping or sequence.
 * Duplicate keys are found by our own linear pass (yaml's check is quadratic in the
 * size of a mapping).
 *
 * Anchors, aliases and merge keys are refused outright (these files never need them)
 * and values are converted by our own walk, never `toJS`, so no alias is ever
 * expanded: an alias bomb costs one diagnostic per `*` and nothing more.
 */
const COMPOSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: "1.2",
  schema: "core",
  customTags: [],
  resolveKnownTags: false,
  uniqueKeys: false,
  merge: false,
  intAsBigInt: false,
  prettyErrors: false,
};

type YamlDocument = Document.Parsed;

/** Positions for offsets into the decoded text, 1-based. */
type PositionOf = (offset: number) => Position;

/**
 * Parses the bytes of one configuration file into plain JSON data that keeps its way
 * back to `file:line:column`. Hostile or surprising input (bad encoding, huge or deeply
 * nested files, several documents, directives, tags, anchors and aliases, duplicate or
 * prototype-polluting keys, a top level that is not a mapping) becomes error
 * diagnostics. Never throws: the result has a document, or at least one error.
 */
export function parseYamlDocument(
  file: string,
  bytes: Uint8Array | string,
  options: LoadOptions = {},
): ParseResult {
  try {
    return parseChecked(file, bytes, options.topLevel ?? "mapping");
  } catch (cause) {
    return { diagnostics: [unexpectedFailure(file, cause)] };
  }
}

/**
 * The exact path alone, on decoded text: what parseYamlDocument gives for a
 * file the fast path does not take. The reference the fast path is tested
 * against.
 */
export function parseYamlExact(file: string, text: string, options: LoadOptions = {}): ParseResult {
  try {
    return parseText(file, text, options.topLevel ?? "mapping");
  } catch (cause) {
    return { diagnostics: [unexpectedFailure(file, cause)] };
  }
}

/** What a file's top level must be: a mapping (every kind), or a list (policies/exceptions.yaml). */
export interface LoadOptions {
  topLevel?: "mapping" | "sequence";
}

/** The diagnostic for a file over MAX_FILE_BYTES; shared with the reader, which checks before reading. */
export function fileTooLarge(file: string, size: number): Diagnostic {
  return error(
    "load.too-large",
    `File is ${size} bytes, over the limit of ${MAX_FILE_BYTES} bytes (1 MiB)`,
    file,
    START,
    "Configuration files are small; split the content or remove what does not belong here.",
  );
}

function parseChecked(file: string, bytes: Uint8Array | string, topLevel: TopLevel): ParseResult {
  const size = typeof bytes === "string" ? Buffer.byteLength(bytes, "utf8") : bytes.byteLength;
  if (size > MAX_FILE_BYTES) return refuse([fileTooLarge(file, size)]);
  const decoded = decode(file, bytes);
  if (typeof decoded !== "string") return refuse([decoded]);
  // Most files are plain configuration: the fast path reads them, and the exact
  // path below runs only for the rest (every diagnostic comes from it) and,
  // lazily, when a diagnostic needs a position in an accepted file.
  const value = composePlain(decoded, topLevel, MAX_DEPTH);
  if (value !== undefined) {
    return {
      document: { file, text: decoded, value, locate: lazyLocator(decoded) },
      diagnostics: [],
      text: decoded,
    };
  }
  return { ...parseText(file, decoded, topLevel), text: decoded };
}

type TopLevel = NonNullable<LoadOptions["topLevel"]>;

/** The CST of `text` (or where it nests too deep), and positions for offsets into it. */
function tokenizeText(text: string): { tokenized: CST.Token[] | number; positionOf: PositionOf } {
  const lineCounter = new LineCounter();
  const positionOf: PositionOf = (offset) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: Math.max(line, 1), column: Math.max(col, 1) };
  };
  return { tokenized: tokenize(text, lineCounter), positionOf };
}

function parseText(file: string, text: string, topLevel: TopLevel): ParseResult {
  const { tokenized, positionOf } = tokenizeText(text);
  if (typeof tokenized === "number") return refuse([tooDeep(file, positionOf(tokenized))]);

  const diagnostics = scanTokens(file, tokenized, positionOf);
  const composer = new Composer(COMPOSE_OPTIONS);
  const documents = [...composer.compose(tokenized)];
  const structural = checkStream(file, text, documents, composer.streamInfo().errors, positionOf);
  const document = documents[0];
  if (structural.length > 0 || document === undefined) return refuse(diagnostics.concat(structural));

  const all = diagnostics.concat(checkTree(file, document, positionOf, topLevel));
  if (all.length > 0) return refuse(all);
  return {
    document: { file, text, value: toPlain(document.contents), locate: locator(document, positionOf) },
    diagnostics: [],
  };
}

/**
 * `locate` for a file the fast path read: the first call parses the text
 * again on the exact path, for its node tree and positions. Only files with
 * a diagnostic pay for it.
 */
function lazyLocator(text: string): LoadedDocument["locate"] {
  let plain: PlainLocate | undefined;
  let lines: number[] | undefined;
  let locate: LoadedDocument["locate"] | undefined;
  return (path, at = "value") => {
    // Most paths end at a plain scalar, which js-yaml's events locate for a fraction of the exact path's cost.
    plain ??= plainLocator(text, MAX_DEPTH);
    const offset = plain(path, at);
    if (offset !== undefined) {
      lines ??= lineStarts(text);
      return offsetPosition(lines, offset);
    }
    locate ??= exactLocator(text);
    return locate(path, at);
  };
}

/** The offset each line of `text` starts at (lines end at a line feed, as `yaml`'s LineCounter counts them). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** The 1-based line and column of `offset`, given the line starts. */
function offsetPosition(starts: readonly number[], offset: number): Position {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((starts[middle] as number) <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, column: offset - (starts[low] as number) + 1 };
}

function exactLocator(text: string): LoadedDocument["locate"] {
  const { tokenized, positionOf } = tokenizeText(text);
  const document =
    typeof tokenized === "number" ? undefined : new Composer(COMPOSE_OPTIONS).compose(tokenized).next().value;
  if (!document) return () => START;
  return locator(document, positionOf);
}

// Diagnostics travel in arrays, never as spread arguments: a hostile file can produce
// more of them than a call's argument limit, which throws a RangeError.
function refuse(diagnostics: Diagnostic[]): ParseResult {
  const sorted = diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  if (sorted.length <= MAX_DIAGNOSTICS) return { diagnostics: sorted };
  const shown = sorted.slice(0, MAX_DIAGNOSTICS);
  const last = shown[shown.length - 1] as Diagnostic;
  const more = error(
    "load.too-many-errors",
    `${sorted.length - MAX_DIAGNOSTICS} more problems in this file are not shown`,
    last.file,
    { line: last.line, column: last.column },
    "Fix the problems above and run again.",
  );
  return { diagnostics: [...shown, more] };
}

function unexpectedFailure(file: string, cause: unknown): Diagnostic {
  // Stack overflows and alias expansion limits inside yaml surface as these two classes.
  if (cause instanceof RangeError) {
    return error(
      "load.too-deep",
      `File is too deeply nested or too big to parse (${cause.message})`,
      file,
      START,
      "Flatten the structure and keep the file small.",
    );
  }
  if (cause instanceof ReferenceError) {
    return error(
      "load.alias-limit",
      "File expands too many aliases",
      file,
      START,
      "Remove anchors (&name) and aliases (*name): write the values out.",
    );
  }
  const reason = cause instanceof Error ? cause.message : String(cause);
  return error(
    "load.internal",
    `File could not be parsed: ${reason}`,
    file,
    START,
    "This is a bug in the platform tooling; report it to the platform team with the file.",
  );
}

// ---------------------------------------------------------------------------
// Decoding

function decode(file: string, bytes: Uint8Array | string): string | Diagnostic {
  if (typeof bytes === "string") return bytes.startsWith("\uFEFF") ? bytes.slice(1) : bytes;
  try {
    // The default (ignoreBOM: false) strips a leading byte order mark.
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const offset = firstInvalidByte(bytes);
    const at = bytePosition(bytes, offset);
    const value = bytes[offset];
    const shown = value === undefined ? "truncated sequence at the end" : `0x${hex(value)}`;
    return error(
      "load.encoding",
      `File is not valid UTF-8: byte ${shown} at line ${at.line}, column ${at.column}`,
      file,
      at,
      "Save the file as UTF-8 (not Latin-1, Windows-1252 or UTF-16).",
    );
  }
}

function hex(value: number): string {
  return value.toString(16).toUpperCase().padStart(2, "0");
}

/**
 * A valid prefix survives a lossy decode and re-encode byte for byte; the first byte
 * that differs is where decoding went wrong.
 */
function firstInvalidByte(bytes: Uint8Array): number {
  const again = new TextEncoder().encode(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes));
  let offset = 0;
  while (offset < bytes.length && bytes[offset] === again[offset]) offset += 1;
  return offset;
}

function bytePosition(bytes: Uint8Array, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i += 1) {
    if (bytes[i] === 0x0a) {
      line += 1;
      lineStart = i + 1;
    }
  }
  const before = new TextDecoder("utf-8").decode(bytes.subarray(lineStart, offset));
  return { line, column: before.length + 1 };
}

// ---------------------------------------------------------------------------
// Tokens: nesting depth, directives, tags, anchors, aliases

/**
 * Runs yaml's (iterative) parser by hand so nesting depth is known while tokens arrive.
 * yaml's composer recurses per level: 10,000 levels fill its error list with stack
 * overflows and 100,000 levels make V8 abort the whole process out of memory, so
 * deep input must never reach it. Returns the CST, or the offset of the first
 * collection nested too deep.
 */
function tokenize(text: string, lineCounter: LineCounter): CST.Token[] | number {
  const parser = new Parser(lineCounter.addNewLine);
  const tokens: CST.Token[] = [];
  lineCounter.addNewLine(0);
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (parser.stack.length > MAX_DEPTH) {
      const tooDeep = parser.stack.filter(CST.isCollection)[MAX_DEPTH];
      if (tooDeep !== undefined) return tooDeep.offset;
    }
  }
  for (const token of parser.end()) tokens.push(token);
  return tokens;
}

function tooDeep(file: string, at: Position): Diagnostic {
  return error(
    "load.too-deep",
    `Nesting is deeper than ${MAX_DEPTH} levels`,
    file,
    at,
    "Flatten the structure; configuration never needs this many levels.",
  );
}

type PropToken = { type: string; offset: number; source: string };

/** Finds directives, tags, anchors and aliases in the CST: there they carry their own offsets. */
function scanTokens(file: string, tokens: readonly CST.Token[], positionOf: PositionOf): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const pending: unknown[] = [...tokens];
  while (pending.length > 0) {
    const item = pending.pop();
    if (Array.isArray(item)) {
      for (const element of item) pending.push(element);
    } else if (typeof item === "object" && item !== null) {
      const found = propDiagnostic(file, item as PropToken, positionOf);
      if (found !== undefined) diagnostics.push(found);
      for (const child of ["start", "items", "key", "sep", "value", "end", "props"] as const) {
        const value = (item as Record<string, unknown>)[child];
        if (typeof value === "object" && value !== null) pending.push(value);
      }
    }
  }
  return diagnostics;
}

function propDiagnostic(file: string, token: PropToken, positionOf: PositionOf): Diagnostic | undefined {
  const at = () => positionOf(token.offset);
  switch (token.type) {
    case "directive":
      return directiveDiagnostic(file, token.source, at());
    case "tag":
      return error(
        "load.tag",
        `Explicit tag ${quote(token.source)} is not allowed`,
        file,
        at(),
        'Remove the tag; quote the value if it must be a string (e.g. "1.10").',
      );
    case "anchor":
    case "alias":
      return error(
        "load.alias",
        `${token.type === "anchor" ? "Anchor" : "Alias"} ${quote(token.source)} is not allowed`,
        file,
        at(),
        "Anchors (&name), aliases (*name) and merge keys (<<) are not supported: write the values out.",
      );
    default:
      return undefined;
  }
}

function directiveDiagnostic(file: string, source: string, at: Position): Diagnostic {
  const isVersion = source.startsWith("%YAML");
  const why = isVersion
    ? "files are always read as YAML 1.2 (under YAML 1.1, `no`, `off` and `yes` would turn into booleans)"
    : "directives change how the rest of the file is read";
  return error(
    "load.directive",
    `Directive ${quote(source.trim())} is not allowed: ${why}`,
    file,
    at,
    "Delete the directive line (and a `---` right after it, if nothing else needs it).",
  );
}

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

// ---------------------------------------------------------------------------
// The stream: empty, several documents, syntax errors

function checkStream(
  file: string,
  text: string,
  documents: readonly YamlDocument[],
  streamErrors: readonly YAMLError[],
  positionOf: PositionOf,
): Diagnostic[] {
  const first = documents[0];
  const diagnostics: Diagnostic[] = [];
  if (first === undefined || isEmptyNode(first.contents)) {
    diagnostics.push(
      error(
        "load.empty",
        "File is empty: it has no content besides comments",
        file,
        START,
        "Fill in the file (the schema named on its first line says what it needs) or delete it.",
      ),
    );
  }
  const second = documents[1];
  if (second !== undefined) {
    diagnostics.push(
      error(
        "load.multiple-documents",
        `File holds ${documents.length} YAML documents; a second one starts here`,
        file,
        positionOf(second.range[0]),
        "Keep one document per file: remove the `---` line and what follows, or move it to its own file.",
      ),
    );
  }
  const yamlErrors = [...streamErrors, ...documents.flatMap((document) => document.errors)];
  for (const yamlError of yamlErrors.slice(0, MAX_DIAGNOSTICS)) {
    diagnostics.push(syntaxDiagnostic(file, text, yamlError, positionOf));
  }
  return diagnostics;
}

function isEmptyNode(node: unknown): boolean {
  return node === null || (isScalar(node) && node.value === null && node.source === "");
}

const SYNTAX_HINTS: Partial<Record<string, string>> = {
  TAB_AS_INDENT: "Indent with spaces, never tabs.",
  BAD_INDENT: "Line the entry up with its siblings, indenting with spaces.",
  MISSING_CHAR: "Add the missing closing quote or bracket.",
  BLOCK_AS_IMPLICIT_KEY: "Put a nested mapping on its own lines, indented below its key.",
  MULTILINE_IMPLICIT_KEY: "A key must fit on one line; check for a missing `:` or a wrong indentation.",
  KEY_OVER_1024_CHARS: "Shorten the key.",
  BAD_DQ_ESCAPE: "Fix the backslash escape, or use single quotes where backslashes are literal.",
};

function syntaxDiagnostic(
  file: string,
  text: string,
  yamlError: YAMLError,
  positionOf: PositionOf,
): Diagnostic {
  const unclosed = unclosedQuote(text, yamlError);
  const at = positionOf(unclosed ?? yamlError.pos[0]);
  // `port:8080` makes yaml complain about something else; the line itself says what is wrong.
  const line = text.split(/\r?\n/, at.line)[at.line - 1] ?? "";
  const hint =
    unclosed !== undefined
      ? "This quoted string is never closed: add the closing quote (without it, the string runs to the end of the file)."
      : (colonSpaceHint(line) ?? SYNTAX_HINTS[yamlError.code] ?? "Fix the YAML syntax at this position.");
  return error("load.syntax", `YAML syntax error: ${cleanMessage(yamlError.message)}`, file, at, hint);
}

/**
 * yaml reports a missing closing quote where the file ends; the mistake is
 * where the string opens. Inside an unclosed string every quote is escaped
 * (`\\"` in double quotes, `''` in single quotes), so the opening quote is
 * the last one that is not: after an even run of backslashes, or the first
 * of an odd run of single quotes.
 */
function unclosedQuote(text: string, yamlError: YAMLError): number | undefined {
  const quote = /^Missing closing (["'])quote/.exec(yamlError.message)?.[1];
  if (quote === undefined) return undefined;
  for (let i = Math.min(yamlError.pos[0], text.length) - 1; i >= 0; i--) {
    if (text[i] !== quote) continue;
    if (quote === '"') {
      let backslashes = 0;
      while (text[i - 1 - backslashes] === "\\") backslashes++;
      if (backslashes % 2 === 0) return i;
    } else {
      let first = i;
      while (text[first - 1] === "'") first--;
      if ((i - first + 1) % 2 === 1) return first;
      i = first;
    }
  }
  return undefined;
}

/** yaml's messages may span lines and quote whole tokens; keep one readable line. */
function cleanMessage(message: string): string {
  const oneLine = message.split("\n")[0]?.replace(/\s+/g, " ").trim() ?? "";
  const short = oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
  return short.replace(/\.$/, "");
}

// ---------------------------------------------------------------------------
// The node tree: top level, keys, duplicates, numbers, depth

function checkTree(
  file: string,
  document: YamlDocument,
  positionOf: PositionOf,
  topLevel: TopLevel,
): Diagnostic[] {
  const root = document.contents;
  if (topLevel === "sequence" && !isSeq(root)) {
    return [
      error(
        "load.not-a-list",
        `The top level must be a list, not ${describeNode(root)}`,
        file,
        positionOf(nodeOffset(root)),
        "Start each entry with `- `; an empty file is `[]`.",
      ),
    ];
  }
  if (topLevel === "mapping" && !isMap(root)) {
    return [
      error(
        "load.not-a-mapping",
        `The top level must be a mapping of keys to values, not ${describeNode(root)}`,
        file,
        positionOf(nodeOffset(root)),
        "Start the file with keys such as `apiVersion:`, `kind:`, `metadata:` and `spec:`.",
      ),
    ];
  }
  const diagnostics: Diagnostic[] = [];
  const report = (diagnostic: Diagnostic) => diagnostics.push(diagnostic);
  const pending: { node: unknown; depth: number }[] = [{ node: root, depth: 1 }];
  let reportedDepth = false;
  while (pending.length > 0) {
    const { node, depth } = pending.pop() as { node: unknown; depth: number };
    if (isMap(node) || isSeq(node)) {
      if (depth > MAX_DEPTH) {
        if (!reportedDepth) report(tooDeep(file, positionOf(nodeOffset(node))));
        reportedDepth = true;
        continue;
      }
      const children = isMap(node) ? checkMapping(file, node, positionOf, report) : node.items;
      for (const child of children) pending.push({ node: child, depth: depth + 1 });
    } else if (isScalar(node) && typeof node.value === "number" && !Number.isFinite(node.value)) {
      report(nonFiniteNumber(file, node.source ?? String(node.value), positionOf(nodeOffset(node))));
    }
  }
  return diagnostics;
}

/** Checks every key of one mapping in a single pass; returns the values to descend into. */
function checkMapping(
  file: string,
  mapping: YAMLMap,
  positionOf: PositionOf,
  report: (diagnostic: Diagnostic) => void,
): unknown[] {
  const firstOffsets = new Map<string, number>();
  const values: unknown[] = [];
  for (const pair of mapping.items) {
    values.push(pair.value);
    if (isAlias(pair.key)) continue; // already reported as load.alias
    const at = positionOf(nodeOffset(pair.key ?? mapping));
    const problem = keyProblem(file, pair, at);
    if (problem !== undefined) {
      report(problem);
      continue;
    }
    const key = keyString(pair.key);
    const firstOffset = firstOffsets.get(key);
    if (firstOffset === undefined) {
      firstOffsets.set(key, nodeOffset(pair.key));
    } else {
      const firstLine = positionOf(firstOffset).line;
      report(
        error(
          "load.duplicate-key",
          `Key ${quote(key)} appears twice in this mapping; the first is on line ${firstLine}`,
          file,
          at,
          "Keep one of them: YAML would silently use only one value.",
        ),
      );
    }
  }
  return values;
}

function keyProblem(file: string, pair: Pair, at: Position): Diagnostic | undefined {
  const key = pair.key;
  if (!isScalar(key) || (key.value === null && key.source === "")) {
    return error(
      "load.key",
      `Mapping keys must be plain text, not ${describeNode(key)}`,
      file,
      at,
      "Use a simple word as the key, e.g. `name:`.",
    );
  }
  if (key.type === "PLAIN" && key.value === "<<") {
    return error(
      "load.alias",
      "Merge key `<<` is not supported",
      file,
      at,
      "Anchors (&name), aliases (*name) and merge keys (<<) are not supported: write the values out.",
    );
  }
  const text = keyString(key);
  if (FORBIDDEN_KEYS.has(text)) {
    return error(
      "load.forbidden-key",
      `Key ${quote(text)} is not allowed`,
      file,
      at,
      "Rename the key: __proto__, constructor and prototype are reserved.",
    );
  }
  return undefined;
}

function nonFiniteNumber(file: string, source: string, at: Position): Diagnostic {
  return error(
    "load.number",
    `Value ${quote(source)} is not a finite number`,
    file,
    at,
    "Quote it if you meant the text, or write a number.",
  );
}

/**
 * Keys are strings in JSON: a string key is itself, a number, boolean or null key is
 * kept as written (`8080:` is "8080", `1.50:` is "1.50", `true:` is "true").
 */
function keyString(key: unknown): string {
  if (!isScalar(key)) return "";
  return typeof key.value === "string" ? key.value : (key.source ?? String(key.value));
}

function nodeOffset(node: unknown): number {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : 0;
}

function describeNode(node: unknown): string {
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  if (isAlias(node)) return "an alias";
  if (isScalar(node))
    return node.value === null ? "empty" : `the value ${quote(String(node.source ?? node.value))}`;
  return "empty";
}

// ---------------------------------------------------------------------------
// Plain values and locate()

/** Depth is checked before this runs, so the recursion is bounded by MAX_DEPTH. */
function toPlain(node: unknown): unknown {
  if (isMap(node)) {
    const result: Record<string, unknown> = {};
    for (const pair of node.items) {
      // defineProperty never runs the __proto__ setter, whatever the key.
      Object.defineProperty(result, keyString(pair.key), {
        value: toPlain(pair.value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return result;
  }
  if (isSeq(node)) return node.items.map(toPlain);
  if (isScalar(node)) {
    const value = node.value;
    if (value === null || typeof value === "string" || typeof value === "boolean") return value;
    if (typeof value === "number") return value;
    return String(value);
  }
  return null;
}

function locator(document: YamlDocument, positionOf: PositionOf): LoadedDocument["locate"] {
  const root = document.contents;
  const keyIndexes = new WeakMap<YAMLMap, Map<string, Pair>>();
  const lookup = (mapping: YAMLMap, key: string): Pair | undefined => {
    let index = keyIndexes.get(mapping);
    if (index === undefined) {
      index = new Map(mapping.items.map((pair): [string, Pair] => [keyString(pair.key), pair]));
      keyIndexes.set(mapping, index);
    }
    return index.get(key);
  };
  return (path, at = "value") => positionOf(locateOffset(root, path, at, lookup));
}

/**
 * Walks the path down the node tree. A missing step stops the walk at the deepest
 * node found; when that node is a mapping entry, its key is the best place to point.
 */
function locateOffset(
  root: ParsedNode | null,
  path: ValuePath,
  at: "key" | "value",
  lookup: (mapping: YAMLMap, key: string) => Pair | undefined,
): number {
  let node: unknown = root;
  let keyNode: unknown;
  for (const [index, step] of path.entries()) {
    const next = stepInto(node, step, lookup);
    if (next === undefined) return nodeOffset(keyNode ?? node);
    const isLast = index === path.length - 1;
    if (isLast && at === "key" && next.key !== undefined) return nodeOffset(next.key);
    node = next.value;
    keyNode = next.key;
  }
  // `name:` with nothing after it: the key is where a person looks.
  return nodeOffset(isEmptyNode(node) && keyNode !== undefined ? keyNode : node);
}

function stepInto(
  node: unknown,
  step: string | number,
  lookup: (mapping: YAMLMap, key: string) => Pair | undefined,
): { key?: unknown; value: unknown } | undefined {
  if (isMap(node)) {
    const pair = lookup(node, String(step));
    return pair === undefined ? undefined : { key: pair.key, value: pair.value };
  }
  if (isSeq(node)) {
    const index = typeof step === "number" ? step : /^(0|[1-9]\d*)$/.test(step) ? Number(step) : -1;
    return index >= 0 && index < node.items.length ? { value: node.items[index] } : undefined;
  }
  return undefined;
}
