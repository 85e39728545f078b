import { describe, expect, it } from "vitest";
import type { EnvironmentSpec } from "../../model/types.generated.js";
import { claimDefinitions, mergeSchemas, pluralOf, schemaOfValue } from "./claim-definitions.js";

describe("pluralOf", () => {
  it.each([
    ["PostgreSQLInstance", "postgresqlinstances"],
    ["Bucket", "buckets"],
    ["Queue", "queues"],
    ["Address", "addresses"],
    ["Policy", "policies"],
  ])("%s → %s", (kind, plural) => {
    expect(pluralOf(kind)).toBe(plural);
  });
});

describe("schemaOfValue and mergeSchemas", () => {
  it("types each value as the class gives it and requires every key", () => {
    expect(schemaOfValue({ size: 5, version: "16", ha: false, ratio: 0.5 })).toEqual({
      type: "object",
      properties: {
        ha: { type: "boolean" },
        ratio: { type: "number" },
        size: { type: "integer" },
        version: { type: "string" },
      },
      required: ["ha", "ratio", "size", "version"],
    });
  });

  it("requires only the keys both classes set, and widens integer with number", () => {
    const merged = mergeSchemas(schemaOfValue({ a: 1, b: "x" }), schemaOfValue({ a: 1.5 }));
    expect(merged).toEqual({
      type: "object",
      properties: { a: { type: "number" }, b: { type: "string" } },
      required: ["a"],
    });
  });
});

describe("claimDefinitions", () => {
  const claim = (apiVersion: string, kind: string, parameters: Record<string, unknown>) => ({
    claim: { apiVersion, kind, spec: { parameters } },
    outputs: { host: { secretKey: "host" }, port: { value: "5432" } },
  });
  const spec = {
    dependencyClasses: {
      postgres: {
        small: claim("database.acme.io/v1alpha1", "PostgreSQLInstance", { storageGB: 5, version: "16" }),
        large: claim("database.acme.io/v1alpha1", "PostgreSQLInstance", {
          storageGB: 200,
          version: "16",
          ha: true,
        }),
      },
      bucket: { default: claim("storage.acme.io/v1alpha1", "Bucket", { region: "eu-west-1" }) },
    },
  } as unknown as EnvironmentSpec;

  it("defines each claim kind once, from all of its classes", () => {
    const [postgres, bucket] = [...claimDefinitions(spec)]
      .sort((a, b) => a.kind.localeCompare(b.kind))
      .reverse();
    expect(postgres).toMatchObject({
      group: "database.acme.io",
      kind: "PostgreSQLInstance",
      plural: "postgresqlinstances",
      compositeKind: "XPostgreSQLInstance",
      compositePlural: "xpostgresqlinstances",
      connectionSecretKeys: ["host"],
      classes: ["postgres.large", "postgres.small"],
    });
    expect(postgres?.versions.get("v1alpha1")?.properties?.parameters).toEqual({
      type: "object",
      properties: { ha: { type: "boolean" }, storageGB: { type: "integer" }, version: { type: "string" } },
      required: ["storageGB", "version"],
    });
    expect(bucket?.kind).toBe("Bucket");
  });
});
