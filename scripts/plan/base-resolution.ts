import { existsSync } from "node:fs";
import { join } from "node:path";
import type { LoadedDocument } from "../model/document.js";
import type { Kind } from "../model/kinds.js";
import { readRepositoryFile } from "../model/load.js";
import { type Resolution, resolveRepository } from "../model/resolve.js";
import { type SchemaValidators, validateDocument } from "../model/schema.js";
import type { ValidatedRepository } from "../model/validate-repository.js";

type SourceKind = Exclude<Kind, "Exceptions">;

/** The kind of a configuration file by its path, or undefined for any other file. */
export function kindOfFile(file: string): SourceKind | undefined {
  if (/^services\/[^/]+\/service\.yaml$/.test(file)) return "Service";
  if (/^environments\/[^/]+\.yaml$/.test(file)) return "Environment";
  if (/^teams\/[^/]+\.yaml$/.test(file)) return "Team";
  return undefined;
}

/**
 * Resolves the base without reading all of it again: the base is the head
 * with the changed files put back as they were, so the head's parsed
 * documents stand for every unchanged file and only the changed ones are read
 * from `baseDir` (where the base's versions of the changed files were
 * exported). Resolves the same as validating the whole base would, in the
 * same document order.
 *
 * Returns undefined when that shortcut does not hold, and the caller
 * validates the whole base instead: the head has files that failed to load or
 * match their schema (they are missing from its documents), or a changed file
 * of the base does not load or validate.
 */
export function resolveBaseFromHead(
  head: ValidatedRepository,
  baseDir: string,
  changed: readonly string[],
  validators: SchemaValidators,
): Resolution | undefined {
  if (head.diagnostics.some((d) => d.code.startsWith("load.") || d.code.startsWith("schema.")))
    return undefined;
  const touched = new Set(changed);
  const documents: Record<SourceKind, LoadedDocument[]> = { Environment: [], Team: [], Service: [] };
  for (const document of head.documents.values()) {
    const kind = kindOfFile(document.file);
    if (kind && !touched.has(document.file)) documents[kind].push(document);
  }
  for (const file of changed) {
    const kind = kindOfFile(file);
    if (!kind || !existsSync(join(baseDir, file))) continue;
    const { document, diagnostics } = readRepositoryFile(baseDir, file);
    if (!document || diagnostics.length > 0) return undefined;
    if (validateDocument(validators, kind, document).length > 0) return undefined;
    documents[kind].push(document);
  }
  // The head's services resolved from the very documents the base shares stand in for the base's.
  const before = head.diagnostics.some((d) => d.severity === "error") ? undefined : head;
  return resolveRepository(
    {
      environments: documents.Environment.sort(byKey(fileName)),
      teams: documents.Team.sort(byKey(fileName)),
      services: documents.Service.sort(byKey(folderName)),
    },
    before,
  );
}

// The order loadRepository reads files in: services by folder name, the others by file name.
function folderName(document: LoadedDocument): string {
  return document.file.split("/")[1] ?? "";
}

function fileName(document: LoadedDocument): string {
  return document.file.slice(document.file.lastIndexOf("/") + 1);
}

function byKey(key: (document: LoadedDocument) => string) {
  return (a: LoadedDocument, b: LoadedDocument) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
}
