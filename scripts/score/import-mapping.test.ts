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

/** A second container with the requests an extra container needs. */
const sidecar = {
  image: "ghcr.io/acme/log:1",
  resources: { requests: { cpu: "20m", memory: "32Mi" } },
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
      "a second container without requests",
      { ...workload(), containers: { a: { image: "x:1" }, b: { image: "y:1" } } },
      "containers.b.resources: container b needs CPU and memory requests: a pod's requests are the sum of its containers'",
    ],
    [
      "a placeholder in a second container",
      {
        ...workload(),
        containers: { a: { image: "x:1" }, b: { ...sidecar, variables: { N: "${metadata.name}" } } },
      },
      "containers.b.variables: variable N of b has a placeholder: placeholders are resolved in the main container only",
    ],
    [
      "a probe of a second container",
      {
        ...workload(),
        containers: { a: { image: "x:1" }, b: { ...sidecar, livenessProbe: { exec: { command: ["x"] } } } },
      },
      "containers.b.livenessProbe: livenessProbe of a container besides the main one are not supported: init containers and sidecars have image, command, args, variables and resources",
    ],
    [
      "ready: healthy",
      {
        ...workload(),
        containers: { a: { image: "x:1", before: { b: { ready: "healthy" } } }, b: sidecar },
      },
      "containers.a.before.b.ready: ready: healthy is not supported: an extra container has no probe here",
    ],
    [
      "file content with a placeholder Score would expand",
      workload({ container: { files: { "/etc/a": { content: "I am ${metadata.name}" } } } }),
      "containers.main.files./etc/a.content: file content has the placeholder ${metadata.name}, which Score expands and the platform does not",
    ],
    [
      "a file from source",
      workload({ container: { files: { "/etc/a": { source: "a.txt" } } } }),
      "containers.main.files./etc/a.source: a file from source is not supported: a service file holds its files' content",
    ],
    [
      "a binary file",
      workload({ container: { files: [{ target: "/etc/a", binaryContent: "aGk=" }] } }),
      "containers.main.files.0.binaryContent: binary files are not supported: files hold text",
    ],
    [
      "before naming no other container",
      workload({ container: { before: { ghost: { ready: "complete" } } } }),
      "containers.main.before.ghost: before names ghost, which is not another container of this workload",
    ],
    [
      "a second container named app",
      { ...workload(), containers: { a: { image: "x:1" }, app: sidecar } },
      "containers.app: a container named app: app is the main container's name here",
    ],
    [
      "a file without a target (the deprecated array form)",
      workload({ container: { files: [{ content: "x" }] } }),
      "containers.main.files.0: a file without a target path",
    ],
    [
      "a volume",
      workload({
        resources: { data: { type: "volume" } },
        container: { volumes: { "/data": { source: "${resources.data}" } } },
      }),
      "containers.main.volumes: Score volumes are not supported: a Score volume is whatever the provisioner makes (often persistent), and the platform's volumes are scratch directories emptied with the pod",
    ],
    [
      "a probe header sent twice",
      workload({
        container: {
          readinessProbe: {
            httpGet: {
              path: "/",
              port: 8080,
              httpHeaders: [
                { name: "X-A", value: "1" },
                { name: "X-A", value: "2" },
              ],
            },
          },
        },
      }),
      "containers.main.readinessProbe.httpGet.httpHeaders.1: header X-A is sent twice: probe headers are by name here",
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

  it("keeps a secret output as the whole value or as a part of a longer one", () => {
    const result = map(
      workload({
        resources: { c: { type: "redis" } },
        container: { variables: { A: "${resources.c.host}", B: "${resources.c.host}:${resources.c.port}" } },
      }),
    );
    expect(result.refusals.list).toEqual([]);
    expect(result.service.spec.env).toEqual({
      A: "${dependencies.c.host}",
      B: "${dependencies.c.host}:${dependencies.c.port}",
    });
  });

  it("maps the other containers by the main container's before: complete → init, started or unnamed → sidecar", () => {
    const result = map({
      ...workload(),
      containers: {
        // listed first, but named in main's before: not the main container
        migrate: { ...sidecar, image: "ghcr.io/acme/migrate:2", command: ["/migrate"] },
        main: {
          image: "ghcr.io/acme/shop:1.0.0",
          before: { migrate: { ready: "complete" }, proxy: { ready: "started" } },
        },
        proxy: { ...sidecar, args: ["--port", "9000"], variables: { COST: "$$5" } },
        shipper: sidecar,
      },
    });
    expect(result.refusals.list).toEqual([]);
    const resources = { cpu: "20m", memory: "32Mi" };
    expect(result.service.spec.image).toBe("ghcr.io/acme/shop:1.0.0");
    expect(result.service.spec.initContainers).toEqual([
      { name: "migrate", image: "ghcr.io/acme/migrate:2", command: ["/migrate"], resources },
    ]);
    expect(result.service.spec.sidecars).toEqual([
      {
        name: "proxy",
        image: "ghcr.io/acme/log:1",
        args: ["--port", "9000"],
        env: { COST: "$5" },
        resources,
      },
      { name: "shipper", image: "ghcr.io/acme/log:1", resources },
    ]);
  });

  it("maps inline files (literal with noExpand, $$ unescaped without) and probe headers", () => {
    const result = map(
      workload({
        container: {
          files: {
            "/etc/app/a.yaml": { content: "price: $$5\n" },
            "/etc/app/b.tmpl": { content: "Hi ${name}", noExpand: true },
          },
          readinessProbe: {
            httpGet: {
              path: "/ready",
              port: 8080,
              httpHeaders: [{ name: "X-Health-Check", value: "kubelet" }],
            },
          },
        },
      }),
    );
    expect(result.refusals.list).toEqual([]);
    expect(result.service.spec.files).toEqual([
      { path: "/etc/app/a.yaml", content: "price: $5\n" },
      { path: "/etc/app/b.tmpl", content: "Hi ${name}" },
    ]);
    expect(result.service.spec.probes).toEqual({
      readiness: { http: { path: "/ready", port: 8080, headers: { "X-Health-Check": "kubelet" } } },
    });
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
