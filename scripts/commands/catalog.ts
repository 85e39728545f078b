import { catalogSource } from "../catalog/catalog-model.js";
import { buildCatalog, CATALOG_ENTRY, type CatalogFile } from "../catalog/entities.js";
import { findRepositoryLink } from "../catalog/repository-link.js";
import { serializeCatalogFile } from "../catalog/serialize.js";
import { requireAcceptedEntities } from "../catalog/validate-entities.js";
import { writeCatalog } from "../catalog/write-catalog.js";
import { validateRepository } from "../model/validate-repository.js";
import { readPortalSetting } from "../policy/portal-url.js";
import { hasErrors, sortDiagnostics } from "../report/diagnostic.js";
import { formatReport } from "../report/emit.js";
import type { OutputFormat } from "../report/format.js";
import { plural } from "../report/text.js";
import type { CommandResult } from "./result.js";

/** Options of `idp catalog`. */
export interface CatalogOptions {
  root: string;
  format: OutputFormat;
  /** The folder the catalog replaces (absolute, or relative to the process's folder). */
  out: string;
  /** How to name the folder in the summary: as the user wrote it. Default `out`. */
  outLabel?: string;
  /** The repository's https address on GitHub (checked by the CLI); default the environments' gitops.repoURL. */
  repoUrl?: string;
}

/** The generated catalog before it is written: files, their text, and what was said about the input. */
export interface GeneratedCatalog {
  files: CatalogFile[];
  texts: Map<string, string>;
  diagnostics: ReturnType<typeof sortDiagnostics>;
  sources: Map<string, string>;
}

/**
 * `idp catalog --out DIR`: the repository's teams, members, services and
 * dependencies as Backstage catalog entities, each checked with
 * `@backstage/catalog-model`'s own validators before anything is written.
 * Invalid input (the repository's own findings, a name Backstage refuses)
 * writes nothing and exits 1; an entity the validators refuse anyway is a
 * fault of this tool (exit 2, naming the entity).
 */
export async function catalogCommand(options: CatalogOptions): Promise<CommandResult> {
  const generated = await generateCatalog(options.root, options.repoUrl);
  const { diagnostics, sources } = generated;
  if (hasErrors(diagnostics)) {
    const summary = "catalog refused: fix the errors above first; nothing was written";
    return {
      exitCode: 1,
      stdout: formatReport({ summary, diagnostics, data: { ok: false } }, options.format, sources),
    };
  }
  writeCatalog(options.out, generated.texts, options.root);
  const entities = generated.files.flatMap((f) => f.entities);
  const label = options.outLabel ?? options.out;
  const counts: Record<string, number> = {};
  for (const entity of entities) counts[entity.kind] = (counts[entity.kind] ?? 0) + 1;
  const summary = `wrote ${entities.length === 1 ? "1 entity" : `${entities.length} entities`} (${Object.entries(
    counts,
  )
    .map(([kind, n]) => `${n} ${kind}`)
    .join(
      ", ",
    )}) in ${plural(generated.files.length, "file")} to ${label}; register ${label}/${CATALOG_ENTRY}`;
  const data = { ok: true, out: label, files: generated.files.map((f) => f.path), counts };
  return { exitCode: 0, stdout: formatReport({ summary, diagnostics, data }, options.format, sources) };
}

/**
 * The catalog of the repository at `root`, validated: used by the command
 * and by the tests, which judge the same entities the command writes.
 */
export async function generateCatalog(root: string, repoUrl?: string): Promise<GeneratedCatalog> {
  const repository = validateRepository(root);
  const sources = new Map(repository.sources);
  if (hasErrors(repository.diagnostics))
    return { files: [], texts: new Map(), diagnostics: repository.diagnostics, sources };
  const source = catalogSource(repository);
  const link = findRepositoryLink(repository.environments, repository.documents, repoUrl);
  const portal = readPortalSetting(root);
  const diagnostics = sortDiagnostics([
    ...repository.diagnostics,
    ...source.diagnostics,
    ...link.diagnostics,
    ...(portal.diagnostic ? [portal.diagnostic] : []),
  ]);
  if (hasErrors(diagnostics)) return { files: [], texts: new Map(), diagnostics, sources };
  const files = buildCatalog({
    teams: source.teams,
    services: source.services,
    ...(link.link ? { link: link.link } : {}),
    ...(portal.url ? { portal: portal.url } : {}),
  });
  await requireAcceptedEntities(files);
  return { files, texts: new Map(files.map((f) => [f.path, serializeCatalogFile(f)])), diagnostics, sources };
}
