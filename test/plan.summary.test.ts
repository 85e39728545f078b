import { describe, expect, it } from "vitest";
import { capFor, formatPlanMarkdown } from "../scripts/plan/format-markdown.js";
import type { Plan } from "../scripts/plan/plan.js";
import { diffJson, displayJsonPath } from "../scripts/plan/structural-diff.js";
import { summarizeAdded, summarizeChange } from "../scripts/plan/summarize.js";
import type { KubeObject } from "../scripts/render/kube-object.js";

function object(
  kind: string,
  fields: Record<string, unknown>,
  labels: Record<string, string> = {},
): KubeObject {
  return { apiVersion: "v1", kind, metadata: { name: "checkout", namespace: "payments", labels }, ...fields };
}

function deployment(image: string, replicas: number, cpu = "100m"): KubeObject {
  return object("Deployment", {
    spec: {
      replicas,
      template: { spec: { containers: [{ name: "app", image, resources: { requests: { cpu } } }] } },
    },
  });
}

describe("diffJson", () => {
  it("lists changed, added and removed leaves in key order, subtrees whole", () => {
    expect(diffJson({ a: 1, b: { c: [1, 2] }, d: "x" }, { a: 2, b: { c: [1] }, e: { f: 1 } })).toEqual([
      { path: ["a"], before: 1, after: 2 },
      { path: ["b", "c", 1], before: 2 },
      { path: ["d"], before: "x" },
      { path: ["e"], after: { f: 1 } },
    ]);
    expect(diffJson({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
  });

  it("prints paths as a person writes them", () => {
    expect(displayJsonPath(["spec", "template", "containers", 0, "image"])).toBe(
      "spec.template.containers[0].image",
    );
    expect(displayJsonPath(["metadata", "labels", "app.kubernetes.io/version"])).toBe(
      'metadata.labels["app.kubernetes.io/version"]',
    );
  });
});

describe("summarizeChange", () => {
  it.each([
    [
      "replicas and image",
      deployment("ghcr.io/acme/checkout:1.4.1", 2),
      deployment("ghcr.io/acme/checkout:1.4.2", 3),
      ["replicas 2 → 3", "image ghcr.io/acme/checkout 1.4.1 → 1.4.2"],
    ],
    [
      "an image from another registry",
      deployment("ghcr.io/acme-dev/checkout:1.5.0-rc.1", 1),
      deployment("ghcr.io/acme/checkout:1.5.0", 1),
      ["image ghcr.io/acme-dev/checkout:1.5.0-rc.1 → ghcr.io/acme/checkout:1.5.0"],
    ],
    [
      "a cpu request",
      deployment("a/b:1", 1, "100m"),
      deployment("a/b:1", 1, "250m"),
      ["cpu request 100m → 250m"],
    ],
    [
      "env values",
      object("ConfigMap", { data: { LOG_LEVEL: "info", OLD: "x" } }),
      object("ConfigMap", { data: { LOG_LEVEL: "debug", NEW: "y" } }),
      ["env LOG_LEVEL info → debug", "env NEW added: y", "env OLD removed (was x)"],
    ],
    [
      "autoscale bounds and target",
      object("HorizontalPodAutoscaler", {
        spec: {
          minReplicas: 2,
          maxReplicas: 10,
          metrics: [{ resource: { target: { averageUtilization: 70 } } }],
        },
      }),
      object("HorizontalPodAutoscaler", {
        spec: {
          minReplicas: 3,
          maxReplicas: 20,
          metrics: [{ resource: { target: { averageUtilization: 60 } } }],
        },
      }),
      ["autoscale 2–10 → 3–20", "autoscale cpu 70% → 60%"],
    ],
    [
      "an Ingress host, said once though the rule and TLS name it",
      object("Ingress", { spec: { rules: [{ host: "shop.acme.example" }] } }),
      object("Ingress", { spec: { rules: [{ host: "store.acme.example" }] } }),
      ["route shop.acme.example → store.acme.example"],
    ],
    [
      "a new HTTPRoute host",
      object("HTTPRoute", { spec: { hostnames: ["shop.acme.example"] } }),
      object("HTTPRoute", { spec: { hostnames: ["shop.acme.example", "www.acme.example"] } }),
      ["new route www.acme.example"],
    ],
    [
      "labels that follow the version come last",
      object("Deployment", { spec: { replicas: 1 } }, { "app.kubernetes.io/version": "1.0.0" }),
      object("Deployment", { spec: { replicas: 2 } }, { "app.kubernetes.io/version": "1.1.0" }),
      ["replicas 1 → 2", "version label 1.0.0 → 1.1.0"],
    ],
    [
      "anything else: the first leaves, then a count",
      object("NetworkPolicy", { spec: { a: 1, b: 2, c: 3, d: 4, e: 5 } }),
      object("NetworkPolicy", { spec: { a: 9, b: 8, c: 7, d: 6, e: 5 } }),
      ["spec.a 1 → 9", "spec.b 2 → 8", "spec.c 3 → 7", "… and 1 more change"],
    ],
  ])("%s", (_name, before, after, expected) => {
    expect(summarizeChange(before.kind, before, after)).toEqual(expected);
  });

  it("cuts long values", () => {
    const long = "x".repeat(100);
    const [phrase] = summarizeChange(
      "ConfigMap",
      object("ConfigMap", { data: { K: "a" } }),
      object("ConfigMap", { data: { K: long } }),
    );
    expect(phrase).toBe(`env K a → ${"x".repeat(59)}…`);
  });

  it("names the route of a new Ingress", () => {
    expect(summarizeAdded(object("Ingress", { spec: { rules: [{ host: "shop.acme.example" }] } }))).toEqual([
      "new route shop.acme.example",
    ]);
  });
});

describe("comment size", () => {
  it("caps the largest diffs first", () => {
    expect(capFor([100, 200, 1000], 2000)).toBe(Number.POSITIVE_INFINITY);
    expect(capFor([100, 200, 1000], 700)).toBe(400);
    expect(capFor([100, 200, 1000], 0)).toBe(0);
  });

  it("keeps small diffs whole and cuts the big one, saying so", () => {
    const big = `--- a/x\n+++ b/x\n${Array.from({ length: 5000 }, (_, i) => `+line ${i}`).join("\n")}\n`;
    const plan: Plan = {
      base: "main",
      baseSha: "a".repeat(40),
      headSha: "b".repeat(40),
      verdict: { ok: true, summary: "✅ ready to merge: 2 services change in 1 environment" },
      diagnostics: [],
      environments: [
        {
          name: "prod",
          services: [
            { name: "big", status: "added", objects: [], diff: big },
            { name: "small", status: "changed", objects: [], diff: "--- a/y\n+++ b/y\n-a\n+b\n" },
          ],
        },
      ],
      notes: [],
      sources: new Map(),
    };
    const text = formatPlanMarkdown(plan, { limit: 10_000 });
    expect(text.length).toBeLessThanOrEqual(10_000);
    expect(text).toContain("--- a/y\n+++ b/y\n-a\n+b\n");
    expect(text).toMatch(/… diff truncated: \d+ of 5002 lines shown/);
    expect(text).toContain("run `idp plan --base main` locally for the full diff");
    expect(formatPlanMarkdown(plan)).not.toContain("truncated");
  });

  it("escapes values so they cannot break out of the comment's HTML", () => {
    const plan: Plan = {
      base: "main",
      baseSha: "a".repeat(40),
      headSha: "b".repeat(40),
      verdict: { ok: true, summary: "✅" },
      diagnostics: [],
      environments: [
        {
          name: "prod",
          services: [
            {
              name: "x",
              status: "changed",
              objects: [
                {
                  kind: "ConfigMap",
                  name: "x-env",
                  status: "changed",
                  summary: ["env A </details><img src=x>"],
                },
              ],
              diff: "",
            },
          ],
        },
      ],
      notes: [],
      sources: new Map(),
    };
    const text = formatPlanMarkdown(plan);
    expect(text).toContain("env A &lt;/details&gt;&lt;img src=x&gt;");
    expect(text.match(/<\/details>/g)?.length).toBe(1);
  });
});
