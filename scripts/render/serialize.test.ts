import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { ToolError } from "../errors.js";
import type { KubeObject } from "./kube-object.js";
import { compareCodePoints, serializeDocument, serializeObjects } from "./serialize.js";

/** Reads every document back with YAML 1.1 or 1.2 rules, failing on any warning or error. */
function parseBack(text: string, version: "1.1" | "1.2"): unknown[] {
  return parseAllDocuments(text, { version, uniqueKeys: true, prettyErrors: false }).map((document) => {
    expect(document.errors).toEqual([]);
    expect(document.warnings).toEqual([]);
    return document.toJS({ maxAliasCount: 0 });
  });
}

function expectRoundTrip(value: unknown): string {
  const text = serializeDocument(value);
  const expected = JSON.parse(JSON.stringify(value));
  expect(parseBack(text, "1.1")).toEqual([expected]);
  expect(parseBack(text, "1.2")).toEqual([expected]);
  return text;
}

const tricky = [
  "",
  " ",
  "yes",
  "Yes",
  "YES",
  "no",
  "No",
  "on",
  "On",
  "off",
  "OFF",
  "y",
  "Y",
  "n",
  "N",
  "true",
  "True",
  "false",
  "FALSE",
  "null",
  "Null",
  "NULL",
  "~",
  "=",
  "<<",
  "5432",
  "-1",
  "+1",
  "1.10",
  "1.0",
  "0755",
  "0o755",
  "0x1F",
  "0b101",
  "1_000",
  "1e3",
  "1E3",
  "1.5e+3",
  "E1",
  "e+5",
  "-e0",
  "-E1",
  ".",
  "._",
  ".5",
  ".inf",
  "-.inf",
  "+.Inf",
  ".NaN",
  "1:20",
  "190:20:30",
  "2001-12-14",
  "2001-12-14t21:59:43.10-05:00",
  "2001-12-14 21:59:43.10 -5",
  "0.1.0",
  "0.2.0-rc.1",
  "128Mi",
  "100m",
  "10s",
  " leading",
  "trailing ",
  "a: b",
  "a:",
  ":a",
  "a:b",
  "http://example.com:8080/path?x=1#frag",
  "a #b",
  "a#b",
  "#comment",
  "- item",
  "-",
  "--",
  "---",
  "--- a",
  "...",
  "--port=80",
  "-Xmx512m",
  "?",
  "? x",
  "[a]",
  "{a: 1}",
  "a, b",
  "*alias",
  "&anchor",
  "!tag",
  "%directive",
  "@at",
  "`tick",
  "'single'",
  '"double"',
  "|",
  ">",
  "tab\there",
  "line\nbreak",
  "trailing newline\n",
  "two trailing newlines\n\n",
  "\nleading newline",
  "  indented\nblock",
  "block\n  indented second line\n",
  "trailing space \nline",
  "crlf\r\nline",
  "nel\u0085line",
  "ls\u2028ps\u2029",
  "bom\ufeff",
  "del\u007f",
  "nul\u0000",
  "bell\u0007",
  "\u00e9t\u00e9",
  "emoji \u{1f680}",
  "lone \ud800 surrogate",
  "ghcr.io/acme/wishlist:0.1.0",
  "registry/app@sha256:0123456789abcdef",
  "Saves products for later",
  "a  b",
  "x".repeat(5000),
  `long ${"word ".repeat(200)}end`,
];

