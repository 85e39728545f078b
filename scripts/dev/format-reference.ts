import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { KINDS, type Kind, SCHEMA_FILES } from "../model/kinds.js";
import { code, escapeMarkdown } from "../plan/markdown-text.js";

/** Where the reference is written, relative to the root. */
export const FORMAT_REFERENCE_FILE = "docs/format.md";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Where each kind's files live, for the heading of its section. */
const LOCATIONS: Readonly<Record<Kind, string>> = {
  Service: "services/<name>/service.yaml",
  Environment: "environments/<name>.yaml",
  Team: "teams/<name>.yaml",
  Exceptions: "policies/exceptions.yaml",
};

/** The order a reader meets the kinds in: what they write first, first. */
const ORDER: readonly Kind[] = ["Service", "Environment", "Team", "Exceptions"];

// Hand-written: everything below it is generated from schemas/.
const INTRO = `# File format reference

<!-- Generated from schemas/*.json by \`npm run docs:generate\` (scripts/dev/format-reference.ts); do not edit by hand. A test fails when this file is stale. -->

Every file people write in this repository is YAML with one \`kind\`, checked
against the JSON Schema of that kind in [\`schemas/\`](../schemas/). This page
lists every kind and every field the schemas define: its type, whether it is
required, what it means, the values it allows and an example. The schemas are
the contract; this page is generated from them, so the two never disagree.

- **Service** (\`services/<name>/service.yaml\`), owned by the service's team.
- **Environment** (\`environments/<name>.yaml\`), **Team** (\`teams/<name>.yaml\`)
  and the policy **Exceptions** (\`policies/exceptions.yaml\`), owned by the
  platform team.

A service's settings are resolved per environment in three layers, later
ones winning: the environment's \`spec.defaults\`, the service's \`spec\`, and
the service's \`spec.environments.<env>\` override. Mappings merge key by
key; lists and plain values are replaced whole. The README explains the
details in [How a service is resolved](../README.md#how-a-service-is-resolved).

Start each file with the schema line, so an editor completes and checks it
while you type (the path is relative to the file):

\`\`\`yaml
# yaml-language-server: $schema=../../schemas/service.schema.json
\`\`\`

In the tables, a field \`a.b\` is \`b\` inside \`a\`; \`<name>\` stands for a
key you choose; \`[]\` is an entry of a list. **Required** fields must be set;
\`idp validate\` reports an unknown field, with the closest known name.
`;

/**
 * The whole reference as Markdown: the hand-written introduction, then per
 * kind its fields, then every named type the kind uses, each once. Pure:
 * the same schemas give the same bytes.
 */
export function formatReference(schemas: Readonly<Record<Kind, JsonObject>>): string {
  const out = [INTRO];
  const titles = new Set<string>();
  for (const kind of ORDER) out.push(kindSection(kind, schemas[kind], titles));
  return `${out.join("\n").trimEnd()}\n`;
}

function kindSection(kind: Kind, schema: JsonObject, titles: Set<string>): string {
  const defs = isObject(schema.$defs) ? schema.$defs : {};
  const context: Context = { defs, used: [], titles };
  const lines = [`## ${kind}`, "", `File: ${code(LOCATIONS[kind])}, schema ${schemaLink(kind)}.`, ""];
  if (typeof schema.description === "string") lines.push(escapeMarkdown(schema.description), "");
  if (schema.type === "array" && isObject(schema.items)) {
    lines.push(`The file is a list; each entry is ${typeCell(schema.items, context)}.`, "");
  } else {
    lines.push(...fieldTable(schema, context), "");
  }
  // Named types, each once, in the order they were first met.
  for (let i = 0; i < context.used.length; i++) {
    const name = context.used[i] as string;
    const def = defs[name];
    if (isObject(def)) lines.push(...namedSection(def, context), "");
  }
  const example = Array.isArray(schema.examples) ? schema.examples[0] : undefined;
  if (example !== undefined) lines.push(`Example: ${code(JSON.stringify(example))}`, "");
  return lines.join("\n");
}

