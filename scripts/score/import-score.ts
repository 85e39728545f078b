import { stringify } from "yaml";
import type { LoadedDocument } from "../model/document.js";
import { parseYamlDocument } from "../model/parse-yaml.js";
import { displayPath } from "../model/schema.js";
import { type Diagnostic, error, type Position, sortDiagnostics, warning } from "../report/diagnostic.js";
import { type ImportContext, mapScoreToService } from "./import-mapping.js";
import { validateScoreDocument } from "./score-schema.js";
import type { ScoreWorkload } from "./score-types.js";

/** One Score file turned into the text of a service file, or the diagnostics that say why not. */
export interface ImportedWorkload {
  /** The Score file as named on the command line, and its text (for printing source lines). */
  file: string;
  text: string;
  /** The service name (metadata.name), when the file parsed, and where it is written. */
  name?: string;
  nameAt?: Position;
  /** The text of services/<name>/service.yaml; undefined when any diagnostic is an error. */
  serviceText?: string;
  diagnostics: Diagnostic[];
}

/** The first line of every imported service file, as in the other service files. */
export const SERVICE_MODELINE = "# yaml-language-server: $schema=../../schemas/service.schema.json";

/**
 * Reads one Score file (hostile input: the same YAML loader as our own
 * files), checks it against the pinned Score schema, and maps it. Every
 * problem is a diagnostic at the Score file's line and column.
 */
export function importScoreText(
  file: string,
  bytes: Uint8Array | string,
  context: ImportContext,
): ImportedWorkload {
  const parsed = parseYamlDocument(file, bytes);
  const text =
    parsed.document?.text ?? (typeof bytes === "string" ? bytes : Buffer.from(bytes).toString("utf8"));
  if (!parsed.document) return { file, text, diagnostics: parsed.diagnostics };
  const document = parsed.document;
  const schemaDiagnostics = validateScoreDocument(document);
  if (schemaDiagnostics.length > 0)
    return { file, text, diagnostics: [...parsed.diagnostics, ...schemaDiagnostics] };
  const score = document.value as ScoreWorkload;
  const mapping = mapScoreToService(score, context);
  const diagnostics = sortDiagnostics([
    ...parsed.diagnostics,
    ...mapping.refusals.list.map((r) => toDiagnostic(r, document)),
  ]);
  const name = score.metadata.name;
  const nameAt = document.locate(["metadata", "name"]);
  if (mapping.refusals.hasErrors) return { file, text, name, nameAt, diagnostics };
  return { file, text, name, nameAt, serviceText: formatServiceFile(mapping.service), diagnostics };
}

/** The bytes of a service file: the modeline, then the document as block YAML. */
export function formatServiceFile(service: object): string {
  return `${SERVICE_MODELINE}\n${stringify(service, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

function toDiagnostic(
  refusal: ReturnType<typeof mapScoreToService>["refusals"]["list"][number],
  document: LoadedDocument,
): Diagnostic {
  // A mapping (a container, a probe, the metadata) is pointed at by its key, a scalar by its value.
  const at = document.locate(
    refusal.path,
    isMapping(valueAt(document.value, refusal.path)) || refusal.severity === "warning" ? "key" : undefined,
  );
  const message = refusal.message.startsWith("Score field")
    ? refusal.message
    : `${displayPath(refusal.path) || "the workload"}: ${refusal.message}`;
  return refusal.severity === "error"
    ? error(refusal.code, message, document.file, at, refusal.hint)
    : warning(refusal.code, message, document.file, at, refusal.hint);
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let node = root;
  for (const key of path)
    node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

function isMapping(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
