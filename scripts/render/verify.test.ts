import { describe, expect, it } from "vitest";
import type { KubeObject } from "./kube-object.js";
import { kindsOfCrds } from "./upstream/pinned-schemas.js";
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

const externalSecret = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: "external-secrets.io/v1",
  kind: "ExternalSecret",
  metadata: { name: "web-secrets", namespace: "shop" },
  spec: {
    secretStoreRef: { name: "vault", kind: "ClusterSecretStore" },
    target: { name: "web-secrets", creationPolicy: "Owner" },
    data: [{ secretKey: "TOKEN", remoteRef: { key: "web", property: "token" } }],
    ...spec,
  },
});

describe("verifyObjects", () => {
  it("accepts valid objects of Kubernetes and of a pinned CRD, and counts them", () => {
    expect(verifyObjects("m.yaml", [deployment({ replicas: 2 }), externalSecret({})], [1, 20])).toEqual({
      diagnostics: [],
      verified: 2,
      unverified: 0,
    });
  });

  // Kubernetes' published OpenAPI has no enums (the API server checks them in code): the enum case is a CRD's
  it.each([
    ["an unknown field (Kubernetes)", deployment({ replica: 2 }), 'unknown field "replica" in spec'],
    ["a wrong type (Kubernetes)", deployment({ replicas: "two" }), "spec.replicas must be integer"],
    [
      "an unknown nested field (Kubernetes)",
      deployment({
        template: {
          metadata: {},
          spec: { containers: [{ name: "a", image: "x:1", imagePullPolicy: "Always", cpu: 1 }] },
        },
      }),
      'unknown field "cpu" in spec.template.spec.containers.0',
    ],
    [
      "an unknown field (CRD)",
      externalSecret({ refreshInterval: "1h", refresh: "1h" }),
      'unknown field "refresh" in spec',
    ],
    [
      "a wrong enum (CRD)",
      externalSecret({ target: { name: "web-secrets", creationPolicy: "Owned" } }),
      "spec.target.creationPolicy must be one of",
    ],
    ["a wrong type (CRD)", externalSecret({ data: { TOKEN: "web" } }), "spec.data must be array"],
  ])("reports %s with the file, the object and its document line", (_name, object, problem) => {
    const result = verifyObjects("manifests/prod/web/manifest.yaml", [deployment({}), object], [1, 40]);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        code: "verify.schema",
        severity: "error",
        file: "manifests/prod/web/manifest.yaml",
        line: 40,
        column: 1,
        message: expect.stringContaining(problem),
      }),
    ]);
    expect(result.diagnostics[0]?.message).toContain(`${object.kind} shop/${object.metadata.name}`);
  });

  it("takes an int-or-string as either", () => {
    const probe = (port: unknown) =>
      deployment({
        template: {
          metadata: {},
          spec: { containers: [{ name: "a", image: "x:1", livenessProbe: { httpGet: { port } } }] },
        },
      });
    expect(verifyObjects("m.yaml", [probe(8080), probe("http")], [1, 2]).diagnostics).toEqual([]);
    expect(verifyObjects("m.yaml", [probe(true)], [1]).diagnostics).toHaveLength(1);
  });

  it.each([
    ["apps/v2", "Deployment"],
    ["external-secrets.io/v1beta1", "ExternalSecret"],
    ["database.acme.io/v1alpha1", "PostgreSQLInstance"],
  ])("reports %s %s, which nothing serves", (apiVersion, kind) => {
    const result = verifyObjects("m.yaml", [{ ...deployment({}), apiVersion, kind }], [7]);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ code: "verify.unknown-kind", file: "m.yaml", line: 7 }),
    ]);
    expect(result.unverified).toBe(1);
  });

  it("checks a claim against the CRD the environment renders for its kind", () => {
    const crd = [
      "apiVersion: apiextensions.k8s.io/v1",
      "kind: CustomResourceDefinition",
      "metadata: { name: buckets.storage.acme.io }",
      "spec:",
      "  group: storage.acme.io",
      "  names: { kind: Bucket, plural: buckets }",
      "  scope: Namespaced",
      "  versions:",
      "    - name: v1alpha1",
      "      served: true",
      "      storage: true",
      "      schema:",
      "        openAPIV3Schema:",
      "          type: object",
      "          properties:",
      "            spec:",
      "              type: object",
      "              required: [region]",
      "              properties: { region: { type: string } }",
    ].join("\n");
    const rendered = new Map(kindsOfCrds("p.yaml", crd).map((k) => [`${k.apiVersion}/${k.kind}`, k]));
    const bucket = (spec: Record<string, unknown>): KubeObject => ({
      apiVersion: "storage.acme.io/v1alpha1",
      kind: "Bucket",
      metadata: { name: "b" },
      spec,
    });
    expect(verifyObjects("m.yaml", [bucket({ region: "eu" })], [1], rendered).diagnostics).toEqual([]);
    const wrong = verifyObjects("m.yaml", [bucket({ region: "eu", versioning: true })], [1], rendered);
    expect(wrong.diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining('unknown field "versioning"'),
    ]);
  });
});
