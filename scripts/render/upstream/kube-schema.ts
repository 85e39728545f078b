/**
 * Turns a Kubernetes schema (a CRD's openAPIV3Schema, or a component of the
 * Kubernetes OpenAPI v3 spec) into a JSON Schema that ajv enforces the way a
 * strict API server does (`kubectl apply --validate=strict`, field validation
 * Strict):
 *
 * - an object with `properties` and no `additionalProperties` rejects unknown
 *   fields, unless it says `x-kubernetes-preserve-unknown-fields: true`;
 * - `x-kubernetes-int-or-string: true` (and `format: int-or-string`) takes an
 *   integer or a string;
 * - `$ref: #/components/schemas/X` points at `#/definitions/X` of the same
 *   bundle, so a spec file compiles as one schema with its references;
 * - `format` is dropped (Kubernetes' formats are not JSON Schema's), and so
 *   is `default` (the API server fills defaults in; it never rejects by them);
 * - a `pattern` with RE2's case-insensitive flag `(?i)`, which JavaScript
 *   cannot read, is made case-insensitive letter by letter ({@link withoutCaseFlag}).
 */
export function toAjvSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toAjvSchema);
  if (schema === null || typeof schema !== "object") return schema;
  const source = schema as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === "format" || key === "default" || key === "description" || key === "example") continue;
    if (key.startsWith("x-kubernetes-")) continue;
    if (key === "$ref" && typeof value === "string") {
      result.$ref = value.replace("#/components/schemas/", "#/definitions/");
      continue;
    }
    if (key === "properties" || key === "definitions" || key === "patternProperties") {
      const mapped: Record<string, unknown> = {};
      for (const [name, inner] of Object.entries(value as Record<string, unknown>))
        mapped[name] = toAjvSchema(inner);
      result[key] = mapped;
      continue;
    }
    if (key === "pattern" && typeof value === "string" && value.includes(CASE_FLAG)) {
      result.pattern = withoutCaseFlag(value);
      continue;
    }
    result[key] = toAjvSchema(value);
  }
  if (source["x-kubernetes-int-or-string"] === true || source.format === "int-or-string") {
    delete result.type;
    delete result.oneOf;
    result.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  const preserves = source["x-kubernetes-preserve-unknown-fields"] === true;
  if (source.properties && !("additionalProperties" in source) && !preserves)
    result.additionalProperties = false;
  // a node that keeps unknown fields and names none of its own may be anything the API server stores
  return result;
}

/**
 * The schema of a whole object of a CRD's kind: its openAPIV3Schema, with
 * `apiVersion`, `kind` and `metadata` allowed at the root as the API server
 * allows them whether the CRD lists them or not.
 */
export function crdObjectSchema(openAPIV3Schema: unknown): Record<string, unknown> {
  const root = toAjvSchema(openAPIV3Schema) as Record<string, unknown>;
  const properties = { ...((root.properties as Record<string, unknown> | undefined) ?? {}) };
  properties.apiVersion = { type: "string" };
  properties.kind = { type: "string" };
  properties.metadata = { type: "object" };
  return { ...root, type: "object", properties };
}

const CASE_FLAG = "(?i)";

/**
 * An RE2 pattern with `(?i)` (Prometheus Operator CRDs use it for month and
 * day names) as JavaScript reads it: the flag dropped and every letter
 * outside a character class matched in both cases (`a` → `[aA]`). Wider
 * than RE2 only where the flag stood after a part that was case-sensitive,
 * which is as lenient as a check that is not the API server's may be.
 */
export function withoutCaseFlag(pattern: string): string {
  const source = pattern.replaceAll(CASE_FLAG, "");
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    if (c === "\\") {
      out += c + (source[i + 1] ?? "");
      i++;
    } else if (c === "[") {
      inClass = true;
      out += c;
    } else if (c === "]") {
      inClass = false;
      out += c;
    } else if (!inClass && /[a-z]/i.test(c)) {
      out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
    } else {
      out += c;
    }
  }
  return out;
}
