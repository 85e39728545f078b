import { statSync } from "node:fs";
import { ToolError } from "../errors.js";
import { type Diagnostic, error, sortDiagnostics } from "../report/diagnostic.js";
import type { LoadedDocument } from "./document.js";
import type { Kind } from "./kinds.js";
import { type LoadedRepository, loadRepository } from "./load.js";
import { readSchemas } from "./read-schemas.js";
import { type Resolution, resolveRepository } from "./resolve.js";
import { checkDocument, compileSchemas, type SchemaValidators } from "./schema.js";

/** The outcome of load → validate → resolve over a whole repository. */
export interface ValidatedRepository extends Resolution {
  /** Every finding, sorted by file and position. */
  diagnostics: Diagnostic[];
  /** The text of every file read from inside the root, for printing source lines. */
  sources: Map<string, string>;
  /** Every schema-valid document, by file: later stages point into them. */
  documents: Map<string, LoadedDocument>;
  /** The compiled schemas, for later stages that validate files of their own. */
  validators: SchemaValidators;
  /** How many files of each kind were read. */
  counts: Record<Exclude<Kind, "Exceptions">, number>;
}

/**
 * Runs load, schema validation and resolve on every file under `root`.
 * Documents that fail their schema are left out of resolve (one mistake, one
 * diagnostic) but their names still count as existing, so a broken team file
 * does not also make every service of that team "unknown".
 */
export function validateRepository(root: string, validators?: SchemaValidators): ValidatedRepository {
  const loaded = loadStage(root, validators);
  return resolveStage(checkStage(loaded));
}

/**
 * validateRepository with `pause` awaited between its stages (load, schema,
 * resolve): `idp plan` lets git's processes, started before, be read and the
 * next ones started while it validates a large repository, instead of after.
 */
export async function validateRepositoryPausing(
  root: string,
  validators: SchemaValidators,
  pause: () => Promise<unknown>,
): Promise<ValidatedRepository> {
  const loaded = loadStage(root, validators);
  await pause();
  const checked = checkStage(loaded);
  await pause();
  return resolveStage(checked);
}

interface Loaded {
  compiled: SchemaValidators;
  loaded: LoadedRepository;
}

interface Checked extends Loaded {
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
  environments: CheckedKind;
  teams: CheckedKind;
  services: CheckedKind;
}

interface CheckedKind {
  valid: LoadedDocument[];
  broken: string[];
  invalid: { document: LoadedDocument; invalid: string[] }[];
}

function loadStage(root: string, validators: SchemaValidators | undefined): Loaded {
  if (!isDirectory(root))
    throw new ToolError(`the root ${root} is not a folder; pass --root with the repository's path`);
  const compiled = validators ?? compileSchemas(readSchemas(root));
  return { compiled, loaded: loadRepository(root) };
}

function checkStage({ compiled, loaded }: Loaded): Checked {
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  const sources = new Map<string, string>();
  const check = (kind: Kind, documents: readonly LoadedDocument[]): CheckedKind => {
    const valid: LoadedDocument[] = [];
    const broken: string[] = [];
    const invalid: { document: LoadedDocument; invalid: string[] }[] = [];
    for (const doc of documents) {
      sources.set(doc.file, doc.text);
      const found = checkDocument(compiled, kind, doc);
      diagnostics.push(...found.diagnostics);
      if (found.diagnostics.length === 0) valid.push(doc);
      else {
        broken.push(nameOf(doc));
        invalid.push({ document: doc, invalid: found.invalid });
      }
    }
    return { valid, broken, invalid };
  };
  const environments = check("Environment", loaded.environments);
  const teams = check("Team", loaded.teams);
  const services = check("Service", loaded.services);
  // A file that did not even parse still exists: no "unknown service" elsewhere because of it.
  for (const { file, text } of loaded.failed) {
    if (text !== undefined) sources.set(file, text);
    const name = nameFromPath(file);
    if (file.startsWith("services/")) services.broken.push(name);
    else if (file.startsWith("teams/")) teams.broken.push(name);
    else environments.broken.push(name);
  }
  return { compiled, loaded, diagnostics, sources, environments, teams, services };
}

function resolveStage(checked: Checked): ValidatedRepository {
  const { compiled, loaded, diagnostics, sources, environments, teams, services } = checked;
  if (loaded.environments.length === 0 && !diagnostics.some((d) => d.file.startsWith("environments/"))) {
    diagnostics.push(
      error(
        "resolve.no-environments",
        "there are no environments: nothing can be validated or rendered",
        "environments",
        { line: 1, column: 1 },
        "add environments/dev.yaml (kind: Environment); see the README",
      ),
    );
  }
  const resolution = resolveRepository({
    environments: environments.valid,
    teams: teams.valid,
    services: services.valid,
    broken: { environments: environments.broken, teams: teams.broken, services: services.broken },
    invalidServices: services.invalid,
  });
  diagnostics.push(...resolution.diagnostics);
  return {
    ...resolution,
    diagnostics: sortDiagnostics(diagnostics),
    sources,
    documents: new Map(
      [...environments.valid, ...teams.valid, ...services.valid].map((doc) => [doc.file, doc]),
    ),
    validators: compiled,
    counts: {
      Environment: loaded.environments.length,
      Team: loaded.teams.length,
      Service: loaded.services.length,
    },
  };
}

/** The name a file claims, or the name its path implies when the claim is unreadable. */
function nameOf(doc: LoadedDocument): string {
  const value = doc.value as { metadata?: { name?: unknown } };
  if (typeof value?.metadata?.name === "string") return value.metadata.name;
  return nameFromPath(doc.file);
}

/** `services/<name>/service.yaml`, `teams/<name>.yaml`, `environments/<name>.yaml`. */
function nameFromPath(file: string): string {
  const parts = file.split("/");
  return parts[0] === "services" ? (parts[1] ?? "") : (parts[1] ?? "").replace(/\.yaml$/, "");
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
