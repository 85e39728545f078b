import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { LoadedDocument } from "../model/document.js";
import { type CompiledSchema, compileSchema, validateAgainst } from "../model/schema.js";
import type { Diagnostic } from "../report/diagnostic.js";

/** The pinned Score JSON Schema (upstream/score/sources.json records its tag and hash). */
export const SCORE_SCHEMA_FILE = pinnedSchemaFile();

function pinnedSchemaFile(): string {
  // Sources run from scripts/score, compiled code from dist/scripts/score.
  const relative = join("upstream", "score", "spec", "score-v1b1.json");
  const fromSource = join(import.meta.dirname, "..", "..", relative);
  return existsSync(fromSource) ? fromSource : join(import.meta.dirname, "..", "..", "..", relative);
}

/** Where editors find the schema of an exported file: the same tag as the pinned copy. */
export const SCORE_SCHEMA_URL = "https://raw.githubusercontent.com/score-spec/spec/0.4.1/score-v1b1.json";

let compiled: CompiledSchema | undefined;

/** The Score schema compiled once per process, with our ajv settings. */
function scoreSchema(): CompiledSchema {
  compiled ??= compileSchema(JSON.parse(readFileSync(SCORE_SCHEMA_FILE, "utf8")), "Score");
  return compiled;
}

/** Every way a parsed Score file breaks the pinned schema, each at its file:line:column. */
export function validateScoreDocument(document: LoadedDocument): Diagnostic[] {
  return validateAgainst(scoreSchema(), document).map((d) => ({
    ...d,
    code: d.code.replace(/^schema\./, "score.schema."),
  }));
}

/** Whether a value is a valid Score workload (what every export must be). */
export function isValidScore(value: unknown): boolean {
  return scoreSchema().validate(value) === true;
}

/** ajv's own words for why a value is not a valid Score workload (for tests and internal errors). */
export function scoreSchemaErrors(value: unknown): string[] {
  const { validate } = scoreSchema();
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
}
