import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import { ToolError } from "../errors.js";
import { type Diagnostic, error } from "../report/diagnostic.js";
import { colonSpaceHint } from "./colon-space.js";
import type { LoadedDocument, SoundValues, ValuePath } from "./document.js";
import { KINDS, type Kind } from "./kinds.js";
import { closestName } from "./names.js";
import { PRECOMPILED_FILE, precompiledChecks } from "./precompiled-schemas.js";
import type { SchemaSources } from "./read-schemas.js";
import { schemaCompiler, schemaKey } from "./schema-compiler.js";

/** The compiled schemas: one validator per kind, and the ajv instance that can compile parts of them. */
export interface CompiledSchemas {
  readonly byKind: Readonly<Record<Kind, ValidateFunction>>;
  /** The validator of branch `index` of the `anyOf`/`oneOf` in `parent` (a schema object of ours). */
  readonly branch: (parent: object, keyword: string, index: number) => ValidateFunction | undefined;
}

/**
 * The schemas, ready to judge documents: `accepts` says whether a value is
 * valid (with the build's precompiled validators when they were made from
 * these very schemas, see precompiled-schemas.ts), and `compiled` is ajv's
 * own compilation, made on first use, which explains what is wrong.
 */
export interface SchemaValidators {
  readonly accepts: (kind: Kind, value: unknown) => boolean;
  readonly compiled: () => CompiledSchemas;
}

type JsonSchema = Record<string, unknown>;

/**
 * Prepares the schemas. With precompiled validators for exactly these
 * schemas, nothing is compiled until a document fails (compiling costs about
 * 0.2 s per process); otherwise they are compiled now. A schema that does
 * not compile is a broken platform, not bad user input: ToolError.
 */
export function compileSchemas(sources: SchemaSources, precompiled = PRECOMPILED_FILE): SchemaValidators {
  const checks = precompiledChecks(sources, precompiled);
  if (checks) {
    let compiled: CompiledSchemas | undefined;
    return {
      accepts: (kind, value) => checks[kind](value),
      compiled: () => {
        compiled ??= compileAll(sources);
        return compiled;
      },
    };
  }
  const compiled = compileAll(sources);
  return { accepts: (kind, value) => compiled.byKind[kind](value) === true, compiled: () => compiled };
}

function compileAll(sources: SchemaSources): CompiledSchemas {
  const ajv = schemaCompiler();
  const byKind = {} as Record<Kind, ValidateFunction>;
  // Where each schema object sits, so a branch of an alternative can be compiled on its own.
  const places = new WeakMap<object, string>();
  for (const kind of KINDS) {
    const source = sources[kind];
    const key = schemaKey(kind, source);
    indexSchema(source, `${key}#`, places);
    try {
      ajv.addSchema(source, typeof source.$id === "string" ? undefined : key);
      const validate = ajv.getSchema(key);
      if (!validate) throw new Error("ajv did not register it");
      byKind[kind] = validate;
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new ToolError(`the ${kind} schema does not compile: ${reason}`, { cause });
    }
  }
  return {
    byKind,
    branch: (parent, keyword, index) => {
      const place = places.get(parent);
      return place === undefined ? undefined : ajv.getSchema(`${place}/${keyword}/${index}`);
    },
  };
}

function indexSchema(node: unknown, pointer: string, places: WeakMap<object, string>): void {
  if (typeof node !== "object" || node === null) return;
  places.set(node, pointer);
  for (const [key, child] of Object.entries(node)) {
    indexSchema(child, `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`, places);
  }
}

/**
 * Validates one loaded document against its kind's schema. Every ajv error
 * becomes one Diagnostic at the line of the key or value it is about, with a
 * message for a person and, for a misspelled field, the closest known name.
 */
export function validateDocument(
  validators: SchemaValidators,
  kind: Kind,
  document: LoadedDocument,
): Diagnostic[] {
  return checkDocument(validators, kind, document).diagnostics;
}

/** What the schema says of one document: the diagnostics, and which values they are about. */
export interface SchemaOutcome {
  diagnostics: Diagnostic[];
  /**
   * JSON pointers of the values found wrong (an unknown or missing field is
   * its own pointer, not its parent's): a value not at or under one of them
   * passed its schema, so later checks may still look at it.
   */
  invalid: string[];
}

