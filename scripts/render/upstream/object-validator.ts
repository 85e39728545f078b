import { createRequire } from "node:module";
import type { Ajv, ErrorObject, ValidateFunction } from "ajv";
import { crdObjectSchema, toAjvSchema } from "./kube-schema.js";
import type { PinnedKind, PinnedSchemas } from "./pinned-schemas.js";

/** The problems one object has against its kind's schema, one sentence each; empty when it is valid. */
export type ObjectCheck = (object: unknown) => string[];

function newAjv(source = false): Ajv {
  const { Ajv: Compiler } = createRequire(import.meta.url)("ajv") as typeof import("ajv");
  // not strict: the Kubernetes schemas carry keywords of their own (nullable, x-kubernetes-*)
  return new Compiler({
    allErrors: true,
    strict: false,
    validateFormats: false,
    code: { optimize: false, source },
  });
}

/** One readable sentence per ajv error: where, and what (the unknown field, the allowed values). */
export function describeErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  const out: string[] = [];
  for (const e of errors ?? []) {
    const at = e.instancePath === "" ? "(root)" : e.instancePath.slice(1).replaceAll("/", ".");
    if (e.keyword === "additionalProperties") {
      out.push(`unknown field "${(e.params as { additionalProperty: string }).additionalProperty}" in ${at}`);
    } else if (e.keyword === "enum") {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v));
      out.push(`${at} must be one of ${allowed.join(", ")}`);
    } else if (e.keyword === "anyOf" || e.keyword === "oneOf") {
      // the branches' own errors say what is wrong
    } else {
      out.push(`${at} ${e.message ?? e.keyword}`);
    }
  }
  return [...new Set(out)];
}

function checkOf(validate: ValidateFunction): ObjectCheck {
  return (object) => (validate(object) ? [] : describeErrors(validate.errors));
}

/** Compiles the check of a CRD version's openAPIV3Schema (a CRD the platform renders, such as a claim kind). */
export function crdCheck(openAPIV3Schema: unknown): ObjectCheck {
  return checkOf(newAjv().compile(crdObjectSchema(openAPIV3Schema)));
}

/**
 * Registers the schemas of `keys` (`apiVersion/kind` of pinned kinds) with
 * one ajv instance and returns it with each key's schema reference: a CRD
 * kind as its own schema, a Kubernetes kind as a definition of its spec
 * file's bundle (added once; its `$ref`s resolve inside it). With
 * `source`, ajv keeps the generated code for standalone output.
 */
export function kindValidators(
  pinned: PinnedSchemas,
  keys: readonly string[],
  source = true,
): { ajv: Ajv; refs: Record<string, string> } {
  const ajv = newAjv(source);
  const refs: Record<string, string> = {};
  for (const key of keys) {
    const kind = pinned.kinds.get(key);
    if (!kind) throw new Error(`upstream/crds/sources.json names ${key}, which no pinned schema defines`);
    refs[key] = addKind(ajv, pinned, kind);
  }
  return { ajv, refs };
}

function addKind(ajv: Ajv, pinned: PinnedSchemas, kind: PinnedKind): string {
  if (kind.origin === "crd") {
    const id = `crd:${kind.apiVersion}/${kind.kind}`;
    if (!ajv.getSchema(id)) ajv.addSchema(crdObjectSchema(kind.schema), id);
    return id;
  }
  const file = kind.source.replace(/^upstream\/kubernetes\//, "");
  const id = `k8s:${file}`;
  if (!ajv.schemas[id])
    ajv.addSchema({ $id: id, definitions: toAjvSchema(pinned.kubernetes.get(file) ?? {}) }, id);
  return `${id}#/definitions/${kind.schema as string}`;
}

/**
 * The checks of the pinned kinds, each compiled on first use with one ajv
 * instance (a CRD kind by its openAPIV3Schema, a Kubernetes kind by its
 * component of the pinned OpenAPI v3 spec).
 */
export function pinnedChecks(pinned: PinnedSchemas): (kind: PinnedKind) => ObjectCheck {
  const ajv = newAjv();
  const compiled = new Map<PinnedKind, ObjectCheck>();
  return (kind) => {
    let check = compiled.get(kind);
    if (check) return check;
    const validate = ajv.getSchema(addKind(ajv, pinned, kind));
    if (!validate) throw new Error(`no schema for ${kind.apiVersion}/${kind.kind} in ${kind.source}`);
    check = checkOf(validate);
    compiled.set(kind, check);
    return check;
  };
}