describe("serializeDocument", () => {
  it.each(tricky.map((value) => [JSON.stringify(value).slice(0, 40), value]))(
    "round-trips the string %s",
    (_, value) => {
      expectRoundTrip({ value, [value]: "as a key", list: [value] });
    },
  );

  it.each([
    0,
    -0,
    1,
    -1,
    5432,
    0.5,
    -0.25,
    1.1,
    1e21,
    1e-7,
    -1.5e300,
    2 ** 53 + 2,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
  ])("round-trips the number %d", (value) => {
    expectRoundTrip({ value, list: [value] });
  });

  it("round-trips booleans, null, empty collections and nesting", () => {
    expectRoundTrip({
      t: true,
      f: false,
      z: null,
      o: {},
      a: [],
      nested: [[[]], [{}], [[1, [2, { x: [3] }]]], { a: { b: { c: [{ d: [] }] } } }],
    });
  });

  it("quotes strings that YAML 1.1 or 1.2 would read as something else", () => {
    const text = serializeDocument({ a: "yes", b: "5432", c: "1.10", d: "0755", e: "~", f: "", g: "y" });
    expect(text).toBe('a: "yes"\nb: "5432"\nc: "1.10"\nd: "0755"\ne: "~"\nf: ""\ng: "y"\n');
  });

  it("writes ordinary Kubernetes strings plain", () => {
    const text = serializeDocument({
      image: "ghcr.io/acme/cart:0.12.4",
      memory: "128Mi",
      label: "app.kubernetes.io/name",
      arg: "--port=8080",
    });
    expect(text).toBe(
      "arg: --port=8080\nimage: ghcr.io/acme/cart:0.12.4\nlabel: app.kubernetes.io/name\nmemory: 128Mi\n",
    );
  });

  it("writes multi-line strings as literal blocks when they read back exactly", () => {
    expect(serializeDocument({ a: "x\ny\n", b: ["p\n  q"] })).toBe(
      "a: |\n  x\n  y\nb:\n  - |-\n    p\n      q\n",
    );
  });

  it.each([
    ["a space before a line break", "a \nb"],
    ["a tab", "a\tb\nc"],
    ["a carriage return", "a\r\nb"],
    ["DEL", "a\u007f\nb"],
    ["a C1 control", "a\u0085\nb"],
    ["a line separator", "a\u2028\nb"],
    ["a byte order mark", "a\ufeff\nb"],
    ["a lone surrogate", "a\ud800\nb"],
  ])("writes a multi-line string with %s double-quoted, and it reads back", (_, value) => {
    const text = serializeDocument({ value });
    expect(text.startsWith('value: "')).toBe(true);
    if (!value.includes("\ud800")) expectRoundTrip({ value });
  });

  it("writes a long multi-line string without any character to escape as a literal block", () => {
    const value = `{"a":"b \\" c",\n${'{"x":[1,2],"y":"\\u00e9 é 🚀"},\n'.repeat(500)}"end":1}`;
    expect(expectRoundTrip({ value }).startsWith("value: |-\n")).toBe(true);
  });

  it("never folds long strings", () => {
    const long = `word ${"and more words ".repeat(100)}`.trim();
    expect(serializeDocument({ long }).split("\n")).toHaveLength(2);
  });

  it("writes repeated sub-objects twice, without anchors or aliases", () => {
    const shared = { name: "x", value: "1" };
    const text = serializeDocument({ a: shared, b: [shared, shared] });
    expect(text).not.toMatch(/[&*]/);
    expect(text).toBe(
      'a:\n  name: x\n  value: "1"\nb:\n  - name: x\n    value: "1"\n  - name: x\n    value: "1"\n',
    );
  });

  it("sorts keys by code point (UTF-8 byte order), not UTF-16 units", () => {
    const keys = ["\uff01", "\u{1f680}", "b", "B", "a", "_", "aa"];
    expect([...keys].sort(compareCodePoints)).toEqual(["B", "_", "a", "aa", "b", "\uff01", "\u{1f680}"]);
    const buffers = keys.map((key) => Buffer.from(key)).sort(Buffer.compare);
    expect(buffers.map((b) => b.toString())).toEqual([...keys].sort(compareCodePoints));
  });

  it.each([
    ["a few plain keys", ["spec", "kind", "apiVersion", "metadata", "Z", "_x", "a-b", "a"]],
    ["many plain keys", Array.from({ length: 40 }, (_, i) => `key-${(i * 7919) % 97}`)],
    ["keys beyond U+D800", ["\uff01", "\u{1f680}", "b", "B", "a", "_", "aa", "\ue000"]],
  ])("writes mappings of %s in UTF-8 byte order", (_name, keys) => {
    const text = serializeDocument(Object.fromEntries(keys.map((key) => [key, 1])));
    const written = text
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line.slice(0, line.lastIndexOf(":")).replace(/^(?!")(.*)$/, '"$1"')));
    const bytes = keys
      .map((key) => Buffer.from(key))
      .sort(Buffer.compare)
      .map((b) => b.toString());
    expect(written).toEqual(bytes);
  });

  it("skips undefined properties and writes undefined list items as null, like JSON", () => {
    expect(serializeDocument({ a: undefined, b: [undefined, 1] })).toBe("b:\n  - null\n  - 1\n");
  });

  it.each([
    ["NaN", { a: Number.NaN }],
    ["Infinity", { a: Number.POSITIVE_INFINITY }],
    ["bigint", { a: 1n }],
    ["function", { a: () => 1 }],
    ["Date", { a: new Date(0) }],
    ["Map", { a: new Map() }],
  ])("refuses a %s", (_, value) => {
    expect(() => serializeDocument(value)).toThrow(ToolError);
  });

  it("refuses a cycle instead of overflowing the stack", () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => serializeDocument(cycle)).toThrow(/deeper than 100 levels/);
  });

  it("round-trips any JSON value (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        expectRoundTrip(value);
      }),
      { numRuns: 1000 },
    );
  });

  it("round-trips any JSON value with full Unicode strings (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4, stringUnit: "binary" }), (value) => {
        expectRoundTrip(value);
      }),
      { numRuns: 500 },
    );
  });

  it("round-trips strings made of YAML's special characters (property)", () => {
    const special = fc.constantFrom(..."abyn0189tTzZ .:-#?&*!|>'\"%@`,[]{}~=<+_/\n\t\\eExo");
    fc.assert(
      fc.property(fc.array(fc.string({ unit: special, maxLength: 8 }), { maxLength: 6 }), (strings) => {
        expectRoundTrip(Object.fromEntries(strings.map((s) => [s, strings])));
      }),
      { numRuns: 3000 },
    );
  });
});