function schemaLink(kind: Kind): string {
  const file = `schemas/${SCHEMA_FILES[kind]}`;
  return `[${code(file)}](../${file})`;
}

interface Context {
  defs: JsonObject;
  /** `$defs` names of titled types met so far: each gets its own section. */
  used: string[];
  /** Titles already given a section in the whole document: anchors must be unique. */
  titles: Set<string>;
}

/** A titled type: its description and its fields, or the alternatives it is one of. */
function namedSection(def: JsonObject, context: Context): string[] {
  const title = String(def.title);
  if (context.titles.has(title)) throw new Error(`two schema types are titled ${title}: anchors would clash`);
  context.titles.add(title);
  const lines = [`### ${title}`, ""];
  if (typeof def.description === "string") lines.push(escapeMarkdown(def.description), "");
  const alternatives = alternativesOf(def);
  if (alternatives) {
    lines.push(`One of: ${alternatives.map((branch) => typeCell(branch, context)).join(", ")}.`);
    return lines;
  }
  const bases = (Array.isArray(def.allOf) ? def.allOf : []).filter(isObject);
  for (const base of bases) lines.push(`Every field of ${typeCell(base, context)}, and:`, "");
  lines.push(...fieldTable(def, context));
  return lines;
}

/** The table of an object's fields, nested untitled objects, maps and lists flattened into dotted rows. */
function fieldTable(schema: JsonObject, context: Context): string[] {
  const rows: string[] = [];
  addFields(schema, "", context, rows);
  if (rows.length === 0) return ["No fields of its own."];
  return ["| field | type | required | description |", "| --- | --- | --- | --- |", ...rows];
}

function addFields(schema: JsonObject, prefix: string, context: Context, rows: string[]): void {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  for (const [name, property] of Object.entries(properties)) {
    if (!isObject(property)) continue;
    addRow(`${prefix}${name}`, property, required.has(name), context, rows);
  }
  const values = schema.additionalProperties;
  if (isObject(values)) addRow(`${prefix}<name>`, values, false, context, rows);
}

function addRow(
  field: string,
  property: JsonObject,
  required: boolean,
  context: Context,
  rows: string[],
): void {
  const target = inlineTarget(property, context);
  rows.push(
    `| ${cell(code(field))} | ${cell(typeCell(property, context))} | ${required ? "yes" : ""} | ${cell(describe(property, target))} |`,
  );
  // Untitled objects, maps and lists of them are spelled out under their field.
  if (target.type === "object" && target.title === undefined) addFields(target, `${field}.`, context, rows);
  if (target.type === "array" && isObject(target.items)) {
    const items = inlineTarget(target.items, context);
    if (items.type === "object" && items.title === undefined) addFields(items, `${field}[].`, context, rows);
  }
}

/** A property with an untitled `$ref` inlined (the property's own keywords win), so its details show. */
function inlineTarget(schema: JsonObject, context: Context): JsonObject {
  const { $ref, ...siblings } = schema;
  if (typeof $ref !== "string") return schema;
  const def = refTarget($ref, context);
  if (!def || def.title !== undefined) return schema;
  return inlineTarget({ ...def, ...siblings }, context);
}

/** The type as a reader names it: `string`, `list of Port`, `integer or string`, a link to a named type. */
function typeCell(schema: JsonObject, context: Context): string {
  if (typeof schema.$ref === "string") {
    const def = refTarget(schema.$ref, context);
    if (!def) return code(schema.$ref);
    if (typeof def.title === "string") return linkTo(schema.$ref, def.title, context);
    const { $ref: _ignored, ...siblings } = schema;
    return typeCell({ ...def, ...siblings }, context);
  }
  if ("const" in schema) return code(JSON.stringify(schema.const));
  if (Array.isArray(schema.enum)) return "enum";
  const alternatives = alternativesOf(schema);
  if (alternatives) return unique(alternatives.map((branch) => typeCell(branch, context))).join(" or ");
  const bases = (Array.isArray(schema.allOf) ? schema.allOf : []).filter(isObject);
  if (schema.type === undefined && bases[0]) return typeCell(bases[0], context);
  if (schema.type === "array") {
    return isObject(schema.items) ? `list of ${typeCell(schema.items, context)}` : "list";
  }
  if (schema.type === "object") {
    return isObject(schema.additionalProperties)
      ? `map of ${typeCell(schema.additionalProperties, context)}`
      : "mapping";
  }
  if (Array.isArray(schema.type)) return schema.type.map(String).join(" or ");
  return typeof schema.type === "string" ? schema.type : "any";
}

