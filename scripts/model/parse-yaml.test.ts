import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ValuePath } from "./document.js";
import { MAX_DEPTH, MAX_FILE_BYTES, parseYamlDocument } from "./parse-yaml.js";

const FILE = "services/checkout/service.yaml";

function parse(source: string | Uint8Array) {
  return parseYamlDocument(FILE, source);
}

function bytes(...parts: (string | number[])[]): Uint8Array {
  const encoder = new TextEncoder();
  return Uint8Array.from(
    parts.flatMap((part) => (typeof part === "string" ? [...encoder.encode(part)] : part)),
  );
}

/** code, line, column of each diagnostic, in order. */
function summary(source: string | Uint8Array): [string, number, number][] {
  return parse(source).diagnostics.map((d) => [d.code, d.line, d.column]);
}

function nested(levels: number): string {
  // The top-level mapping is level 1; every `[` adds one.
  return `a: ${"[".repeat(levels - 1)}${"]".repeat(levels - 1)}\n`;
}

describe("parseYamlDocument refusals", () => {
  it.each<[string, string | Uint8Array, [string, number, number][]]>([
    ["invalid UTF-8 on line 1", bytes("a: ", [0xff], "\n"), [["load.encoding", 1, 4]]],
    ["invalid UTF-8 after a multi-byte char", bytes("a: 1\nbé: ", [0xc3, 0x28]), [["load.encoding", 2, 5]]],
    ["truncated UTF-8 at the end", bytes("a: ", [0xe2, 0x82]), [["load.encoding", 1, 4]]],
    ["UTF-16 with its BOM", bytes([0xff, 0xfe], "a"), [["load.encoding", 1, 1]]],
    ["empty file", "", [["load.empty", 1, 1]]],
    ["only comments", "# yaml-language-server: $schema=x\n# nothing\n", [["load.empty", 1, 1]]],
    ["only a document marker", "---\n", [["load.empty", 1, 1]]],
    ["only whitespace", "  \n\n", [["load.empty", 1, 1]]],
    ["tab indentation", "a:\n\tb: 1\n", [["load.syntax", 2, 1]]],
    ["unclosed flow sequence", "a: [1, 2\nb: 3\n", [["load.syntax", 2, 1]]],
    ["stray closing bracket", "a: 1\n]\n", [["load.syntax", 2, 1]]],
    ["two documents", "a: 1\n---\nb: 2\n", [["load.multiple-documents", 2, 1]]],
    ["two documents after ...", "a: 1\n...\nb: 2\n", [["load.multiple-documents", 3, 1]]],
    ["%YAML directive", "%YAML 1.1\n---\na: no\n", [["load.directive", 1, 1]]],
    ["%TAG directive", "%TAG !e! tag:e.example:\n---\na: 1\n", [["load.directive", 1, 1]]],
    ["!!binary", "a: 1\nb: !!binary aGk=\n", [["load.tag", 2, 4]]],
    ["!!str", "a: !!str 1\n", [["load.tag", 1, 4]]],
    ["!!set", "a: !!set {x}\n", [["load.tag", 1, 4]]],
    ["custom tag", "a:\n  - !custom x\n", [["load.tag", 2, 5]]],
    ["non-specific tag", "a: ! x\n", [["load.tag", 1, 4]]],
    [
      "anchor and alias",
      "a: &x 1\nb: *x\n",
      [
        ["load.alias", 1, 4],
        ["load.alias", 2, 4],
      ],
    ],
    ["merge key", "a: 1\n<<: {b: 2}\n", [["load.alias", 2, 1]]],
    ["duplicate key", "a: 1\nb: 2\na: 3\n", [["load.duplicate-key", 3, 1]]],
    ["nested duplicate key", "a:\n  x: 1\n  x: 2\n", [["load.duplicate-key", 3, 3]]],
    ["duplicate in flow mapping", "a: {x: 1, y: 2, x: 3}\n", [["load.duplicate-key", 1, 17]]],
    ["number and string key collide", '1: a\n"1": b\n', [["load.duplicate-key", 2, 1]]],
    ["__proto__ key", "__proto__: {polluted: true}\n", [["load.forbidden-key", 1, 1]]],
    ["nested constructor key", "a:\n  constructor: 1\n", [["load.forbidden-key", 2, 3]]],
    ["prototype key in a list", "a: [{prototype: 1}]\n", [["load.forbidden-key", 1, 6]]],
    ["quoted __proto__ key", '"__proto__": 1\n', [["load.forbidden-key", 1, 1]]],
    ["sequence as key", "? [a]\n: 1\n", [["load.key", 1, 3]]],
    ["mapping as key", "{x: 1}: h\n", [["load.key", 1, 1]]],
    ["missing key", "a: 1\n: 2\n", [["load.key", 2, 1]]],
    ["nesting one level too deep", nested(MAX_DEPTH + 1), [["load.too-deep", 1, 3 + MAX_DEPTH]]],
    [
      "block nesting one level too deep",
      `${Array.from({ length: MAX_DEPTH + 1 }, (_, i) => `${" ".repeat(i)}k:`).join("\n")} 1\n`,
      [["load.too-deep", MAX_DEPTH + 1, MAX_DEPTH + 1]],
    ],
    ["top level is a list", "- a\n- b\n", [["load.not-a-mapping", 1, 1]]],
    ["top level is text", "\n  just text\n", [["load.not-a-mapping", 2, 3]]],
    ["infinity", "a: .inf\n", [["load.number", 1, 4]]],
    ["not a number", "a:\n  b: .NaN\n", [["load.number", 2, 6]]],
  ])("%s", (_name, source, expected) => {
    const result = parse(source);
    expect(result.document).toBeUndefined();
    expect(summary(source)).toEqual(expected);
    for (const diagnostic of result.diagnostics) {
      expect(diagnostic).toMatchObject({ severity: "error", file: FILE });
      expect(diagnostic.hint).toBeTruthy();
    }
  });

  it("refuses a file over 1 MiB from its byte length", () => {
    const text = `a: ${"é".repeat(MAX_FILE_BYTES / 2)}\n`;
    expect(summary(text)).toEqual([["load.too-large", 1, 1]]);
    expect(summary(new Uint8Array(MAX_FILE_BYTES + 1))).toEqual([["load.too-large", 1, 1]]);
  });

  it("names the duplicate key and the line of the first", () => {
    const [diagnostic] = parse("name: a\nother: b\nname: c\n").diagnostics;
    expect(diagnostic?.message).toBe('Key "name" appears twice in this mapping; the first is on line 1');
  });

  it("explains why %YAML is refused", () => {
    const [diagnostic] = parse("%YAML 1.1\n---\na: no\n").diagnostics;
    expect(diagnostic?.message).toContain("YAML 1.1");
    expect(diagnostic?.message).toContain("booleans");
  });

  it("cleans yaml's syntax messages up to one line", () => {
    const [diagnostic] = parse('a: "abc\n').diagnostics;
    expect(diagnostic?.code).toBe("load.syntax");
    expect(diagnostic?.message).toMatch(/^YAML syntax error: [^\n]+[^.]$/);
  });

  it("caps the number of diagnostics of one file", () => {
    const source = Array.from({ length: 200 }, (_, i) => `k${i}: !!str ${i}`).join("\n");
    const { diagnostics } = parse(source);
    expect(diagnostics).toHaveLength(51);
    expect(diagnostics.at(-1)?.code).toBe("load.too-many-errors");
  });
});

