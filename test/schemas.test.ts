import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { generateTypes, TYPES_FILE } from "../scripts/dev/generate-types.js";
import type { Kind as ModelKind } from "../scripts/model/kinds.js";
import { readSchemas } from "../scripts/model/read-schemas.js";
import { compileSchemas } from "../scripts/model/schema.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

type Kind = "service" | "environment" | "team";
const KINDS: readonly Kind[] = ["service", "environment", "team"];

function readSchema(kind: Kind): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(root, "schemas", `${kind}.schema.json`), "utf8"));
}

const KIND_NAMES: Readonly<Record<Kind, ModelKind>> = {
  service: "Service",
  environment: "Environment",
  team: "Team",
};
// The validators the CLI uses, from the schemas of this repository.
const validators = compileSchemas(readSchemas(root));

function validate(kind: Kind, value: unknown): { ok: boolean; errors: string[] } {
  const { byKind } = validators.compiled();
  const ok = byKind[KIND_NAMES[kind]](value);
  expect(validators.accepts(KIND_NAMES[kind], value)).toBe(ok);
  const errors = (byKind[KIND_NAMES[kind]].errors ?? []).map(
    (e) => `${e.instancePath || "/"} ${e.keyword}: ${e.message}`,
  );
  return { ok, errors };
}

/** Every schema object in a schema, with its JSON pointer; annotations (examples, const, enum) are not walked. */
function* schemaNodes(node: unknown, pointer = ""): Generator<[string, Record<string, unknown>]> {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* schemaNodes(item, `${pointer}/${i}`);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const object = node as Record<string, unknown>;
  yield [pointer, object];
  for (const [key, value] of Object.entries(object)) {
    if (key === "examples" || key === "const" || key === "enum") continue;
    if (key === "properties" || key === "$defs") {
      for (const [name, sub] of Object.entries(value as Record<string, unknown>)) {
        yield* schemaNodes(sub, `${pointer}/${key}/${name}`);
      }
    } else {
      yield* schemaNodes(value, `${pointer}/${key}`);
    }
  }
}

/** The example files of a kind, relative to the root, with the modeline each must start with. */
function exampleFiles(kind: Kind): { file: string; modeline: string }[] {
  const list = (dir: string) => readdirSync(path.join(root, dir)).sort();
  if (kind === "service") {
    return list("services").map((name) => ({
      file: `services/${name}/service.yaml`,
      modeline: "# yaml-language-server: $schema=../../schemas/service.schema.json",
    }));
  }
  const dir = kind === "environment" ? "environments" : "teams";
  return list(dir)
    .filter((name) => name.endsWith(".yaml"))
    .map((name) => ({
      file: `${dir}/${name}`,
      modeline: `# yaml-language-server: $schema=../schemas/${kind}.schema.json`,
    }));
}

describe("schemas", () => {
  it.each(KINDS)("%s schema compiles under strict ajv with draft 2020-12 and an https $id", (kind) => {
    const schema = readSchema(kind);
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.$id).toBe(`https://idp.example/schemas/${kind}.schema.json`);
    expect(typeof schema.title).toBe("string");
    expect(typeof schema.description).toBe("string");
    expect(validators.compiled().byKind[KIND_NAMES[kind]]).toBeTypeOf("function");
  });

  it.each(KINDS)("%s schema: every pattern has maxLength and patternErrorMessage beside it", (kind) => {
    const missing: string[] = [];
    let patterns = 0;
    for (const [pointer, node] of schemaNodes(readSchema(kind))) {
      if (node.pattern === undefined) continue;
      patterns++;
      if (typeof node.maxLength !== "number") missing.push(`${pointer}: maxLength`);
      if (typeof node.patternErrorMessage !== "string") missing.push(`${pointer}: patternErrorMessage`);
      if (node.type !== "string") missing.push(`${pointer}: type string`);
    }
    expect(patterns).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });

  it.each(KINDS)("%s schema: every property has a description, every object is closed", (kind) => {
    const problems: string[] = [];
    for (const [pointer, node] of schemaNodes(readSchema(kind))) {
      const properties = node.properties as Record<string, Record<string, unknown>> | undefined;
      for (const [name, property] of Object.entries(properties ?? {})) {
        if (typeof property.description !== "string" || property.description.length === 0) {
          problems.push(`${pointer}/properties/${name}: description`);
        }
      }
      const composed = node.allOf !== undefined;
      const closed = composed ? node.unevaluatedProperties === false : node.additionalProperties === false;
      // A settings block meant to be composed is closed by whoever composes it.
      const isPart = pointer === "/$defs/settings" || pointer === "/$defs/probeTimings";
      if (properties !== undefined && !closed && !isPart) problems.push(`${pointer}: not closed`);
    }
    expect(problems).toEqual([]);
  });
});

