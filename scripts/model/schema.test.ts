import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Kind } from "./kinds.js";
import { parseYamlDocument } from "./parse-yaml.js";
import { readSchemas } from "./read-schemas.js";
import { compileSchemas, displayPath, validateDocument } from "./schema.js";

const validators = compileSchemas(readSchemas(join(import.meta.dirname, "..", "..")));

function check(kind: Kind, yaml: string) {
  const { document, diagnostics } = parseYamlDocument("f.yaml", yaml);
  if (!document) throw new Error(JSON.stringify(diagnostics));
  return validateDocument(validators, kind, document).map((d) => ({
    where: `${d.line}:${d.column}`,
    code: d.code,
    message: d.message,
    ...(d.hint ? { hint: d.hint } : {}),
  }));
}

const service = (spec: string) =>
  `apiVersion: idp/v1\nkind: Service\nmetadata: { name: web, team: shop }\nspec:\n  type: web\n  image: ghcr.io/x/web:1.0.0\n${spec}`;

describe("schema errors read like a person wrote them", () => {
  it.each([
    [
      "a wrong type",
      "  replicas: two\n",
      { where: "7:13", code: "schema.type", message: 'spec.replicas must be an integer, got "two"' },
    ],
    [
      "a misspelled field",
      "  replica: 2\n",
      {
        where: "7:3",
        code: "schema.unknown-field",
        message: 'unknown field "replica" in spec',
        hint: 'did you mean "replicas"?',
      },
    ],
    [
      "a value of no alternative's type",
      "  probes: { readiness: 5 }\n",
      {
        where: "7:24",
        code: "schema.alternative",
        message: "spec.probes.readiness must be a string, HttpProbe, GrpcProbe, TcpProbe or ExecProbe, got 5",
        hint: "A health check: a string is an HTTP GET path on the first http port; an object has exactly one of http, grpc, tcp or exec, plus optional timings.",
      },
    ],
    [
      "an object alternative with a typo inside: only the fitting branch speaks",
      "  probes: { liveness: { grpc: { prt: 5050 } } }\n",
      {
        where: "7:33",
        code: "schema.unknown-field",
        message: 'unknown field "prt" in spec.probes.liveness.grpc',
        hint: 'did you mean "port"?',
      },
    ],
    [
      "a quantity pattern",
      "  resources: { cpu: 1x, memory: 1Gi }\n",
      {
        where: "7:21",
        code: "schema.pattern",
        message: 'spec.resources.cpu must be a Kubernetes CPU quantity such as 250m, 0.5 or 2, got "1x"',
      },
    ],
    [
      "a grace period above the bound",
      "  terminationGracePeriodSeconds: 3600\n",
      {
        where: "7:34",
        code: "schema.maximum",
        message: "spec.terminationGracePeriodSeconds must be <= 600, got 3600",
      },
    ],
    [
      "a probe header name with a space",
      "  probes: { readiness: { http: { path: /ready, headers: { X Probe: a } } } }\n",
      {
        where: "7:59",
        code: "schema.key",
        message: '"X Probe" is not a valid key in spec.probes.readiness.http.headers',
        hint: "keys must be an HTTP header name (letters, digits and -, such as X-Health-Check)",
      },
    ],
    [
      "an override key that is not a field",
      "  environments: { dev: { replics: 1 } }\n",
      {
        where: "7:26",
        code: "schema.unknown-field",
        message: 'unknown field "replics" in spec.environments.dev',
        hint: 'did you mean "replicas"?',
      },
    ],
  ])("%s", (_name, spec, expected) => {
    expect(check("Service", service(spec))).toContainEqual(expected);
  });

  it("reports a missing field at the mapping that lacks it", () => {
    expect(
      check(
        "Service",
        "apiVersion: idp/v1\nkind: Service\nmetadata:\n  name: web\nspec: { type: web, image: ghcr.io/x/y:1 }\n",
      ),
    ).toEqual([
      {
        where: "3:1",
        code: "schema.required",
        message: 'metadata is missing the required field "team"',
        hint: 'add "team:" under metadata',
      },
    ]);
  });

  it("cuts long values in messages", () => {
    const [first] = check("Service", service(`  replicas: "${"x".repeat(500)}"\n`));
    expect(first?.message.length).toBeLessThan(120);
  });

  it.each([
    [[], ""],
    [["spec", "ports", 0, "name"], "spec.ports[0].name"],
    [["spec", "env", "A"], "spec.env.A"],
  ] as const)("names %j as %s", (path, text) => {
    expect(displayPath(path)).toBe(text);
  });
});