describe("parseYamlDocument values", () => {
  it.each<[string, string | Uint8Array, unknown]>([
    [
      "plain JSON data",
      "a: 1\nb: [x, 2.5, true, null]\nc: {d: e}\n",
      { a: 1, b: ["x", 2.5, true, null], c: { d: "e" } },
    ],
    [
      "YAML 1.1 booleans stay strings",
      "a: no\nb: yes\nc: on\nd: off\ne: y\n",
      { a: "no", b: "yes", c: "on", d: "off", e: "y" },
    ],
    ["dates and versions stay strings", "a: 2026-12-20\nb: 1.10.2\n", { a: "2026-12-20", b: "1.10.2" }],
    ["empty values are null", "a:\nb: ~\n", { a: null, b: null }],
    [
      "non-string keys are kept as written",
      "1: a\n1.50: b\ntrue: c\n~: d\n",
      { "1": "a", "1.50": "b", true: "c", "~": "d" },
    ],
    ["a byte order mark is dropped", bytes([0xef, 0xbb, 0xbf], "a: 1\n"), { a: 1 }],
    ["a BOM in a string is dropped", "\uFEFFa: 1\n", { a: 1 }],
    ["explicit document start", "---\na: 1\n", { a: 1 }],
    ["quoted <<, & and * are text", '"<<": a\nb: "&x *y"\n', { "<<": "a", b: "&x *y" }],
    ["nesting at the limit", nested(MAX_DEPTH), { a: nestedValue(MAX_DEPTH - 1) }],
  ])("%s", (_name, source, expected) => {
    const result = parse(source);
    expect(result.diagnostics).toEqual([]);
    expect(result.document?.value).toEqual(expected);
  });

  it("keeps the decoded text and the file name", () => {
    const document = parse(bytes([0xef, 0xbb, 0xbf], "a: é\n")).document;
    expect(document?.text).toBe("a: é\n");
    expect(document?.file).toBe(FILE);
  });

  it("gives plain objects with the ordinary prototype", () => {
    const value = parse("a: {b: 1}\n").document?.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(value))).toEqual(value);
  });
});