function linkTo(ref: string, title: string, context: Context): string {
  const name = ref.replace(/^#\/\$defs\//, "");
  if (!context.used.includes(name)) context.used.push(name);
  return `[${escapeMarkdown(title)}](#${title.toLowerCase()})`;
}

function refTarget(ref: string, context: Context): JsonObject | undefined {
  if (!ref.startsWith("#/$defs/")) throw new Error(`unsupported $ref ${ref}: only #/$defs/<name> is used`);
  const def = context.defs[ref.slice("#/$defs/".length)];
  return isObject(def) ? def : undefined;
}

function alternativesOf(schema: JsonObject): JsonObject[] | undefined {
  const branches = Array.isArray(schema.anyOf)
    ? schema.anyOf
    : Array.isArray(schema.oneOf)
      ? schema.oneOf
      : [];
  const objects = branches.filter(isObject);
  return objects.length > 0 ? objects : undefined;
}

/** The description cell: what it means, the allowed values, constraints, default and an example. */
function describe(property: JsonObject, target: JsonObject): string {
  const parts: string[] = [];
  const description = property.description ?? target.description;
  if (typeof description === "string") parts.push(escapeMarkdown(description));
  if (Array.isArray(target.enum)) parts.push(`One of ${target.enum.map((v) => code(String(v))).join(", ")}.`);
  const rule = constraint(target);
  if (rule) parts.push(rule);
  if ("default" in target) parts.push(`Default: ${code(JSON.stringify(target.default))}.`);
  const examples = Array.isArray(property.examples) ? property.examples : [];
  if (examples.length > 0) {
    const shown = examples.map((e) => code(typeof e === "string" ? e : JSON.stringify(e)));
    parts.push(`${examples.length === 1 ? "Example" : "Examples"}: ${shown.join(", ")}.`);
  }
  return parts.join(" ");
}

function constraint(schema: JsonObject): string | undefined {
  if (typeof schema.patternErrorMessage === "string") {
    return `It ${escapeMarkdown(schema.patternErrorMessage.replace(/\.$/, ""))}.`;
  }
  if (typeof schema.pattern === "string") return `Matches ${code(schema.pattern)}.`;
  const low = typeof schema.minimum === "number" ? schema.minimum : undefined;
  const high = typeof schema.maximum === "number" ? schema.maximum : undefined;
  if (low !== undefined && high !== undefined) return `From ${low} to ${high}.`;
  if (low !== undefined) return `At least ${low}.`;
  if (high !== undefined) return `At most ${high}.`;
  return undefined;
}

/**
 * One table cell: a `|` ends the cell even inside a code span (GFM), so every
 * one not escaped yet (escapeMarkdown escapes those in prose; code spans keep
 * theirs bare) gets a backslash: one after an even run of backslashes is bare.
 */
function cell(text: string): string {
  return text
    .replace(/(\\*)\|/g, (match, slashes: string) => (slashes.length % 2 === 0 ? `${slashes}\\|` : match))
    .replace(/\r?\n/g, " ");
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The schemas of the repository at `root`, by kind. */
export function readRepositorySchemas(root: string): Record<Kind, JsonObject> {
  const entries = KINDS.map((kind) => {
    const text = readFileSync(join(root, "schemas", SCHEMA_FILES[kind]), "utf8");
    return [kind, JSON.parse(text) as JsonObject] as const;
  });
  return Object.fromEntries(entries) as Record<Kind, JsonObject>;
}

// `npm run docs:generate`: writes docs/format.md from the schemas of the current folder.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const root = process.cwd();
  writeFileSync(join(root, FORMAT_REFERENCE_FILE), formatReference(readRepositorySchemas(root)));
}
