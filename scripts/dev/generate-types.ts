import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { compile, type JSONSchema } from "json-schema-to-typescript";

/** The schemas types are generated from, in output order, with the name of their root type. */
const SCHEMAS = [
  { file: "schemas/service.schema.json", name: "Service" },
  { file: "schemas/environment.schema.json", name: "Environment" },
  { file: "schemas/team.schema.json", name: "Team" },
  { file: "schemas/exceptions.schema.json", name: "PolicyExceptions" },
] as const;

/** Where the generated types live, relative to the root. */
export const TYPES_FILE = "scripts/model/types.generated.ts";

const BANNER = `/**
 * Types of the files people write: services, environments and teams.
 * generated from schemas/ by npm run types:generate; do not edit.
 */`;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reshape a schema for json-schema-to-typescript without changing what it accepts, so that
 * the types are named by `title` only:
 * - a `$ref` to an untitled definition (a DNS label, a quantity) is inlined, so it becomes
 *   `string` with the property's own description instead of an alias per schema;
 * - a `$ref` to a titled definition with sibling keywords (a property's description) becomes
 *   `allOf: [{$ref}]`, which keeps one named type instead of a numbered copy per use;
 * - a titled schema composing `allOf` with its own `properties` gets those properties as an
 *   anonymous `allOf` member, so the type reads `Settings & { ... }` without a numbered name.
 */
function prepareSchema(schema: JsonObject): JsonObject {
  const defs = isObject(schema.$defs) ? schema.$defs : {};
  const visit = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(visit);
    if (!isObject(node)) return node;
    const { $ref, ...siblings } = node;
    if (typeof $ref === "string") {
      const target = defs[$ref.replace(/^#\/\$defs\//, "")];
      if (!$ref.startsWith("#/$defs/") || !isObject(target)) {
        throw new Error(`unsupported $ref ${$ref}: only #/$defs/<name> is used in schemas/`);
      }
      if (target.title === undefined) return visit({ ...target, ...siblings });
      if (Object.keys(siblings).length > 0) {
        const allOf = Array.isArray(siblings.allOf) ? siblings.allOf : [];
        return visit({ ...siblings, allOf: [{ $ref }, ...allOf] });
      }
      return { $ref };
    }
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      out[key] = key === "properties" && isObject(value) ? mapValues(value, visit) : visit(value);
    }
    if (Array.isArray(out.allOf) && isObject(out.properties)) {
      const { properties, required, unevaluatedProperties: _, ...rest } = out;
      const own: JsonObject = { type: "object", properties };
      if (required !== undefined) own.required = required;
      return { ...rest, allOf: [...out.allOf, own] };
    }
    return out;
  };
  return visit(schema) as JsonObject;
}

function mapValues(object: JsonObject, f: (value: Json) => Json): JsonObject {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, f(value)]));
}

/** Format TypeScript source with the repository's biome settings, as `npm run format` would. */
function formatWithBiome(root: string, source: string): string {
  const biome = createRequire(import.meta.url).resolve("@biomejs/biome/bin/biome");
  return execFileSync(process.execPath, [biome, "format", `--stdin-file-path=${TYPES_FILE}`], {
    cwd: root,
    input: source,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/**
 * The text of `scripts/model/types.generated.ts` for the schemas under `root`: one named type
 * per schema `title`, property descriptions as doc comments, formatted like the rest of the code.
 * Deterministic, so a test can compare it with the committed file.
 */
export async function generateTypes(root: string): Promise<string> {
  const parts: string[] = [];
  const seen = new Set<string>();
  for (const { file, name } of SCHEMAS) {
    const schema = JSON.parse(await readFile(path.join(root, file), "utf8")) as JsonObject;
    const code = await compile(prepareSchema(schema) as JSONSchema, name, {
      additionalProperties: false,
      bannerComment: "",
      declareExternallyReferenced: true,
      format: false,
      strictIndexSignatures: false,
      unknownAny: true,
      cwd: path.join(root, "schemas"),
    });
    for (const match of code.matchAll(/^export (?:type|interface) (\w+)/gm)) {
      const typeName = match[1] ?? "";
      if (seen.has(typeName))
        throw new Error(`${file}: the type name ${typeName} is already used by another schema`);
      seen.add(typeName);
    }
    parts.push(`// ${file}\n\n${code.trim()}\n`);
  }
  return formatWithBiome(root, `${BANNER}\n\n${parts.join("\n")}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = path.resolve(process.argv[2] ?? process.cwd());
  const text = await generateTypes(root);
  await writeFile(path.join(root, TYPES_FILE), text);
  process.stdout.write(`wrote ${TYPES_FILE}\n`);
}
