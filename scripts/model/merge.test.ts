import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Layer, mergeLayers, mergeValues } from "./merge.js";

const layer = (file: string, value: Record<string, unknown>): Layer => ({
  value,
  origin: { file, path: ["spec"] },
});

/** Origins as "dotted <- file:path" lines, sorted. */
function origins(layers: Layer[]): string[] {
  return [...mergeLayers(layers).origins]
    .map(([dotted, origin]) => `${dotted} <- ${origin.file}:${origin.path.join(".")}`)
    .sort();
}

describe("mergeLayers", () => {
  it("merges mappings key by key and keeps each leaf's own origin", () => {
    const merged = mergeLayers([
      layer("env", { resources: { cpu: "100m", memory: "128Mi" }, env: { A: "1" } }),
      layer("svc", { resources: { cpu: "250m" }, env: { B: "2" } }),
    ]);
    expect(merged.value).toEqual({ resources: { cpu: "250m", memory: "128Mi" }, env: { A: "1", B: "2" } });
    expect(
      origins([
        layer("env", { resources: { cpu: "100m", memory: "128Mi" }, env: { A: "1" } }),
        layer("svc", { resources: { cpu: "250m" }, env: { B: "2" } }),
      ]),
    ).toEqual([
      "env.A <- env:spec.env.A",
      "env.B <- svc:spec.env.B",
      "resources.cpu <- svc:spec.resources.cpu",
      "resources.memory <- env:spec.resources.memory",
    ]);
  });

  it.each<[string, Layer[], string[]]>([
    [
      "a mapping replaced by a scalar drops the origins under it",
      [layer("env", { probe: { path: "/", port: 80 } }), layer("svc", { probe: "none" })],
      ["probe <- svc:spec.probe"],
    ],
    [
      "a scalar replaced by a mapping",
      [layer("env", { probe: "none" }), layer("svc", { probe: { path: "/" } })],
      ["probe.path <- svc:spec.probe.path"],
    ],
    [
      "a list is replaced whole",
      [layer("env", { calls: ["a", "b"] }), layer("svc", { calls: ["c"] })],
      ["calls <- svc:spec.calls"],
    ],
    [
      "an empty mapping keeps its own origin until filled",
      [layer("env", { env: {} }), layer("svc", { env: { A: "1" } })],
      ["env <- env:spec.env", "env.A <- svc:spec.env.A"],
    ],
    [
      "one member of an exclusive pair replaces the other",
      [layer("env", { replicas: 2 }), layer("svc", { autoscale: { max: 4 } })],
      ["autoscale.max <- svc:spec.autoscale.max"],
    ],
  ])("%s", (_name, layers, expected) => {
    expect(origins(layers)).toEqual(expected);
  });
});

/** Settings-like layers: few keys (so layers overlap), nested mappings, lists, the exclusive pairs. */
const settings: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{
  value: unknown;
  mapping: Record<string, unknown>;
}>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.boolean()),
    fc.array(fc.string({ maxLength: 2 }), { maxLength: 2 }),
    tie("mapping"),
  ),
  mapping: fc.dictionary(
    fc.constantFrom("replicas", "autoscale", "port", "ports", "env", "cpu", "a", "b"),
    tie("value"),
    { maxKeys: 4 },
  ),
})).mapping;

function isEmptyMapping(value: unknown): boolean {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0
  );
}

function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((current, key) => (current as Record<string, unknown>)?.[key as string], value);
}

describe("origins do not change what is merged", () => {
  it("mergeLayers gives the value mergeValues gives, and every origin holds the merged value it names", () => {
    fc.assert(
      fc.property(fc.array(settings, { minLength: 1, maxLength: 3 }), (values) => {
        const layers = values.map((value, index) => ({
          value,
          origin: { file: `f${index}`, path: ["spec"] },
        }));
        const merged = mergeLayers(layers);
        expect(merged.value).toEqual(mergeValues(layers));
        for (const [dotted, origin] of merged.origins) {
          const layer = layers.find((l) => l.origin.file === origin.file);
          const set = valueAt(layer?.value, origin.path.slice(1));
          const now = valueAt(merged.value, dotted.split("."));
          // An empty mapping keeps its origin when a later layer fills it (see above): still a mapping.
          if (isEmptyMapping(set)) expect(typeof now === "object" && !Array.isArray(now)).toBe(true);
          else expect(now).toEqual(set);
        }
      }),
      { numRuns: 300 },
    );
  });
});