/** validateDocument, also saying where the errors are. */
export function checkDocument(
  validators: SchemaValidators,
  kind: Kind,
  document: LoadedDocument,
): SchemaOutcome {
  if (validators.accepts(kind, document.value)) return { diagnostics: [], invalid: [] };
  const { byKind, branch } = validators.compiled();
  const validate = byKind[kind];
  if (validate(document.value)) return { diagnostics: [], invalid: [] };
  return explainErrors(validate, branch, document);
}

/** One schema compiled on its own (a format we read but do not own, such as Score's). */
export interface CompiledSchema {
  readonly validate: ValidateFunction;
  readonly branch: CompiledSchemas["branch"];
}

/**
 * Compiles one upstream schema with ajv as ours are (strict mode relaxed),
 * so documents of another format get the same diagnostics (file:line:column, closest field
 * name). A schema that does not compile is a ToolError.
 */
export function compileSchema(source: JsonSchema, name: string): CompiledSchema {
  const ajv = schemaCompiler({ upstream: true });
  const key = typeof source.$id === "string" ? source.$id : `idp:${name}`;
  const places = new WeakMap<object, string>();
  indexSchema(source, `${key}#`, places);
  try {
    ajv.addSchema(source, typeof source.$id === "string" ? undefined : key);
    const validate = ajv.getSchema(key);
    if (!validate) throw new Error("ajv did not register it");
    return {
      validate,
      branch: (parent, keyword, index) => {
        const place = places.get(parent);
        return place === undefined ? undefined : ajv.getSchema(`${place}/${keyword}/${index}`);
      },
    };
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ToolError(`the ${name} schema does not compile: ${reason}`, { cause });
  }
}

/** Validates a document against one compiled schema: every error a Diagnostic, as validateDocument does. */
export function validateAgainst(schema: CompiledSchema, document: LoadedDocument): Diagnostic[] {
  if (schema.validate(document.value)) return [];
  return explainErrors(schema.validate, schema.branch, document).diagnostics;
}

function explainErrors(
  validate: ValidateFunction,
  branch: CompiledSchemas["branch"],
  document: LoadedDocument,
): SchemaOutcome {
  const rootSchema = validate.schema as JsonSchema;
  const errors = settleAlternatives(validate.errors ?? [], branch);
  return {
    diagnostics: uniqueDiagnostics(errors.map((e) => toDiagnostic(e, document, rootSchema))),
    invalid: [...new Set(errors.map(invalidPointer))],
  };
}

/** The value an error is about: the field itself for an unknown, missing or badly named key. */
function invalidPointer(e: ErrorObject): string {
  const field =
    e.params.additionalProperty ??
    e.params.unevaluatedProperty ??
    e.params.missingProperty ??
    e.params.propertyName;
  if (typeof field !== "string") return e.instancePath;
  return `${e.instancePath}/${field.replace(/~/g, "~0").replace(/\//g, "~1")}`;
}

/**
 * Which parts of a document passed its schema, from the pointers of its
 * errors: a value when no error is about it or anything inside it, a key
 * when no error is about the entry itself (errors inside its value leave the
 * key's name good).
 */
