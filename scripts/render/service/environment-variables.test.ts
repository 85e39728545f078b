import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { containerEnvironment, type EnvEntry, expand } from "../../../test/support/kube-env-expansion.js";
import { SLI_DEFAULTS } from "../../model/observability.js";
import type { ResolvedDependency, ResolvedService } from "../../model/resolved.js";
import type { RenderContext } from "../context.js";
import { callAddress } from "./call-address.js";
import { escapeForExpansion, resolveVariables, secretPartName } from "./environment-variables.js";
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
    observability: { protocol: "http", sli: SLI_DEFAULTS.http, severity: "warning" },
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
    expect(resolve({ V: value })).toEqual({ plain: { V: expected }, env: [] });
  });

  it("turns a whole-value secret output into a secretKeyRef on <service>-<dependency>, in order", () => {
    expect(
      resolve({ A: "a", DATABASE_URL: "${dependencies.db.uri}", DB_HOST: "${dependencies.db.host}" }),
    ).toEqual({
      plain: { A: "a" },
      env: [
        { name: "DATABASE_URL", secretName: "web-db", key: "uri" },
        { name: "DB_HOST", secretName: "web-db", key: "host" },
      ],
    });
  });

  it.each([
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

/** The rendered env list as the pod template writes it (secretKeyRef or value). */
function envList(env: Record<string, string>): EnvEntry[] {
  return resolve(env).env.map((v) =>
    "value" in v
      ? { name: v.name, value: v.value }
      : { name: v.name, valueFrom: { secretKeyRef: { name: v.secretName, key: v.key } } },
  );
}

/** What web's connection secret web-db holds in the imagined cluster. */
const SECRETS = { "web-db": { host: "db-7.internal", uri: "postgres://u:p@db-7.internal:5432/app" } };

describe("resolveVariables with secret outputs inside longer values", () => {
  it("lists each secret part as its own secretKeyRef just before the composed variable, in declaration order", () => {
    const resolved = resolve({
      A: "a",
      REDIS_ADDR: "${dependencies.db.host}:${dependencies.db.port}",
      B: "b",
      DSN: "host=${dependencies.db.host} uri=${dependencies.db.uri} app=${calls.api.host}",
      WHOLE: "${dependencies.db.uri}",
    });
    expect(resolved).toEqual({
      plain: { A: "a", B: "b" },
      env: [
        { name: "IDP.REDIS_ADDR.1", secretName: "web-db", key: "host" },
        { name: "REDIS_ADDR", value: "$(IDP.REDIS_ADDR.1):5432" },
        { name: "IDP.DSN.1", secretName: "web-db", key: "host" },
        { name: "IDP.DSN.2", secretName: "web-db", key: "uri" },
        { name: "DSN", value: "host=$(IDP.DSN.1) uri=$(IDP.DSN.2) app=api" },
        { name: "WHOLE", secretName: "web-db", key: "uri" },
      ],
    });
  });

  it.each([
    ["a literal $( stays literal", "$(HOME)/${dependencies.db.host}", "$$(HOME)/$(IDP.V.1)"],
    ["a literal $$ stays two dollars", "a$$b${dependencies.db.host}", "a$$$$b$(IDP.V.1)"],
    ["a lone $ and a trailing $", "cost $5 ${dependencies.db.host}$", "cost $$5 $(IDP.V.1)$$"],
    ["$${ is a literal ${, escaped for Kubernetes too", "$${X}${dependencies.db.host}", "$${X}$(IDP.V.1)"],
  ])("escapes plain parts: %s", (_, value, rendered) => {
    expect(resolve({ V: value }).env).toEqual([
      { name: "IDP.V.1", secretName: "web-db", key: "host" },
      { name: "V", value: rendered },
    ]);
  });

  it("never puts a composed value, or any part of it, in the ConfigMap data", () => {
    const { plain } = resolve({
      PLAIN: "x",
      ADDR: "${dependencies.db.host}:${dependencies.db.port}",
      URL: "${dependencies.db.uri}",
    });
    expect(plain).toEqual({ PLAIN: "x" });
  });

  it("names secret parts so they cannot collide with a variable a service declares", () => {
    const schema = JSON.parse(
      readFileSync(new URL("../../../schemas/service.schema.json", import.meta.url), "utf8"),
    );
    const envVarName = new RegExp(schema.$defs.envVarName.pattern);
    for (const [variable, part] of [
      ["REDIS_ADDR", 1],
      ["A", 12],
      ["A_1", 2],
    ] as const) {
      expect(envVarName.test(secretPartName(variable, part))).toBe(false);
    }
    // injective: the variable and the part number are both readable back
    expect(secretPartName("A_1", 2)).not.toBe(secretPartName("A", 12));
    expect(secretPartName("A", 12)).toBe("IDP.A.12");
  });
});

describe("composed values as the kubelet expands them (no cluster)", () => {
  it("gives the container exactly the text the value describes, with the secret read at start", () => {
    const literals = ["", "plain", "$", "$$", "$(HOME)", "$$(HOME)", "a$", "${HOME}", "cost: $5", "$)", "$("];
    for (const literal of literals) {
      // written in the service file with $${ for a literal ${; "|" keeps a trailing $ from escaping the placeholder
      const written = literal.replaceAll("${", () => "$${");
      const value = `${written}|\${dependencies.db.host}|${written}:\${dependencies.db.port}/\${dependencies.db.uri}`;
      const environment = containerEnvironment(envList({ V: value }), SECRETS);
      expect(environment.V, JSON.stringify(literal)).toBe(
        `${literal}|db-7.internal|${literal}:5432/postgres://u:p@db-7.internal:5432/app`,
      );
    }
  });

  it("depends on the order: a reference to a variable listed later is left unexpanded", () => {
    const list = envList({ REDIS_ADDR: "${dependencies.db.host}:${dependencies.db.port}" });
    expect(containerEnvironment(list, SECRETS).REDIS_ADDR).toBe("db-7.internal:5432");
    // the same entries with the composed variable first: what Kubernetes does with a wrong order
    expect(containerEnvironment([...list].reverse(), SECRETS).REDIS_ADDR).toBe("$(IDP.REDIS_ADDR.1):5432");
  });

  it("models the rule the pinned Kubernetes API states for EnvVar.value", () => {
    const spec = JSON.parse(
      readFileSync(new URL("../../../upstream/kubernetes/apis__apps__v1.json", import.meta.url), "utf8"),
    );
    const rule: string = spec.components.schemas["io.k8s.api.core.v1.EnvVar"].properties.value.description;
    expect(rule).toContain("expanded using the previously defined environment variables");
    expect(rule).toContain('"$$(VAR_NAME)" will produce the string literal "$(VAR_NAME)"');
    expect(rule).toContain("the reference in the input string will be unchanged");
    expect(expand("$$(VAR_NAME)", () => "x")).toBe("$(VAR_NAME)");
    expect(expand("$(MISSING)", (name) => `$(${name})`)).toBe("$(MISSING)");
    expect(escapeForExpansion("$(VAR_NAME) $$ $")).toBe("$$(VAR_NAME) $$$$ $$");
    expect(expand(escapeForExpansion("$(VAR_NAME) $$ $"), () => "x")).toBe("$(VAR_NAME) $$ $");
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
      "probes.readiness of w is an HTTP check on the first http port, but the container declares no ports",
    );
  });
});
