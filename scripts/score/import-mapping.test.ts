import { describe, expect, it } from "vitest";
import type { DependencyCatalog } from "./dependency-catalog.js";
import { mapScoreToService } from "./import-mapping.js";
import type { ScoreWorkload } from "./score-types.js";

/** The example environments' classes, as dependencyCatalog reads them (host and url are secret). */
const catalog: DependencyCatalog = {
  types: ["bucket", "postgres", "queue", "redis"],
  outputs: (type) =>
    ({ redis: ["host", "port", "url"], postgres: ["host", "port", "uri"], bucket: ["bucket", "endpoint"] })[
      type
    ] ?? [],
  isSecret: (_type, output) => ["host", "url", "uri", "bucket"].includes(output),
};

const workload = (extra: Partial<ScoreWorkload> & { container?: object } = {}): ScoreWorkload => {
  const { container, ...rest } = extra;
  return {
    apiVersion: "score.dev/v1b1",
    metadata: { name: "shop" },
    containers: { main: { image: "ghcr.io/acme/shop:1.0.0", ...container } },
    ...rest,
  };
};

const map = (score: ScoreWorkload) => mapScoreToService(score, { team: "storefront", catalog });
const errors = (score: ScoreWorkload) =>
  map(score)
    .refusals.list.filter((r) => r.severity === "error")
    .map((r) => `${r.path.join(".")}: ${r.message}`);

describe("mapScoreToService", () => {
  it("maps ports, probes, resources, variables and resources of known types", () => {
    const { service } = map(
      workload({
        service: { ports: { http: { port: 80, targetPort: 8080 } } },
        resources: {
          cache: { type: "redis" },
          files: { type: "s3", class: "large" },
          cart: { type: "service" },
          web: { type: "route", params: { host: "shop.acme.example", path: "/", port: "http" } },
        },
        container: {
          variables: {
            REDIS: "${resources.cache.url}",
            CART: "${resources.cart.name}:7070",
            NAME: "${metadata.name}",
            RAW: "$${literal}",
          },
          resources: { requests: { memory: "64Mi", cpu: "100m" }, limits: { memory: "128Mi" } },
          readinessProbe: { httpGet: { path: "/ready", port: 8080 } },
          livenessProbe: { httpGet: { path: "/live", port: 9090 } },
        },
      }),
    );
    expect(service.spec).toEqual({
      type: "web",
      image: "ghcr.io/acme/shop:1.0.0",
      port: 8080,
      route: { host: "shop.acme.example" },
      resources: { cpu: "100m", memory: "64Mi", limits: { memory: "128Mi" } },
      env: {
        REDIS: "${dependencies.cache.url}",
        CART: "${calls.cart.host}:7070",
        NAME: "shop",
        RAW: "$${literal}",
      },
      probes: { readiness: "/ready", liveness: { http: { path: "/live", port: 9090 } } },
      calls: ["cart"],
      dependencies: { cache: { type: "redis" }, files: { type: "bucket", size: "large" } },
    });
    expect(Object.keys(service.spec)[0]).toBe("type");
  });

  it.each<[string, ScoreWorkload, string]>([
    [
      "a second container",
      { ...workload(), containers: { a: { image: "x:1" }, b: { image: "y:1" } } },
      "containers.b: Score field containers.b is not supported yet",
    ],
    [
      "files",
      workload({ container: { files: { "/f": { content: "x" } } } }),
      "containers.main.files: Score field containers.main.files is not supported yet",
    ],
    [
      "an untagged image",
      workload({ container: { image: "nginx" } }),
      "containers.main.image: image nginx has no tag or digest",
    ],
    [
      "a UDP port",
      workload({ service: { ports: { dns: { port: 53, protocol: "UDP" } } } }),
      "service.ports.dns.protocol: UDP ports are not supported: the platform serves http, grpc and tcp",
    ],
    [
      "an unknown resource type",
      workload({ resources: { db: { type: "mysql" } } }),
      "resources.db.type: Score resource type mysql has no dependency class here",
    ],
    [
      "an output the class lacks",
      workload({
        resources: { c: { type: "redis" } },
        container: { variables: { U: "${resources.c.username}" } },
      }),
      "containers.main.variables.U: ${resources.c.username} asks for username, which the redis class does not provide",
    ],
    [
      "a secret inside a longer value",
      workload({
        resources: { c: { type: "redis" } },
        container: { variables: { A: "${resources.c.host}:6379" } },
      }),
      "containers.main.variables.A: ${resources.c.host} is a secret output of redis and cannot be part of a longer value yet",
    ],
    [
      "an undeclared resource",
      workload({ container: { variables: { A: "${resources.nope.host}" } } }),
      "containers.main.variables.A: ${resources.nope.host} refers to resource nope, which is not declared",
    ],
    [
      "a route to another port",
      workload({
        service: { ports: { http: { port: 80, targetPort: 8080 } } },
        resources: { r: { type: "route", params: { host: "a.example", port: 9000 } } },
      }),
      "resources.r.params.port: a route goes to the first HTTP port (http, 80), not 9000",
    ],
    [
      "a settings annotation that is not JSON",
      workload({ metadata: { name: "shop", annotations: { "idp/settings": "{" } } }),
      "metadata.annotations.idp/settings: annotation idp/settings is not JSON",
    ],
    [
      "a settings annotation with a key outside spec",
      workload({ metadata: { name: "shop", annotations: { "idp/settings": '{"__proto__":{"x":1}}' } } }),
      'metadata.annotations.idp/settings: annotation idp/settings sets "__proto__", which is not a spec setting',
    ],
  ])("refuses %s", (_what, score, error) => {
    expect(errors(score)).toContain(error);
  });

  it("keeps a secret output that is the whole value", () => {
    expect(
      errors(
        workload({
          resources: { c: { type: "redis" } },
          container: { variables: { A: "${resources.c.host}" } },
        }),
      ),
    ).toEqual([]);
  });

  it("drops free annotations with a warning, and applies idp/* ones", () => {
    const result = map(
      workload({
        metadata: {
          name: "shop",
          annotations: { tags: "x", "idp/tier": "critical", "idp/settings": '{"replicas":3,"type":null}' },
        },
      }),
    );
    expect(result.service.metadata).toEqual({ name: "shop", team: "storefront", tier: "critical" });
    expect(result.service.spec).toEqual({ image: "ghcr.io/acme/shop:1.0.0", replicas: 3 });
    expect(result.refusals.list.map((r) => `${r.severity} ${r.message}`)).toEqual([
      "warning annotation tags is dropped: a service keeps no free annotations",
    ]);
  });
});
