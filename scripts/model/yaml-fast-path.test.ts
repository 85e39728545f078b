import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_DEPTH, parseYamlDocument, parseYamlExact } from "./parse-yaml.js";
import { composePlain } from "./yaml-fast-path.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Every YAML file a repository of ours holds, from the example content. */
const EXAMPLES = ["environments", "teams", "services", "policies"].flatMap((folder) =>
  readdirSync(path.join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".yaml"))
    .map((entry) => path.join(entry.parentPath, entry.name)),
);

type TopLevel = "mapping" | "sequence";

/** What the fast path gives, with `undefined` for "take the exact path". */
/**
 * An example file (one whose top level is a mapping) with one to three small
 * edits, each removing up to 3 characters and inserting up to 3 of `significant`.
 */
function mutatedExample(significant: string): fc.Arbitrary<string> {
  const samples = EXAMPLES.map((file) => readFileSync(file, "utf8")).filter(
    (text) => !text.trimStart().startsWith("-"),
  );
  const edit = fc.record({
    at: fc.nat(),
    remove: fc.nat({ max: 3 }),
    insert: fc.string({ unit: fc.constantFrom(...significant.split("")), maxLength: 3 }),
  });
  return fc
    .tuple(fc.nat({ max: samples.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 3 }))
    .map(([i, edits]) => {
      let text = samples[i] ?? "";
      for (const { at, remove, insert } of edits) {
        const position = at % (text.length + 1);
        text = text.slice(0, position) + insert + text.slice(position + remove);
      }
      return text;
    });
}

function fast(text: string, topLevel: TopLevel = "mapping"): unknown {
  return composePlain(text, topLevel, MAX_DEPTH);
}

/** The exact path's value, or `undefined` when it refuses the text. */
function exact(text: string, topLevel: TopLevel = "mapping"): unknown {
  return parseYamlExact("x.yaml", text, { topLevel }).document?.value;
}

/** The contract: the fast path either steps aside or agrees with the exact path. */
function agrees(text: string, topLevel: TopLevel = "mapping"): boolean {
  const value = fast(text, topLevel);
  if (value === undefined) return true;
  expect(exact(text, topLevel), JSON.stringify(text)).toStrictEqual(value);
  return true;
}

describe("composePlain", () => {
  it("reads every example file, with the exact path's value", () => {
    expect(EXAMPLES.length).toBeGreaterThan(10);
    for (const file of EXAMPLES) {
      const text = readFileSync(file, "utf8");
      const topLevel = path.basename(file) === "exceptions.yaml" ? "sequence" : "mapping";
      const value = fast(text, topLevel);
      expect(value, file).toBeDefined();
      expect(value, file).toStrictEqual(exact(text, topLevel));
    }
  });

  it.each([
    ["null", "a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: nULL\n"],
    ["booleans", "a: true\nb: True\nc: TRUE\nd: false\ne: yes\nf: on\ng: tRUE\n"],
    ["integers", "a: 0o17\nb: -12\nc: +7\nd: 0x1F\ne: 0b101\nf: 1_000\ng: 0o8\nh: -0x1\ni: 007\nj: -0\n"],
    [
      "floats",
      "a: 1.50\nb: .5\nc: -1.\nd: 1e3\ne: 1E-2\nf: +.5e+1\ng: 1.2.3\nh: 1e\ni: 99999999999999999999\n",
    ],
    ["strings that look typed", "a: 2024-01-01\nb: 1.10\nc: '1.10'\nd: \"true\"\ne: =\nf: 0x\ng: 12:30\n"],
    ["keys kept as written", "1.50: a\ntrue: b\n~: c\n0x1F: d\n'quoted': e\n8080: f\n"],
    ["block scalars", "a: |\n  one\n  two\nb: >-\n  x\n  y\nc: |+\n  keep\n\nd: |2\n    indented\n"],
    ["folded plain scalars", "a: first\n  second\n\n  third\nb: [one two,\n  three]\n"],
    ["flow collections", "a: {x: 1, y: [1, 2, {z: null}], 'q': \"r\"}\nb: []\nc: {}\n"],
    ["escapes", "a: \"tab\\there \\u00e9 \\x41\"\nb: 'it''s'\n"],
    ["comments", "# head\na: 1 # trailing\nb: 2#not a comment\n# tail\n"],
    ["CRLF line ends", "a: 1\r\nb:\r\n  - x\r\n  - y\r\n"],
    ["explicit document markers", "---\na: 1\n...\n"],
    ["complex keys", "? a\n: 1\n? [x]\n: 2\n"],
    ["an empty key", '"": 1\n'],
  ])("agrees with the exact path on %s", (_name, text) => {
    expect(agrees(text)).toBe(true);
  });

  it.each([
    ["an anchor", "a: &x 1\nb: 2\n"],
    ["an alias", "a: 1\nb: *x\n"],
    ["a tag", "a: !!str 1\n"],
    ["a directive", "%YAML 1.2\n---\na: 1\n"],
    ["a merge key", "<<: {a: 1}\n"],
    ["a duplicate key", "a: 1\na: 2\n"],
    ["a reserved key", "__proto__: 1\n"],
    ["a second document", "a: 1\n---\nb: 2\n"],
    ["an infinite number", "a: .inf\n"],
    ["a list at the top", "- a\n"],
    ["a scalar at the top", "just text\n"],
    ["comments only", "# nothing\n"],
    ["a syntax error", "a: [1, 2\n"],
    ["tabs as indentation", "a:\n\tb: 1\n"],
    ["nesting deeper than the limit", `a: ${"[".repeat(MAX_DEPTH)}${"]".repeat(MAX_DEPTH)}\n`],
  ])("steps aside for %s", (_name, text) => {
    expect(fast(text)).toBeUndefined();
  });

  it("takes nesting right up to the limit", () => {
    const levels = MAX_DEPTH - 1;
    expect(fast(`a: ${"[".repeat(levels)}${"]".repeat(levels)}\n`)).toBeDefined();
  });

  it("reads a list at the top when a list is wanted", () => {
    expect(fast("- rule: a\n  expires: 2027-01-01\n", "sequence")).toStrictEqual([
      { rule: "a", expires: "2027-01-01" },
    ]);
  });

  it("agrees with the exact path on mutated example files", () => {
    const significant =
      "-?:,[]{}#&*!|>'\"%@` \t\n\r\\.~<0123456789exn\u0000\u0007\u001b\u0085\u2028\u00a0\ufeff";
    let accepted = 0;
    fc.assert(
      fc.property(mutatedExample(significant), (text) => {
        if (fast(text) !== undefined) accepted += 1;
        return agrees(text);
      }),
      { numRuns: 1500 },
    );
    // Most single edits leave a readable file: the comparison must really have run.
    expect(accepted).toBeGreaterThan(300);
  });

  it("gives parseYamlDocument positions from the exact path", () => {
    const text = "a: 1\nb:\n  c: 'x'\n  d: [1, 2]\n";
    const document = parseYamlDocument("x.yaml", text).document;
    const reference = parseYamlExact("x.yaml", text).document;
    for (const [route, at] of [
      [["b", "c"], "value"],
      [["b", "c"], "key"],
      [["b", "d", 1], "value"],
      [["b", "missing"], "value"],
    ] as const) {
      expect(document?.locate(route, at)).toStrictEqual(reference?.locate(route, at));
    }
    expect(document?.locate(["b", "c"])).toStrictEqual({ line: 3, column: 6 });
  });
});

