/**
 * The JSON Schema of the plan file `idp plan --format json` writes, as the
 * privileged comment job accepts it. The file comes from a run of the pull
 * request's own code, so it is untrusted: every field that reaches the
 * comment or the check run is bounded here (lengths, counts, patterns for
 * names, paths and SHAs), unknown fields are refused, and `verdict` and
 * `markdown` are accepted only to be ignored (both are recomputed).
 */

/** The largest plan file read, in bytes: a real plan of a big change is well under 1 MB. */
export const MAX_PLAN_BYTES = 2 * 1024 * 1024;

const sha = { type: "string", pattern: "^[0-9a-f]{40}([0-9a-f]{24})?$" } as const;
/** A name as environments and services have (a DNS label), or `_platform`. */
const name = { type: "string", pattern: "^(_platform|[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)$" } as const;
/**
 * A repository-relative path as a finding names it (even a badly named file
 * must be reported): no pipe (it would break the findings table even inside
 * a code span), no control characters.
 */
const path = { type: "string", maxLength: 300, pattern: "^[^|\\u0000-\\u001f\\u007f-\\u009f]*$" } as const;
const text = (maxLength: number) => ({ type: "string", maxLength }) as const;
const status = { enum: ["added", "changed", "removed"] } as const;

const diagnostic = {
  type: "object",
  additionalProperties: false,
  required: ["code", "severity", "message", "file", "line", "column"],
  properties: {
    code: { type: "string", pattern: "^[A-Za-z0-9._-]{1,100}$" },
    severity: { enum: ["error", "warning"] },
    message: text(4000),
    file: path,
    line: { type: "integer", minimum: 0, maximum: 10_000_000 },
    column: { type: "integer", minimum: 0, maximum: 10_000_000 },
    hint: text(2000),
  },
} as const;

const diagnostics = { type: "array", maxItems: 5000, items: diagnostic } as const;

const objectChange = {
  type: "object",
  additionalProperties: false,
  required: ["kind", "name", "status", "summary"],
  properties: {
    kind: { type: "string", pattern: "^[A-Za-z0-9]{1,63}$" },
    name: { type: "string", pattern: "^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$" },
    namespace: { type: "string", pattern: "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$" },
    status,
    summary: { type: "array", maxItems: 200, items: text(1000) },
  },
} as const;

const destroyedObject = {
  type: "object",
  additionalProperties: false,
  required: ["environment", "manifest", "kind", "name", "reason"],
  properties: {
    environment: name,
    manifest: name,
    kind: objectChange.properties.kind,
    name: objectChange.properties.name,
    namespace: objectChange.properties.namespace,
    reason: text(1000),
  },
} as const;

const count = { type: "integer", minimum: 0, maximum: 10_000_000 } as const;

const destruction = {
  type: "object",
  additionalProperties: false,
  required: ["objects", "massRemovals", "limitPercent"],
  properties: {
    objects: { type: "array", maxItems: 5000, items: destroyedObject },
    massRemovals: {
      type: "array",
      maxItems: 50,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["environment", "removed", "total"],
        properties: { environment: name, removed: count, total: count },
      },
    },
    limitPercent: { type: "integer", minimum: 1, maximum: 100 },
    acknowledged: {
      type: "object",
      additionalProperties: false,
      required: ["by", "detail"],
      properties: { by: { const: "exception" }, detail: text(4000) },
    },
  },
} as const;

const servicePlan = {
  type: "object",
  additionalProperties: false,
  required: ["name", "status", "objects", "diff"],
  properties: {
    name,
    status,
    objects: { type: "array", maxItems: 500, items: objectChange },
    diff: text(1_000_000),
  },
} as const;

const environmentPlan = {
  type: "object",
  additionalProperties: false,
  required: ["name", "services"],
  properties: {
    name,
    services: { type: "array", maxItems: 5000, items: servicePlan },
  },
} as const;

/** An amount in whole US cents, at most ten billion dollars a month. */
const cents = { type: "integer", minimum: 0, maximum: 1_000_000_000_000 } as const;

const costRange = {
  type: "object",
  additionalProperties: false,
  required: ["min", "max"],
  properties: { min: cents, max: cents },
} as const;

/** The monthly cost before and after the change (the difference is computed again, never read). */
const cost = {
  type: "object",
  additionalProperties: false,
  required: ["environments", "services"],
  properties: {
    environments: {
      type: "array",
      maxItems: 50,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["environment", "before", "after"],
        properties: { environment: name, before: costRange, after: costRange },
      },
    },
    services: {
      type: "array",
      maxItems: 20_000,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["environment", "service"],
        properties: { environment: name, service: name, before: costRange, after: costRange },
      },
    },
  },
} as const;

/** The schema itself (draft 2020-12, compiled with ajv in strict mode). */
export const PLAN_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "idp:plan-file",
  type: "object",
  additionalProperties: false,
  required: ["base", "baseSha", "headSha", "diagnostics", "environments", "notes"],
  properties: {
    // Ignored: the verdict and the comment are recomputed from the fields below.
    verdict: { type: "object" },
    markdown: { type: "string" },
    base: { type: "string", maxLength: 200, pattern: "^[A-Za-z0-9._/@^~-]+$" },
    baseSha: sha,
    headSha: sha,
    workingTree: { type: "boolean" },
    destruction,
    diagnostics,
    newPolicyDiagnostics: diagnostics,
    newPolicyDifference: {
      type: "object",
      additionalProperties: false,
      required: ["added", "removed"],
      properties: { added: diagnostics, removed: diagnostics },
    },
    environments: { type: "array", maxItems: 50, items: environmentPlan },
    cost,
    notes: { type: "array", maxItems: 50, items: text(2000) },
  },
  dependentRequired: { newPolicyDiagnostics: ["newPolicyDifference"] },
} as const;
