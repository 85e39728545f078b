import type { EnvironmentSpec } from "../../model/types.generated.js";

/** A structural OpenAPI v3 schema, as a CustomResourceDefinition takes it. */
export interface StructuralSchema {
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  properties?: Record<string, StructuralSchema>;
  required?: string[];
  items?: StructuralSchema;
  additionalProperties?: StructuralSchema;
  description?: string;
  minLength?: number;
  "x-kubernetes-int-or-string"?: true;
  "x-kubernetes-preserve-unknown-fields"?: true;
}

/** One claim kind an environment's dependency classes name, with what its CRDs and XRD need. */
export interface ClaimDefinition {
  group: string;
  /** The claim kind (namespaced), as the classes name it: `PostgreSQLInstance`. */
  kind: string;
  /** Its plural: `postgresqlinstances`. */
  plural: string;
  /** The composite kind (cluster-scoped): `X` + kind. */
  compositeKind: string;
  compositePlural: string;
  /** Version name → the schema of `spec` the classes' specs imply (without the platform's fields). */
  versions: Map<string, StructuralSchema>;
  /** The connection secret keys the classes' outputs read. */
  connectionSecretKeys: string[];
  /** `<type>.<size>` of every class that names this kind. */
  classes: string[];
}

/** The lowercase English plural Kubernetes expects of a kind. */
export function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** The schema of one value as a class declares it: its type, and for mappings their keys, all required. */
export function schemaOfValue(value: unknown): StructuralSchema {
  if (typeof value === "string") return { type: "string" };
  if (typeof value === "boolean") return { type: "boolean" };
  if (typeof value === "number") return { type: Number.isInteger(value) ? "integer" : "number" };
  if (Array.isArray(value)) {
    const items = value
      .map(schemaOfValue)
      .reduce<StructuralSchema | undefined>(
        (merged, next) => (merged ? mergeSchemas(merged, next) : next),
        undefined,
      );
    // an empty list says nothing about its items: the one place unknown content is kept
    return { type: "array", items: items ?? { "x-kubernetes-preserve-unknown-fields": true } };
  }
  if (value !== null && typeof value === "object") {
    const properties: Record<string, StructuralSchema> = {};
    for (const key of Object.keys(value).sort()) {
      properties[key] = schemaOfValue((value as Record<string, unknown>)[key]);
    }
    return { type: "object", properties, required: Object.keys(properties) };
  }
  return { "x-kubernetes-preserve-unknown-fields": true };
}

/**
 * The schema that accepts what either schema accepts, as closely as a
 * structural schema can: mappings take the union of their keys (required
 * only when both require them), integer and number become number, string
 * and integer become int-or-string; other clashes keep any value.
 */
export function mergeSchemas(a: StructuralSchema, b: StructuralSchema): StructuralSchema {
  if (a.type === "object" && b.type === "object") {
    const properties: Record<string, StructuralSchema> = {};
    for (const key of [
      ...new Set([...Object.keys(a.properties ?? {}), ...Object.keys(b.properties ?? {})]),
    ].sort()) {
      const left = a.properties?.[key];
      const right = b.properties?.[key];
      properties[key] = left && right ? mergeSchemas(left, right) : ((left ?? right) as StructuralSchema);
    }
    const required = (a.required ?? []).filter((key) => (b.required ?? []).includes(key));
    return { type: "object", properties, required };
  }
  if (a.type === "array" && b.type === "array") {
    return { type: "array", items: mergeSchemas(a.items ?? {}, b.items ?? {}) };
  }
  if (a.type === b.type && a.type !== undefined) return a;
  const types = new Set([a.type, b.type]);
  if (types.has("integer") && types.has("number") && types.size === 2) return { type: "number" };
  if (types.has("integer") && types.has("string") && types.size === 2)
    return { "x-kubernetes-int-or-string": true };
  return { "x-kubernetes-preserve-unknown-fields": true };
}

/**
 * The claim kinds of an environment's dependency classes, by group and kind,
 * sorted, each with the spec schema its classes imply: every class of a kind
 * is one example of a valid spec, so a value's type is the type the classes
 * give it and a key is required when every class sets it.
 */
export function claimDefinitions(spec: EnvironmentSpec): ClaimDefinition[] {
  const found = new Map<string, ClaimDefinition>();
  for (const type of Object.keys(spec.dependencyClasses ?? {}).sort()) {
    const sizes = spec.dependencyClasses?.[type] ?? {};
    for (const size of Object.keys(sizes).sort()) {
      const dependencyClass = sizes[size];
      // A volume class renders a core PersistentVolumeClaim, which needs no definition.
      if (!dependencyClass || !("claim" in dependencyClass)) continue;
      const { apiVersion, kind } = dependencyClass.claim;
      const slash = apiVersion.lastIndexOf("/");
      const group = apiVersion.slice(0, Math.max(slash, 0));
      const version = apiVersion.slice(slash + 1);
      const key = `${group}/${kind}`;
      let definition = found.get(key);
      if (!definition) {
        const plural = pluralOf(kind);
        definition = {
          group,
          kind,
          plural,
          compositeKind: `X${kind}`,
          compositePlural: `x${plural}`,
          versions: new Map(),
          connectionSecretKeys: [],
          classes: [],
        };
        found.set(key, definition);
      }
      const schema = schemaOfValue(dependencyClass.claim.spec);
      const known = definition.versions.get(version);
      definition.versions.set(version, known ? mergeSchemas(known, schema) : schema);
      for (const output of Object.values(dependencyClass.outputs)) {
        if ("secretKey" in output && !definition.connectionSecretKeys.includes(output.secretKey)) {
          definition.connectionSecretKeys.push(output.secretKey);
        }
      }
      definition.classes.push(`${type}.${size}`);
    }
  }
  for (const definition of found.values()) definition.connectionSecretKeys.sort();
  return [...found.values()].sort((a, b) => (a.group + a.kind < b.group + b.kind ? -1 : 1));
}