/** Every path into `value`, each also with a missing child and a missing index, to locate. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const paths = [prefix, [...prefix, "missing"], [...prefix, 7]];
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) paths.push(...pathsOf(item, [...prefix, i]));
  } else if (value !== null && typeof value === "object")
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  return paths;
}

/** The contract of locate: wherever the fast path read a file, it points where the exact path points. */
function locatesAlike(text: string, topLevel: TopLevel = "mapping"): number {
  const document = parseYamlDocument("x.yaml", text, { topLevel }).document;
  const reference = parseYamlExact("x.yaml", text, { topLevel }).document;
  if (fast(text, topLevel) === undefined || !document || !reference) return 0;
  let compared = 0;
  for (const route of pathsOf(reference.value)) {
    for (const at of ["value", "key"] as const) {
      expect(document.locate(route, at), `${JSON.stringify(text)} ${route.join("/")} ${at}`).toStrictEqual(
        reference.locate(route, at),
      );
      compared++;
    }
  }
  return compared;
}

describe("locate on the fast path", () => {
  it("points where the exact path points, for every path of every example file", () => {
    let compared = 0;
    for (const file of EXAMPLES) {
      const topLevel = path.basename(file) === "exceptions.yaml" ? "sequence" : "mapping";
      compared += locatesAlike(readFileSync(file, "utf8"), topLevel);
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it.each([
    [
      "scalars of every style",
      "a: plain\nb: 'single'\nc: \"double\"\nd: |\n  block\ne: >-\n  folded\nf:\ng: ~\n",
    ],
    ["keys of every style", "'q': 1\n\"d\": 2\n8080: 3\ntrue: 4\n1.50: 5\n"],
    ["lists", "a:\n  - x\n  - 'y'\n  - {k: v}\n  - [1, 2]\n  -\n  - - nested\nb: [p, 'q', {r: s}]\n"],
    ["flow mappings", "a: {x: 1, y: [1, 2, {z: null}], 'q': \"r\"}\nb: []\nc: {}\n"],
    ["folded plain scalars", "a: first\n  second\n\n  third\nb: [one two,\n  three]\n"],
    ["comments and CRLF", "# head\r\na: 1 # trailing\r\nb:\r\n  - x # c\r\n  -   y\r\n"],
    ["explicit document markers", "---\na: 1\n...\n"],
    ["complex keys", "? a\n: 1\n? b\n:\n"],
    ["non-ASCII text", "a: héllo wörld\nb:\n  c: 日本 語\n  d: '𝒳'\n"],
  ])("points where the exact path points on %s", (_name, text) => {
    expect(locatesAlike(text)).toBeGreaterThan(0);
  });

  it("points where the exact path points on mutated example files", () => {
    let compared = 0;
    fc.assert(
      fc.property(mutatedExample("-?:,[]{}#'\" \t\n\r.~|>0123456789x"), (text) => {
        compared += locatesAlike(text);
      }),
      { numRuns: 300 },
    );
    expect(compared).toBeGreaterThan(10_000);
  });
});
