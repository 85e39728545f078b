import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ToolError } from "../errors.js";
import { KINDS, type Kind, SCHEMA_FILES } from "./kinds.js";

/** The raw JSON Schema of each kind, as read from disk. */
export type SchemaSources = Readonly<Record<Kind, Record<string, unknown>>>;

/** The schemas shipped with the tool, used when a root has no `schemas/` of its own. */
const BUNDLED_SCHEMAS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "schemas");

/**
 * Reads the schemas that judge `root`: its own `schemas/` folder (the platform
 * team owns and may extend them), or the bundled ones when it has none.
 * A schema that is missing or not JSON is the tool's problem, not the user's:
 * it throws a ToolError (exit 2).
 */
export function readSchemas(root: string): SchemaSources {
  const folder = existsSync(join(root, "schemas", SCHEMA_FILES.Service))
    ? join(root, "schemas")
    : bundledSchemasFolder();
  const entries = KINDS.map((kind) => [kind, readSchema(join(folder, SCHEMA_FILES[kind]))] as const);
  return Object.fromEntries(entries) as Record<Kind, Record<string, unknown>>;
}

function bundledSchemasFolder(): string {
  // Compiled code runs from dist/scripts/model, sources from scripts/model.
  const fromSource = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "schemas");
  return existsSync(fromSource) ? fromSource : BUNDLED_SCHEMAS;
}

function readSchema(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new ToolError(`cannot read the schema ${path}; restore it from git`, { cause });
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new TypeError("not an object");
    }
    return parsed as Record<string, unknown>;
  } catch (cause) {
    throw new ToolError(`the schema ${path} is not a JSON object; fix it or restore it from git`, { cause });
  }
}
