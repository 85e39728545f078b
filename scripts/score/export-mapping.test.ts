import { describe, expect, it } from "vitest";
import type { DependencyCatalog } from "./dependency-catalog.js";
import { exportService, type ServiceDocument } from "./export-mapping.js";
import { mapScoreToService } from "./import-mapping.js";
import { scoreSchemaErrors } from "./score-schema.js";

const catalog: DependencyCatalog = {
  types: ["bucket", "postgres", "redis"],
  outputs: (type) =>
    ({ redis: ["host", "port", "url"], postgres: ["host", "port", "uri"], bucket: ["bucket"] })[type] ?? [],
  isSecret: (_type, output) => ["host", "url", "uri", "bucket"].includes(output),
};

const service = (spec: Record<string, unknown>): ServiceDocument => ({
  metadata: { name: "shop", team: "storefront", description: "Sells things", tier: "critical" },
  spec: { type: "web", image: "ghcr.io/acme/shop:1.0.0", port: 8080, ...spec },
});

const roundTrip = (doc: ServiceDocument) => {
  const score = exportService(doc, catalog);
  expect(scoreSchemaErrors(score)).toEqual([]);
  const back = mapScoreToService(structuredClone(score), { catalog });
  expect(back.refusals.list.filter((r) => r.severity === "error")).toEqual([]);
  return { score, back: back.service };
};

describe("exportService", () => {
  it("writes what Score can say as Score fields, and nothing in idp/settings", () => {
    const doc = service({
      env: { A: "${dependencies.cache.url}", B: "${calls.cart.port}", LIT: "$${x} costs $5" },
      probes: { readiness: "/ready", liveness: { exec: ["/bin/check"] } },
      calls: ["cart"],
      dependencies: { cache: { type: "redis" }, files: { type: "bucket", size: "large" } },
      route: { host: "shop.acme.example", path: "/api" },
    });
    const { score, back } = roundTrip(doc);
    expect(score.metadata.annotations?.["idp/settings"]).toBeUndefined();
    expect(score.containers.main?.variables).toEqual({
      A: "${resources.cache.url}",
      B: "${resources.cart.port}",
      LIT: "$${x} costs $$5",
    });
    expect(score.resources?.files).toEqual({ type: "s3", class: "large" });
    expect(score.resources?.route).toEqual({
      type: "route",
      params: { host: "shop.acme.example", path: "/api", port: "http" },
    });
    expect(back.spec).toEqual(doc.spec);
    expect(back.metadata).toEqual(doc.metadata);
  });

  it("keeps what Score cannot say exactly in idp/settings, and import restores it", () => {
    const doc = service({
      type: "cron",
      port: undefined,
      schedule: "0 3 * * *",
      replicas: 2,
      secrets: { KEY: "shop/stripe#key" },
      ports: [{ name: "a", port: 5050, protocol: "grpc" }],
      probes: { liveness: { grpc: { port: 5050 }, periodSeconds: 10 } },
      resources: { cpu: 0.5, memory: 1000 },
      environments: { dev: { replicas: 1 } },
    });
    delete doc.spec.port;
    const { score, back } = roundTrip(doc);
    const settings = JSON.parse(score.metadata.annotations?.["idp/settings"] ?? "{}");
    expect(Object.keys(settings).sort()).toEqual(
      ["environments", "ports", "probes", "replicas", "resources", "schedule", "secrets", "type"].sort(),
    );
    // 0.5 cores and 1000 bytes have Score spellings; import reads them back as strings, so they travel as settings too.
    expect(score.containers.main?.resources).toEqual({ requests: { cpu: "0.5", memory: "1000" } });
    expect(back.spec).toEqual({ ...doc.spec });
  });

  it("writes files, probe headers, init containers and sidecars as Score fields; grace, egress and volumes as settings", () => {
    const resources = { cpu: "20m", memory: "32Mi" };
    const doc = service({
      terminationGracePeriodSeconds: 45,
      probes: {
        readiness: { http: { path: "/ready", port: 8080, headers: { "X-Health-Check": "kubelet" } } },
      },
      initContainers: [
        { name: "migrate", image: "ghcr.io/acme/migrate:2", command: ["/migrate"], resources },
      ],
      sidecars: [{ name: "main", image: "ghcr.io/acme/log:1", env: { COST: "$5" }, resources }],
      volumes: [{ path: "/var/cache/shop", emptyDir: { sizeLimit: "1Gi" } }],
      files: [{ path: "/etc/shop/a.tmpl", content: "Hi ${name}, $$5\n" }],
      egress: [{ host: "api.stripe.com", ports: [443] }],
    });
    const { score, back } = roundTrip(doc);
    const settings = JSON.parse(score.metadata.annotations?.["idp/settings"] ?? "{}");
    expect(Object.keys(settings).sort()).toEqual(["egress", "terminationGracePeriodSeconds", "volumes"]);
    // The sidecar is named main, so the main container is app.
    expect(Object.keys(score.containers)).toEqual(["app", "migrate", "main"]);
    expect(score.containers.app?.before).toEqual({
      migrate: { ready: "complete" },
      main: { ready: "started" },
    });
    expect(score.containers.app?.files).toEqual({
      "/etc/shop/a.tmpl": { content: "Hi ${name}, $$5\n", noExpand: true },
    });
    expect(score.containers.app?.readinessProbe).toEqual({
      httpGet: { path: "/ready", port: 8080, httpHeaders: [{ name: "X-Health-Check", value: "kubelet" }] },
    });
    expect(score.containers.main?.variables).toEqual({ COST: "$$5" });
    expect(back.spec).toEqual(doc.spec);
  });
});