function nestedValue(levels: number): unknown {
  let value: unknown[] = [];
  for (let i = 1; i < levels; i += 1) value = [value];
  return value;
}

describe("locate", () => {
  const source = [
    "apiVersion: idp/v1", //           1
    "metadata:", //                    2
    "  name: checkout", //             3
    "  labels:", //                    4
    "spec:", //                        5
    "  ports:", //                     6
    "    - name: http", //             7
    "      port: 80", //               8
    "    - { name: grpc, port: 5050 }", // 9
    "  env: { A: '1' }", //            10
  ].join("\n");
  const document = parse(source).document;

  it.each<[string, ValuePath, "key" | "value" | undefined, number, number]>([
    ["the root", [], undefined, 1, 1],
    ["a top-level value", ["apiVersion"], "value", 1, 13],
    ["a nested value", ["metadata", "name"], "value", 3, 9],
    ["a nested key", ["metadata", "name"], "key", 3, 3],
    ["value is the default", ["metadata", "name"], undefined, 3, 9],
    ["a mapping value", ["metadata"], "value", 3, 3],
    ["an empty value points at its key", ["metadata", "labels"], "value", 4, 3],
    ["a sequence item", ["spec", "ports", 0], "value", 7, 7],
    ["a sequence item asked for its key", ["spec", "ports", 1], "key", 9, 7],
    ["inside a sequence item", ["spec", "ports", 0, "port"], "value", 8, 13],
    ["an index given as a string", ["spec", "ports", "1", "port"], "value", 9, 27],
    ["a key in a flow mapping", ["spec", "ports", 1, "port"], "key", 9, 21],
    ["a quoted value", ["spec", "env", "A"], "value", 10, 13],
    ["a missing key falls back to its parent's key", ["metadata", "team"], "value", 2, 1],
    ["a missing key asked for its key", ["metadata", "team"], "key", 2, 1],
    ["a missing index falls back to the list's key", ["spec", "ports", 5], "value", 6, 3],
    ["a path through a scalar stops there", ["metadata", "name", "x"], "value", 3, 3],
    ["under an empty value", ["metadata", "labels", "app"], "value", 4, 3],
    ["a missing root key", ["kind"], "value", 1, 1],
    ["a missing item inside an item", ["spec", "ports", 0, "protocol"], "value", 7, 7],
  ])("%s", (_name, path, at, line, column) => {
    expect(document?.locate(path, at)).toEqual({ line, column });
  });
});

