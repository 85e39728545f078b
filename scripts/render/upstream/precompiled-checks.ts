import { existsSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { ValidateFunction } from "ajv";
import { describeErrors, kindValidators, type ObjectCheck } from "./object-validator.js";
import { type PinnedSchemas, readPinnedSchemas } from "./pinned-schemas.js";

/**
 * Where the build keeps the checks of the kinds the platform renders, as
 * ajv standalone code: compiling them takes about 10 s (Argo CD's
 * ApplicationSet schema alone 7 s), loading them well under a second.
 */
const PRECOMPILED_FILE = fileURLToPath(new URL("./precompiled-checks.cjs", import.meta.url));

interface PrecompiledModule {
  hash: string;
  keys: Record<string, string>;
  [exported: string]: unknown;
}

let loaded: PrecompiledModule | null | undefined;

/**
 * The precompiled check of a pinned kind (`apiVersion/kind`), when the build
 * made one from exactly the pinned files this process reads; otherwise
 * undefined, and the caller compiles the kind's schema itself.
 */
export function precompiledCheck(key: string): ObjectCheck | undefined {
  if (loaded === undefined) {
    loaded = null;
    if (existsSync(PRECOMPILED_FILE)) {
      const module = createRequire(import.meta.url)(PRECOMPILED_FILE) as PrecompiledModule;
      if (module.hash === readPinnedSchemas().hash) loaded = module;
    }
  }
  const name = loaded?.keys[key];
  if (!loaded || !name) return undefined;
  const validate = loaded[name] as ValidateFunction;
  return (object) => (validate(object) ? [] : describeErrors(validate.errors));
}

/** Build step: writes the standalone checks of `pinned.rendered` beside this module. */
export function writePrecompiledChecks(pinned: PinnedSchemas = readPinnedSchemas()): void {
  const { ajv, refs } = kindValidators(pinned, pinned.rendered);
  const standaloneCode = createRequire(import.meta.url)("ajv/dist/standalone").default as (
    ajv: unknown,
    refs: Record<string, string>,
  ) => string;
  const names: Record<string, string> = {};
  const exported: Record<string, string> = {};
  Object.keys(refs).forEach((key, index) => {
    names[key] = `check${index}`;
    exported[`check${index}`] = refs[key] as string;
  });
  const code = standaloneCode(ajv, exported);
  writeFileSync(
    PRECOMPILED_FILE,
    `${code}\nmodule.exports.hash = ${JSON.stringify(pinned.hash)};\nmodule.exports.keys = ${JSON.stringify(names)};\n`,
  );
}
