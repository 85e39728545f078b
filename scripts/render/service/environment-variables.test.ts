import { describe, expect, it } from "vitest";
import type { ResolvedDependency, ResolvedService } from "../../model/resolved.js";
import type { RenderContext } from "../context.js";
import { callAddress } from "./call-address.js";
import { resolveVariables } from "./environment-variables.js";
import { containerProbe } from "./probes.js";
import { indexServices } from "./service-index.js";

function makeService(fields: Partial<ResolvedService> & { name: string }): ResolvedService {
  return {
    team: "shop",
    tier: "standard",
    description: "",
    environment: "dev",
    namespace: "shop-dev",
    file: `services/${fields.name}/service.yaml`,
    type: "web",
    image: `ghcr.io/x/${fields.name}:1.0.0`,
    ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "http" }],
    resources: { cpu: "100m", memory: "128Mi", limits: { memory: "128Mi" } },
    env: {},
    secrets: {},
    probes: {},
    calls: [],
    dependencies: [],
    egress: [],
    initContainers: [],
    sidecars: [],
    volumes: [],
    files: [],
    origins: new Map(),
    replicas: 1,
    ...fields,
  };
}

const db: ResolvedDependency = {
  name: "db",
  type: "postgres",
  size: "small",
  class: {
    claim: { apiVersion: "db.example.test/v1", kind: "Postgres", spec: {} },
    outputs: { uri: { secretKey: "uri" }, port: { value: "5432" }, host: { secretKey: "host" } },
  },
};

const api = makeService({
  name: "api",
  ports: [{ name: "grpc", port: 5050, targetPort: 5051, protocol: "grpc" }],
});
const cart = makeService({ name: "cart", namespace: "store-dev" });

function resolve(env: Record<string, string>, extra: Partial<ResolvedService> = {}) {
  const web = makeService({ name: "web", env, calls: ["api", "cart"], dependencies: [db], ...extra });
  const context: RenderContext = {
    environment: {
      name: "dev",
      file: "environments/dev.yaml",
      spec: {} as RenderContext["environment"]["spec"],
    },
    services: [api, cart, web],
    teams: [],
  };
  return resolveVariables(web, indexServices(context));
}

describe("resolveVariables", () => {
  it.each([
    ["plain", "info", "info"],
    ["same-namespace host", "${calls.api.host}", "api"],
    ["cross-namespace host", "${calls.cart.host}", "cart.store-dev.svc.cluster.local"],
    ["first Service port, not container port", "${calls.api.port}", "5050"],
    ["address", "${calls.cart.address}", "cart.store-dev.svc.cluster.local:80"],
    ["http url", "${calls.cart.url}", "http://cart.store-dev.svc.cluster.local:80"],
    ["grpc url is scheme-less", "${calls.api.url}", "api:5050"],
    [
      "value output inside text",
      "postgres://${calls.api.host}:${dependencies.db.port}/x",
      "postgres://api:5432/x",
    ],
    ["escaped", "$${calls.api.host} and $${HOME}", "${calls.api.host} and ${HOME}"],
    ["escape beside a placeholder", "$${X}${calls.api.port}", "${X}5050"],
    ["lone dollar", "cost: $5", "cost: $5"],
  ])("%s", (_, value, expected) => {
    expect(resolve({ V: value })).toEqual({ plain: { V: expected }, secretKeys: [] });
  });

  it("turns a whole-value secret output into a secretKeyRef on <service>-<dependency>, in order", () => {
    expect(
      resolve({ A: "a", DATABASE_URL: "${dependencies.db.uri}", DB_HOST: "${dependencies.db.host}" }),
    ).toEqual({
      plain: { A: "a" },
      secretKeys: [
        { name: "DATABASE_URL", secretName: "web-db", key: "uri" },
        { name: "DB_HOST", secretName: "web-db", key: "host" },
      ],
    });
  });

  it.each([
    [
      "${dependencies.db.uri}?sslmode=require",
      "env.V of web: ${dependencies.db.uri} is a secret output and must be the whole value",
    ],
    ["${calls.nope.host}", "web calls nope, which is not rendered in environment dev"],
    [
      "${dependencies.cache.url}",
      "env.V of web: ${dependencies.cache.url} names no output of a declared dependency",
    ],
    ["${nonsense}", "env.V of web: ${nonsense} is not a placeholder"],
  ])("refuses %s, which resolve reports first", (value, message) => {
    expect(() => resolve({ V: value })).toThrow(message);
  });
});

describe("callAddress", () => {
  it("qualifies the host only across namespaces", () => {
    expect(callAddress(api, cart).host).toBe("cart.store-dev.svc.cluster.local");
    expect(callAddress(makeService({ name: "x", namespace: "store-dev" }), cart)).toEqual({
      host: "cart",
      port: "80",
      address: "cart:80",
      url: "http://cart:80",
    });
  });

  it("refuses a service without ports", () => {
    expect(() => callAddress(api, makeService({ name: "w", type: "worker", ports: [] }))).toThrow(
      "w has no ports, so api cannot call it",
    );
  });
});

describe("containerProbe", () => {
  it("refuses an HTTP path probe on a service without ports, naming the probe", () => {
    const worker = makeService({ name: "w", type: "worker", ports: [] });
    expect(() => containerProbe(worker, "readiness", "/ready")).toThrow(
      "probes.readiness of w is an HTTP check on the first port, but the service has no ports",
    );
  });
});