describe("hostile input", () => {
  it("parses a 20,000-key mapping quickly and finds a planted duplicate", () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `key${i}: ${i}`);
    lines[12_344] = "key100: planted";
    // CPU time, not wall time: on a loaded machine only the parse's own work counts.
    const started = process.cpuUsage();
    const result = parse(lines.join("\n"));
    const spent = process.cpuUsage(started);
    expect((spent.user + spent.system) / 1000).toBeLessThan(5_000);
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: "load.duplicate-key", line: 12_345, column: 1 });
    expect(result.diagnostics[0]?.message).toContain("line 101");
  });

  it("refuses a billion-laughs alias bomb without expanding it", () => {
    const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (let i = 1; i < 9; i += 1) {
      const name = String.fromCharCode(97 + i);
      const previous = String.fromCharCode(96 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(", ")}]`);
    }
    const result = parse(levels.join("\n"));
    expect(result.document).toBeUndefined();
    expect(result.diagnostics.length).toBeGreaterThan(1);
    expect(result.diagnostics.every((d) => ["load.alias", "load.too-many-errors"].includes(d.code))).toBe(
      true,
    );
    expect(result.diagnostics[0]).toMatchObject({ line: 1, column: 4 });
  });

  it.each([
    ["flow sequences", "[".repeat(100_000) + "]".repeat(100_000), 1, MAX_DEPTH + 1],
    ["flow mappings", `${"{a: ".repeat(100_000)}1${"}".repeat(100_000)}`, 1, 4 * MAX_DEPTH + 1],
    ["compact block sequences", `${"- ".repeat(100_000)}x\n`, 1, 2 * MAX_DEPTH + 1],
  ])("refuses 100,000 levels of %s without crashing", (_name, source, line, column) => {
    expect(summary(source)).toEqual([["load.too-deep", line, column]]);
  });
});

describe("many problems in one file", () => {
  // Past ~130,000 elements, spreading CST items or diagnostics as call arguments throws a RangeError.
  it("handles a list of 200,000 aliases", () => {
    const result = parse(`a: &a 1\nb: [${Array(200_000).fill("*a").join(",")}]\n`);
    expect(result.diagnostics).toHaveLength(51);
    expect(result.diagnostics[0]).toMatchObject({ code: "load.alias", line: 1, column: 4 });
    expect(result.diagnostics[50]?.message).toBe("199951 more problems in this file are not shown");
  });
});

describe("parseYamlDocument never throws", () => {
  const outcome = (source: string | Uint8Array): boolean => {
    const result = parse(source);
    return result.document !== undefined
      ? result.diagnostics.length === 0
      : result.diagnostics.some((d) => d.severity === "error");
  };

  it("on arbitrary strings", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 200 }), outcome), { numRuns: 300 });
  });

  it("on strings made of YAML's special characters", () => {
    const unit = fc.constantFrom(..."-?:,[]{}#&*!|>'\"%@` \t\n\\abc01.~<".split(""));
    fc.assert(fc.property(fc.string({ unit, maxLength: 120 }), outcome), { numRuns: 500 });
  });

  it("on arbitrary bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), outcome), { numRuns: 300 });
  });

  it("on JSON-ish data, and reads it back unchanged", () => {
    const key = fc
      .string({ minLength: 1, maxLength: 8 })
      .filter((k) => !["__proto__", "constructor", "prototype"].includes(k));
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        fc.string({ maxLength: 10 }),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie("node"), { maxLength: 4 }),
        fc.dictionary(key, tie("node"), { maxKeys: 4 }),
      ),
    })).node;
    const data = fc.dictionary(key, value, { minKeys: 1, maxKeys: 5 });
    fc.assert(
      fc.property(data, (input) => {
        // JSON is YAML 1.2 flow syntax.
        const result = parse(JSON.stringify(input));
        expect(result.diagnostics).toEqual([]);
        expect(result.document?.value).toEqual(input);
      }),
      { numRuns: 200 },
    );
  });
});
