import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadAll } from "js-yaml";
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../scripts/render/kube-object.js";
import { crdCheck, type ObjectCheck } from "../scripts/render/upstream/object-validator.js";
import { kindsOfCrds } from "../scripts/render/upstream/pinned-schemas.js";

const ROOT = join(import.meta.dirname, "..");

function objectsOf(file: string): KubeObject[] {
  return (loadAll(readFileSync(join(ROOT, file), "utf8")) as KubeObject[]).filter(Boolean);
}

/** The claims rendered in one environment of a tree, each with the check of the CRD _platform renders for it. */
function claimsOf(
  tree: string,
  environment: string,
): { file: string; claim: KubeObject; check: ObjectCheck }[] {
  const platform = `${tree}/${environment}/_platform/manifest.yaml`;
  const checks = new Map<string, ObjectCheck>();
  for (const kind of kindsOfCrds(platform, readFileSync(join(ROOT, platform), "utf8"))) {
    if (kind.scope === "Namespaced") checks.set(`${kind.apiVersion}/${kind.kind}`, crdCheck(kind.schema));
  }
  const found = [];
  for (const folder of readdirSync(join(ROOT, tree, environment)).sort()) {
    const file = `${tree}/${environment}/${folder}/manifest.yaml`;
    for (const claim of objectsOf(file)) {
      const check = checks.get(`${claim.apiVersion}/${claim.kind}`);
      if (check) found.push({ file, claim, check });
    }
  }
  return found;
}

const environments = ["dev", "staging", "prod"];

describe.each(["manifests", "test/golden"])("the dependency claims rendered in %s", (tree) => {
  it.each(environments)("match the schemas of the claim CRDs in %s/_platform", (environment) => {
    const claims = claimsOf(tree, environment);
    expect(claims.length).toBeGreaterThan(0);
    const problems = claims.flatMap(({ file, claim, check }) =>
      check(claim).map((problem) => `${file}: ${claim.kind} ${claim.metadata.name}: ${problem}`),
    );
    expect(problems).toEqual([]);
  });
});

describe("a claim CRD rendered from the classes (negative controls)", () => {
  const [postgres] = claimsOf("manifests", "prod").filter(({ claim }) => claim.kind === "PostgreSQLInstance");
  if (!postgres) throw new Error("prod renders no PostgreSQLInstance claim");
  const spec = postgres.claim.spec as {
    parameters: Record<string, unknown>;
    writeConnectionSecretToRef?: unknown;
  };
  const withSpec = (changed: Record<string, unknown>) => ({ ...postgres.claim, spec: changed });

  it.each([
    [
      "a parameter of the wrong type",
      { ...spec, parameters: { ...spec.parameters, storageGB: "20" } },
      "spec.parameters.storageGB must be integer",
    ],
    [
      "an unknown parameter",
      { ...spec, parameters: { ...spec.parameters, storageGb: 20 } },
      'unknown field "storageGb" in spec.parameters',
    ],
    ["an unknown spec field", { ...spec, size: "large" }, 'unknown field "size" in spec'],
    [
      "no writeConnectionSecretToRef",
      { parameters: spec.parameters },
      "spec must have required property 'writeConnectionSecretToRef'",
    ],
    [
      "a missing parameter",
      { ...spec, parameters: { version: "16", highAvailability: true } },
      "spec.parameters must have required property 'storageGB'",
    ],
  ])("refuses %s", (_name, changed, problem) => {
    expect(postgres.check(postgres.claim)).toEqual([]);
    expect(postgres.check(withSpec(changed))).toContain(problem);
  });
});
