import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { validateRepository } from "../scripts/model/validate-repository.js";
import { BUNDLE_WASM } from "../scripts/policy/bundle.js";
import { PolicyEngine, type PolicyFinding } from "../scripts/policy/engine.js";
import { buildPolicyInput, type PolicyInput } from "../scripts/policy/input.js";

const ROOT = join(import.meta.dirname, "..");
let opa = "";
beforeAll(() => {
  opa = execFileSync("bash", [join(ROOT, "tools/opa.sh")], { encoding: "utf8" }).trim();
});

/** The same decision from the reference evaluator: the real opa binary on the Rego sources. */
function opaEval(input: PolicyInput): { deny: unknown[]; warn: unknown[] } {
  const out = execFileSync(
    opa,
    [
      "eval",
      "--format",
      "json",
      "--ignore",
      "*_test.rego",
      "-d",
      join(ROOT, "policies/platform"),
      "--stdin-input",
      "data.platform.main.findings",
    ],
    { input: JSON.stringify(input), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(out).result[0].expressions[0].value;
}

/** JSON with sorted keys: wasm and opa eval build objects in different key orders. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
const canonical = (items: unknown[]) => items.map(stable).sort();

function wasmEval(engine: PolicyEngine, input: PolicyInput) {
  const findings = engine.evaluate(input);
  const strip = (f: PolicyFinding) => {
    const { severity: _severity, ...rest } = f;
    return rest;
  };
  return {
    deny: canonical(findings.filter((f) => f.severity === "deny").map(strip)),
    warn: canonical(findings.filter((f) => f.severity === "warn").map(strip)),
  };
}

const repository = validateRepository(ROOT);
const inputs: [string, PolicyInput][] = repository.environments.map((env) => [
  `examples in ${env.name}`,
  buildPolicyInput(
    env,
    repository.environments,
    repository.teams,
    repository.services.filter((s) => s.environment === env.name),
    {},
  ),
]);

/** The prod input with most rules broken at once, and a pull request in the freeze window by an outsider. */
function brokenProd(): PolicyInput {
  const [, prod] = inputs.find(([name]) => name === "examples in prod") ?? [];
  if (!prod) throw new Error("no prod input");
  const input = structuredClone(prod);
  const services = input.services as Record<string, unknown>[];
  Object.assign(services[0] ?? {}, {
    image: "docker.io/acme/x:latest",
    tier: "critical",
    replicas: 1,
    probes: {},
  });
  Object.assign(services[1] ?? {}, {
    env: { AWS: "AKIAZ7QMYKEXAMPLE123" },
    envFacts: { AWS: { length: 20, entropy: 3.9 } },
  });
  Object.assign(services[2] ?? {}, { tier: "experimental", route: { host: "evil.example.org", path: "/" } });
  Object.assign(services[3] ?? {}, {
    resources: { cpu: 64, memory: 2 ** 40, limits: { memory: 2 ** 40 } },
    replicas: 400,
  });
  input.change = {
    author: "mallory",
    base: "origin/main",
    date: "2026-12-24",
    files: ["services/cart/service.yaml", "policies/platform/security.rego"],
    changedServices: ["cart", "checkout"],
    // The authority of the base: team members and service owners (here, as the examples have them).
    members: Object.fromEntries(repository.teams.map((t) => [t.name, t.spec.members ?? []])),
    owners: Object.fromEntries(repository.services.map((s) => [s.name, s.team])),
    teams: Object.fromEntries(repository.services.map((s) => [s.name, s.team])),
    newCalls: { checkout: ["cart"] },
  };
  return input;
}

describe("the compiled wasm and opa eval agree", () => {
  const engine = PolicyEngine.load(readFileSync(join(ROOT, BUNDLE_WASM)), BUNDLE_WASM);

  it.each([...inputs, ["most rules broken in prod", brokenProd()] as [string, PolicyInput]])(
    "on %s",
    (_name, input) => {
      const reference = opaEval(input);
      const wasm = wasmEval(engine, input);
      expect(wasm).toEqual({ deny: canonical(reference.deny), warn: canonical(reference.warn) });
    },
  );

  it("finds what the broken input breaks", () => {
    const rules = new Set(engine.evaluate(brokenProd()).map((f) => f.rule));
    expect([...rules].sort()).toEqual(
      expect.arrayContaining([
        "CHG001",
        "COST001",
        "OWN001",
        "OWN002",
        "OWN003",
        "REL001",
        "REL002",
        "REL003",
        "REL004",
        "SEC001",
        "SEC002",
        "SEC003",
        "SEC004",
        "SEC005",
      ]),
    );
  });
});

describe("the engine fails closed", () => {
  it("refuses an input too large for its memory with a ToolError, not an empty result", () => {
    const small = PolicyEngine.load(readFileSync(join(ROOT, BUNDLE_WASM)), BUNDLE_WASM, {
      initial: 8,
      maximum: 8,
    });
    const [, input] = inputs[0] ?? [];
    if (!input) throw new Error("no input");
    const huge = structuredClone(input);
    huge.services = Array.from({ length: 4000 }, (_, i) => ({
      ...(input.services[0] ?? {}),
      name: `svc-${i}`,
    }));
    expect(() => small.evaluate(huge)).toThrow(/too large for the policy's memory/);
  });
});
