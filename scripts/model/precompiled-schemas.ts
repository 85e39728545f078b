import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { KINDS, type Kind } from "./kinds.js";
import type { SchemaSources } from "./read-schemas.js";
import { schemaCompiler, schemaKey } from "./schema-compiler.js";

/**
 * Where the build puts the validators it precompiled from the repository's
 * schemas/ (`npm run build`): beside the compiled code, so running from
 * TypeScript sources finds none and compiles as before.
 */
export const PRECOMPILED_FILE = fileURLToPath(new URL("./precompiled-validators.cjs", import.meta.url));

// CommonJS whose export is the function itself, which TypeScript's ESM interop does not see.
const standaloneCode = createRequire(import.meta.url)("ajv/dist/standalone") as (
  ajv: ReturnType<typeof schemaCompiler>,
  refs: Record<string, string>,
) => string;

/** A precompiled validator: whether the value is valid (ajv's standalone code, same options). */
type Check = (value: unknown) => boolean;

/** Identifies a set of schemas: precompiled validators are used only for the very schemas they were made from. */
export function schemasHash(sources: SchemaSources): string {
  return createHash("sha256")
    .update(JSON.stringify(KINDS.map((kind) => sources[kind])))
    .digest("hex");
}

/**
 * The precompiled validators in `file`, when they were made from exactly
 * `sources`; undefined otherwise (no file, or schemas edited since the build),
 * and the caller compiles with ajv.
 */
export function precompiledChecks(
  sources: SchemaSources,
  file = PRECOMPILED_FILE,
): Record<Kind, Check> | undefined {
  const loaded = loadModule(file);
  if (loaded?.hash !== schemasHash(sources)) return undefined;
  const checks = {} as Record<Kind, Check>;
  for (const kind of KINDS) {
    const check = loaded[kind];
    if (typeof check !== "function") return undefined;
    checks[kind] = (value) => check(value) === true;
  }
  return checks;
}

type Loaded = Partial<Record<Kind, Check>> & { hash?: string };

/**
 * Runs the generated module with this module's `require`, so the ajv
 * runtime pieces it needs resolve from our node_modules wherever the file
 * is. Undefined when there is no file or it does not load.
 */
function loadModule(file: string): Loaded | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const module = { exports: {} as Loaded };
    new Function("require", "module", "exports", readFileSync(file, "utf8"))(
      createRequire(import.meta.url),
      module,
      module.exports,
    );
    return module.exports;
  } catch {
    return undefined;
  }
}

/**
 * Writes ajv's standalone code for `sources` (a CommonJS module with one
 * validator per kind and the schemas' hash) to `file`; does nothing when
 * the file already holds validators for these schemas. Returns whether it wrote.
 */
export function writePrecompiledValidators(sources: SchemaSources, file = PRECOMPILED_FILE): boolean {
  const hash = schemasHash(sources);
  const banner = `// Precompiled by npm run build from schemas/ (sha256 ${hash}); do not edit.\n`;
  if (existsSync(file) && readFileSync(file, "utf8").startsWith(banner)) return false;
  const ajv = schemaCompiler({ source: true });
  const keys: Record<string, string> = {};
  for (const kind of KINDS) {
    const source = sources[kind];
    const key = schemaKey(kind, source);
    ajv.addSchema(source, typeof source.$id === "string" ? undefined : key);
    keys[kind] = key;
  }
  const code = standaloneCode(ajv, keys);
  writeFileSync(file, `${banner}${code}\nexports.hash = ${JSON.stringify(hash)};\n`);
  return true;
}
