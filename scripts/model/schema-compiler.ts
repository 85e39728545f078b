import { createRequire } from "node:module";
import type { Ajv2020 } from "ajv/dist/2020.js";
import type { Kind } from "./kinds.js";

type JsonSchema = Record<string, unknown>;

/**
 * Ajv as every compilation of our schemas uses it: strict mode, all errors
 * (every problem in a file is reported at once, not the first), the values
 * and schemas in each error. `upstream` relaxes strict mode for a pinned
 * schema of another project. `source` keeps the generated code, for
 * precompiling it.
 */
export function schemaCompiler(options: { source?: boolean; upstream?: boolean } = {}): Ajv2020 {
  // Loaded on first use: with precompiled validators, a run that finds no
  // error never needs ajv itself (loading it takes about 60 ms).
  const { Ajv2020: Compiler } = createRequire(import.meta.url)(
    "ajv/dist/2020.js",
  ) as typeof import("ajv/dist/2020.js");
  // ajv's optimizer passes over the generated code cost about 40% of compiling,
  // which every run pays, and buy nothing measurable at our schemas' size.
  const ajv = new Compiler({
    // A schema we pin but do not write (Score's) is taken as its authors wrote it: strict
    // mode refuses idioms it uses, such as `required` in a oneOf branch without `properties`.
    strict: !options.upstream,
    allErrors: true,
    verbose: true,
    $data: false,
    code: { optimize: false, source: options.source ?? false },
  });
  // An annotation for people (editors show it too): the sentence a pattern failure prints.
  ajv.addKeyword({ keyword: "patternErrorMessage", schemaType: "string" });
  return ajv;
}

/** The key each kind's schema is registered under: its `$id`, or `idp:<Kind>`. */
export function schemaKey(kind: Kind, source: JsonSchema): string {
  return typeof source.$id === "string" ? source.$id : `idp:${kind}`;
}