describe.each(KINDS)("%s examples", (kind) => {
  const files = exampleFiles(kind);

  it("exist", () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it.each(files)("$file starts with its modeline and is valid", ({ file, modeline }) => {
    const text = readFileSync(path.join(root, file), "utf8");
    expect(text.split("\n")[0]).toBe(modeline);
    const value = parse(text) as { metadata: { name: string } };
    expect(validate(kind, value).errors).toEqual([]);
    const expectedName =
      kind === "service" ? path.basename(path.dirname(file)) : path.basename(file, ".yaml");
    expect(value.metadata.name).toBe(expectedName);
  });
});

describe("generated types", () => {
  it(`${TYPES_FILE} is what npm run types:generate writes`, async () => {
    const committed = readFileSync(path.join(root, TYPES_FILE), "utf8");
    const fresh = await generateTypes(root);
    expect(fresh).toBe(committed);
    for (const name of [
      "Service",
      "Environment",
      "Team",
      "ServiceSettings",
      "EnvironmentOverride",
      "Probe",
    ]) {
      expect(fresh).toMatch(new RegExp(`^export (type|interface) ${name}\\b`, "m"));
    }
  });
});

describe("schema rejects", () => {
  const service = () => ({
    apiVersion: "idp/v1",
    kind: "Service",
    metadata: { name: "checkout", team: "payments" },
    spec: { type: "web", image: "ghcr.io/acme/checkout:1.4.2", port: 8080 },
  });
  const environment = () => ({
    apiVersion: "idp/v1",
    kind: "Environment",
    metadata: { name: "prod" },
    spec: {
      cluster: { name: "prod-eu-1", server: "https://prod-eu-1.k8s.acme.example" },
      namespace: "{team}",
      domain: "acme.example",
      gitops: { repoURL: "https://github.com/acme/platform.git" },
      registries: ["ghcr.io/acme"],
      defaults: { replicas: 1, resources: { cpu: "100m", memory: "128Mi" } },
    },
  });
  const team = () => ({
    apiVersion: "idp/v1",
    kind: "Team",
    metadata: { name: "payments" },
    spec: {
      github: "acme/payments",
      members: ["alice"],
      budget: { monthly: 5000 },
      contact: { slack: "#payments" },
    },
  });

  it.each([
    ["service", service()],
    ["environment", environment()],
    ["team", team()],
  ] as const)("accepts the minimal %s", (kind, value) => {
    expect(validate(kind, value).errors).toEqual([]);
  });

  type Case = [string, Kind, () => unknown, string];
  const cases: Case[] = [
    [
      "an unknown spec field",
      "service",
      () => ({ ...service(), spec: { ...service().spec, replica: 2 } }),
      "/spec unevaluatedProperties",
    ],
    ["an unknown top-level field", "team", () => ({ ...team(), status: {} }), "/ additionalProperties"],
    [
      "an unknown field in a nested object",
      "service",
      () => ({ ...service(), spec: { ...service().spec, route: { host: "a.acme.example", tls: true } } }),
      "/spec/route additionalProperties",
    ],
    [
      "a name that is not a DNS label",
      "service",
      () => ({ ...service(), metadata: { name: "Checkout", team: "payments" } }),
      "/metadata/name pattern",
    ],
    [
      "an image without tag or digest",
      "service",
      () => ({ ...service(), spec: { ...service().spec, image: "ghcr.io/acme/checkout" } }),
      "/spec/image pattern",
    ],
    [
      "a malformed CPU quantity",
      "service",
      () => ({ ...service(), spec: { ...service().spec, resources: { cpu: "250mm" } } }),
      "/spec/resources/cpu pattern",
    ],
    [
      "a four-field cron schedule",
      "service",
      () => ({ ...service(), spec: { ...service().spec, type: "cron", schedule: "0 3 * *" } }),
      "/spec/schedule pattern",
    ],
    [
      "an override that sets type",
      "service",
      () => ({ ...service(), spec: { ...service().spec, environments: { dev: { type: "worker" } } } }),
      "/spec/environments/dev unevaluatedProperties",
    ],
    [
      "an override that nests environments",
      "service",
      () => ({ ...service(), spec: { ...service().spec, environments: { dev: { environments: {} } } } }),
      "/spec/environments/dev unevaluatedProperties",
    ],
    [
      "a probe with both http and grpc",
      "service",
      () => ({
        ...service(),
        spec: { ...service().spec, probes: { liveness: { http: { path: "/" }, grpc: { port: 5050 } } } },
      }),
      "/spec/probes/liveness oneOf",
    ],
    [
      "an env var name with a dash",
      "service",
      () => ({ ...service(), spec: { ...service().spec, env: { "LOG-LEVEL": "info" } } }),
      "/spec/env pattern",
    ],
    [
      "an output with both secretKey and value",
      "environment",
      () => {
        const value = environment();
        const outputs = { host: { secretKey: "host", value: "db" } };
        const claim = { apiVersion: "database.acme.io/v1alpha1", kind: "PostgreSQLInstance", spec: {} };
        return {
          ...value,
          spec: { ...value.spec, dependencyClasses: { postgres: { small: { claim, outputs } } } },
        };
      },
      "/spec/dependencyClasses/postgres/small/outputs/host oneOf",
    ],
    [
      "a freeze date that is not YYYY-MM-DD",
      "environment",
      () => {
        const value = environment();
        return {
          ...value,
          spec: { ...value.spec, freeze: [{ from: "20.12.2026", to: "2027-01-04", reason: "x" }] },
        };
      },
      "/spec/freeze/0/from pattern",
    ],
    [
      "a cluster server that is not https",
      "environment",
      () => {
        const value = environment();
        return { ...value, spec: { ...value.spec, cluster: { name: "prod", server: "http://k8s" } } };
      },
      "/spec/cluster/server pattern",
    ],
    ...[
      "javascript:alert(1)",
      "http://grafana.acme.example",
      "https://grafana.acme.example/?a=b",
      "https://u:p@grafana.acme.example",
    ].map(
      (url): Case => [
        `a Grafana address ${url} (https only, no query, fragment or user name)`,
        "environment",
        () => {
          const value = environment();
          return { ...value, spec: { ...value.spec, observability: { grafana: { url } } } };
        },
        "/spec/observability/grafana/url pattern",
      ],
    ),
    [
      "a Slack channel without #",
      "team",
      () => ({ ...team(), spec: { ...team().spec, contact: { slack: "payments" } } }),
      "/spec/contact/slack pattern",
    ],
  ];

  it.each(cases)("%s", (_title, kind, make, expected) => {
    const result = validate(kind, make());
    expect(result.ok).toBe(false);
    expect(result.errors.map((e) => e.split(":")[0])).toContain(expected);
  });

  it("accepts quantities as numbers or strings", () => {
    const value = service();
    const spec = {
      ...value.spec,
      resources: { cpu: 0.5, memory: "256Mi", limits: { cpu: "1", memory: 536870912 } },
    };
    expect(validate("service", { ...value, spec }).errors).toEqual([]);
  });

  it("accepts an image by digest and from a registry with a port", () => {
    const digest = `ghcr.io/acme/checkout@sha256:${"a".repeat(64)}`;
    for (const image of [digest, "registry.acme.example:5000/team/app:v1.2.3"]) {
      expect(validate("service", { ...service(), spec: { ...service().spec, image } }).errors).toEqual([]);
    }
  });

  it("accepts an override that only disables the service", () => {
    const spec = { ...service().spec, environments: { prod: { enabled: false } } };
    expect(validate("service", { ...service(), spec }).errors).toEqual([]);
  });
});
