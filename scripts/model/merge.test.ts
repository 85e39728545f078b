import { describe, expect, it } from "vitest";
import { type Layer, mergeLayers } from "./merge.js";

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
