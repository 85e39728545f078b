import { describe, expect, it } from "vitest";
import type { KubeObject } from "./kube-object.js";
import { verifyObjects } from "./verify.js";

const deployment = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "shop" },
  spec: {
    selector: { matchLabels: { app: "web" } },
    template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "app", image: "x:1" }] } },
    ...spec,
  },
});

describe("verifyObjects", () => {
  it("accepts a valid object and counts it", () => {
    expect(verifyObjects("m.yaml", [deployment({ replicas: 2 })], [1])).toEqual({
      diagnostics: [],
      verified: 1,
      unverified: 0,
    });
  });

  it("reports a value of the wrong type at the object's document line", () => {
    const result = verifyObjects("m.yaml", [deployment({}), deployment({ replicas: "two" })], [1, 40]);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        code: "verify.schema",
        file: "m.yaml",
        line: 40,
        message: expect.stringContaining("replicas"),
      }),
    ]);
  });

  it("reports a kind that Kubernetes 1.28 does not serve in a checked group", () => {
    const result = verifyObjects("m.yaml", [{ ...deployment({}), apiVersion: "apps/v2" }], [1]);
    expect(result.diagnostics.map((d) => d.code)).toEqual(["verify.unknown-kind"]);
  });

  it("counts custom resources without an upstream schema as not verified", () => {
    const claim: KubeObject = {
      apiVersion: "database.acme.io/v1alpha1",
      kind: "PostgreSQLInstance",
      metadata: { name: "db" },
    };
    expect(verifyObjects("m.yaml", [claim], [1])).toEqual({ diagnostics: [], verified: 0, unverified: 1 });
  });
});