describe("serializeObjects", () => {
  const deployment: KubeObject = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "cart", namespace: "storefront", labels: { "app.kubernetes.io/name": "cart" } },
    spec: { replicas: 2, template: { spec: { containers: [{ name: "cart", image: "cart:1" }] } } },
  };
  const service: KubeObject = { apiVersion: "v1", kind: "Service", metadata: { name: "cart" } };

  it("writes one document per object, in order, separated by ---", () => {
    expect(serializeObjects([deployment, service])).toBe(
      [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        "  labels:",
        "    app.kubernetes.io/name: cart",
        "  name: cart",
        "  namespace: storefront",
        "spec:",
        "  replicas: 2",
        "  template:",
        "    spec:",
        "      containers:",
        "        - image: cart:1",
        "          name: cart",
        "---",
        "apiVersion: v1",
        "kind: Service",
        "metadata:",
        "  name: cart",
        "",
      ].join("\n"),
    );
  });

  it("writes nothing for no objects, and LF only", () => {
    expect(serializeObjects([])).toBe("");
    expect(serializeObjects([deployment, service])).not.toContain("\r");
  });

  it("reads back as the same objects in YAML 1.1 and 1.2", () => {
    const text = serializeObjects([deployment, service, deployment]);
    expect(parseBack(text, "1.1")).toEqual([deployment, service, deployment]);
    expect(parseBack(text, "1.2")).toEqual([deployment, service, deployment]);
  });

  it("names the document of a value that is not JSON", () => {
    expect(() => serializeObjects([service, { ...service, spec: { a: Number.NaN } }])).toThrow(
      "cannot write document 2 as YAML: the number NaN has no JSON form",
    );
  });
});