export function soundValues(invalid: readonly string[]): SoundValues {
  const pointerOf = (path: ValuePath) =>
    path.map((step) => `/${String(step).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
  return {
    value: (path) => {
      const pointer = pointerOf(path);
      return !invalid.some((p) => p === pointer || p.startsWith(`${pointer}/`));
    },
    key: (path) => !invalid.includes(pointerOf(path)),
  };
}

/**
 * A value checked by two schema objects (a property that also `$ref`s a
 * shared definition, say) fails both with the same words: one mistake, one
 * diagnostic.
 */
function uniqueDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.code}\u0000${d.line}\u0000${d.column}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * With allErrors, a failed `anyOf`/`oneOf` reports the errors of every branch,
 * most of which are noise ("must be string" for the object form). Each
 * alternative is settled on its own: every branch is tried against the value,
 * branches of the wrong type are dropped, and when one branch fits best (the
 * fewest complaints about the value's own keys), only its errors are kept.
 * When none or several fit, the alternative's own error stands alone
 * ("must be a string or a GrpcProbe ...").
 */
function settleAlternatives(
  errors: readonly ErrorObject[],
  branch: CompiledSchemas["branch"],
  depth = 0,
): ErrorObject[] {
  const withoutIf = errors.filter((e) => e.keyword !== "if");
  const alternative = withoutIf
    .filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf")
    .sort((a, b) => a.instancePath.length - b.instancePath.length)[0];
  if (!alternative || depth > 16) return withoutIf;
  const at = alternative.instancePath;
  const beneath = (e: ErrorObject) => e.instancePath === at || e.instancePath.startsWith(`${at}/`);
  const outside = withoutIf.filter((e) => !beneath(e));
  return settleAlternatives([...outside, ...bestBranchErrors(alternative, branch)], branch, depth + 1);
}

function bestBranchErrors(alternative: ErrorObject, branch: CompiledSchemas["branch"]): ErrorObject[] {
  const branches = Array.isArray(alternative.schema) ? alternative.schema.length : 0;
  const tried: { errors: ErrorObject[]; rootComplaints: number }[] = [];
  for (let i = 0; i < branches; i++) {
    const validate = alternative.parentSchema
      ? branch(alternative.parentSchema, alternative.keyword, i)
      : undefined;
    if (!validate || validate(alternative.data)) return [alternative];
    const errors = (validate.errors ?? []).map((e) => ({
      ...e,
      instancePath: alternative.instancePath + e.instancePath,
    }));
    const own = errors.filter((e) => e.instancePath === alternative.instancePath);
    if (own.some((e) => e.keyword === "type" || e.keyword === "const" || e.keyword === "enum")) continue;
    tried.push({ errors, rootComplaints: own.length });
  }
  const fewest = Math.min(...tried.map((t) => t.rootComplaints));
  const best = tried.filter((t) => t.rootComplaints === fewest);
  return best.length === 1 && best[0] ? best[0].errors : [alternative];
}

function toDiagnostic(e: ErrorObject, document: LoadedDocument, rootSchema: JsonSchema): Diagnostic {
  const path = toValuePath(e.instancePath, document.value);
  const name = displayPath(path);
  const file = document.file;
  const got = describeValue(e.data);
  const parent = (e.parentSchema ?? {}) as JsonSchema;
  switch (e.keyword) {
    case "required": {
      const missing = String(e.params.missingProperty);
      return error(
        "schema.required",
        `${name || "the document"} is missing the required field "${missing}"`,
        file,
        document.locate(path, "key"),
        `add "${missing}:" under ${name || "the top level"}`,
      );
    }
    case "additionalProperties":
    case "unevaluatedProperties": {
      const field = String(e.params.additionalProperty ?? e.params.unevaluatedProperty);
      const known = knownProperties(parent, rootSchema);
      // The fields this mapping lacks come first: `teir:` next to `team:` means `tier`.
      const present = isObject(e.data) ? e.data : {};
      const suggestion = closestName(field, known, (candidate) => !Object.hasOwn(present, candidate));
      const where = name ? ` in ${name}` : "";
      const colon = known.includes(field.split(":")[0] ?? "") ? colonSpaceHint(field) : undefined;
      return error(
        "schema.unknown-field",
        `unknown field "${field}"${where}`,
        file,
        document.locate([...path, field], "key"),
        colon ??
          (suggestion
            ? `did you mean "${suggestion}"?`
            : known.length > 0
              ? `known fields here: ${known.join(", ")}`
              : "remove it"),
      );
    }
    case "type":
      return error(
        "schema.type",
        `${name} must be ${article(String(e.params.type))}, got ${got}`,
        file,
        document.locate(path),
        typeof e.data === "string" ? colonSpaceHint(e.data) : undefined,
      );
    case "enum": {
      const allowed = (e.params.allowedValues as unknown[]).map(String);
      const suggestion = typeof e.data === "string" ? closestName(e.data, allowed) : undefined;
      return error(
        "schema.enum",
        `${name} must be one of ${allowed.join(", ")}, got ${got}`,
        file,
        document.locate(path),
        suggestion ? `did you mean "${suggestion}"?` : undefined,
      );
    }
    case "const":
      return error(
        "schema.const",
        `${name} must be ${JSON.stringify(e.params.allowedValue)}, got ${got}`,
        file,
        document.locate(path),
      );
    case "pattern": {
      const explanation =
        typeof parent.patternErrorMessage === "string"
          ? parent.patternErrorMessage
          : `must match ${String(e.params.pattern)}`;
      return error("schema.pattern", `${name} ${explanation}, got ${got}`, file, document.locate(path));
    }
    case "propertyNames": {
      const key = String(e.params.propertyName);
      return error(
        "schema.key",
        `${JSON.stringify(key)} is not a valid key in ${name || "the document"}`,
        file,
        document.locate([...path, key], "key"),
        propertyNamesHint(parent),
      );
    }
    case "anyOf":
    case "oneOf":
      return error(
        "schema.alternative",
        `${name} must be ${alternativesText(e.schema as unknown[], rootSchema)}, got ${got}`,
        file,
        document.locate(path),
        typeof parent.description === "string" ? firstSentence(parent.description) : undefined,
      );
    default:
      return error(
        `schema.${e.keyword}`,
        `${name || "the document"} ${e.message ?? "is invalid"}${gotSuffix(e)}`,
        file,
        document.locate(path),
      );
  }
}

/** Converts an ajv instancePath ("/spec/ports/0/name") into keys and indexes. */
function toValuePath(pointer: string, root: unknown): (string | number)[] {
  if (pointer === "") return [];
  const path: (string | number)[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split("/")) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) {
      const index = Number(segment);
      path.push(index);
      node = node[index];
    } else {
      path.push(segment);
      node = isObject(node) ? node[segment] : undefined;
    }
  }
  return path;
}

/** "spec.ports[0].name": how a person names the value. */
export function displayPath(path: ValuePath): string {
  let text = "";
  for (const segment of path) {
    text += typeof segment === "number" ? `[${segment}]` : text ? `.${segment}` : segment;
  }
  return text;
}

/** The properties a schema object allows, following local `$ref`s and `allOf`. */
function knownProperties(schema: JsonSchema, rootSchema: JsonSchema, depth = 0): string[] {
  if (depth > 8) return [];
  const names = new Set<string>(isObject(schema.properties) ? Object.keys(schema.properties) : []);
  const nested: unknown[] = [];
  if (typeof schema.$ref === "string") nested.push(resolveLocalRef(schema.$ref, rootSchema));
  if (Array.isArray(schema.allOf)) nested.push(...schema.allOf);
  for (const sub of nested) {
    if (isObject(sub)) for (const n of knownProperties(sub, rootSchema, depth + 1)) names.add(n);
  }
  return [...names].sort();
}

function resolveLocalRef(ref: string, rootSchema: JsonSchema): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = rootSchema;
  for (const segment of ref.slice(2).split("/")) node = isObject(node) ? node[segment] : undefined;
  return node;
}

function alternativesText(branches: unknown[], rootSchema: JsonSchema): string {
  const kinds = branches.map((branch) => {
    const resolved =
      isObject(branch) && typeof branch.$ref === "string" ? resolveLocalRef(branch.$ref, rootSchema) : branch;
    if (!isObject(resolved)) return "a value";
    if (typeof resolved.title === "string") return resolved.title;
    if (typeof resolved.type === "string") return article(resolved.type);
    if (isObject(resolved.properties))
      return `a mapping with ${Object.keys(resolved.properties).join(" or ")}`;
    return "a value";
  });
  const unique = [...new Set(kinds)];
  return unique.length <= 1
    ? (unique[0] ?? "a value")
    : `${unique.slice(0, -1).join(", ")} or ${unique.at(-1)}`;
}

function propertyNamesHint(schema: JsonSchema): string | undefined {
  const names = schema.propertyNames;
  if (isObject(names) && typeof names.patternErrorMessage === "string")
    return `keys ${names.patternErrorMessage}`;
  return undefined;
}

function gotSuffix(e: ErrorObject): string {
  const scalar = typeof e.data === "string" || typeof e.data === "number" || typeof e.data === "boolean";
  return scalar ? `, got ${describeValue(e.data)}` : "";
}

/** A short, safe rendering of a value for a message: long strings are cut. */
function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") {
    const cut = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(cut);
  }
  return String(value);
}

function article(type: string): string {
  const words: Record<string, string> = {
    integer: "an integer",
    object: "a mapping",
    array: "a list",
    string: "a string",
    number: "a number",
    boolean: "true or false",
    null: "null",
  };
  return type
    .split(",")
    .map((t) => words[t] ?? (/^[aeiou]/i.test(t) ? `an ${t}` : `a ${t}`))
    .join(" or ");
}

function firstSentence(text: string): string {
  const end = text.indexOf(". ");
  return end === -1 ? text : text.slice(0, end + 1);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
