import { existsSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { today } from "../check-repository.js";
import { UsageError } from "../errors.js";
import { MAX_FILE_BYTES } from "../model/parse-yaml.js";
import { validateRepository } from "../model/validate-repository.js";
import { type Diagnostic, error, hasErrors } from "../report/diagnostic.js";
import { formatReport } from "../report/emit.js";
import type { OutputFormat } from "../report/format.js";
import { checkTeam, serviceFile } from "../scaffold/scaffold-service.js";
import { applyChange, stageChange, touchedPaths } from "../scaffold/staged-change.js";
import { dependencyCatalog } from "../score/dependency-catalog.js";
import { type ImportedWorkload, importScoreText } from "../score/import-score.js";
import type { CommandResult } from "./result.js";

/** Options of `idp import score`. */
export interface ImportScoreOptions {
  root: string;
  format: OutputFormat;
  /** The Score files, relative to `cwd` or absolute. */
  files: readonly string[];
  /** The owning team of every imported service; else each file's idp/team annotation. */
  team?: string;
  /** Replace services that already exist. */
  force: boolean;
  /** Where relative file names start; default process.cwd(). */
  cwd?: string;
}

/**
 * `idp import score FILE... [--team T] [--force]`: writes
 * services/<name>/service.yaml for each Score workload, with the manifests
 * rendered. Each file is checked against the pinned Score schema and mapped
 * field by field; anything without a counterpart is refused at its line.
 * The services are then checked together on a copy of the repository
 * (validate, policy, render): only when all of that passes is anything
 * written. Exit 1 with nothing written otherwise.
 */
export async function importScoreCommand(options: ImportScoreOptions): Promise<CommandResult> {
  const { root } = options;
  const cwd = options.cwd ?? process.cwd();
  if (options.files.length === 0) throw new UsageError("name at least one Score file");
  const repository = validateRepository(root);
  if (options.team !== undefined) checkTeam(options.team, repository.teams);
  const context = {
    catalog: dependencyCatalog(repository.environments),
    ...(options.team !== undefined ? { team: options.team } : {}),
  };

  const imported = options.files.map((file) =>
    importScoreText(displayName(cwd, file), readScoreFile(resolve(cwd, file), file), context),
  );
  const sources = new Map(imported.map((w) => [w.file, w.text]));
  const diagnostics = imported.flatMap((w) => w.diagnostics);
  diagnostics.push(...clashes(root, imported, options.force));
  if (hasErrors(diagnostics)) {
    return refused(options, diagnostics, sources, "the Score files above cannot be imported");
  }

  const edits = new Map(imported.map((w) => [serviceFile(w.name as string), w.serviceText as string]));
  const names = imported.map((w) => w.name as string);
  const staged = await stageChange(root, edits, {
    change: {
      files: [...edits.keys()],
      changedServices: Object.fromEntries(repository.environments.map((e) => [e.name, names])),
      date: today(),
    },
  });
  const allSources = new Map([...sources, ...staged.checked.sources]);
  if (!staged.tree) {
    return refused(
      options,
      [...diagnostics, ...staged.checked.diagnostics],
      allSources,
      "the imported services do not pass idp validate",
    );
  }
  const applied = applyChange(root, edits, staged.tree);
  if (hasErrors(applied.diagnostics)) {
    return refused(
      options,
      [...diagnostics, ...applied.diagnostics],
      allSources,
      "the manifests could not be written",
    );
  }
  const lines = imported.map((w) => `  ${serviceFile(w.name as string)} from ${w.file}`);
  const paths = touchedPaths(applied);
  return {
    exitCode: 0,
    stdout: formatReport(
      {
        summary: `imported ${imported.length} Score workload${imported.length === 1 ? "" : "s"}:\n${lines.join("\n")}\nand rendered their manifests; check with idp validate, then commit them`,
        diagnostics: [...diagnostics, ...staged.checked.diagnostics],
        data: { ok: true, services: names, files: paths },
      },
      options.format,
      allSources,
    ),
  };
}

function refused(
  options: ImportScoreOptions,
  diagnostics: Diagnostic[],
  sources: Map<string, string>,
  why: string,
): CommandResult {
  return {
    exitCode: 1,
    stdout: formatReport(
      { summary: `import refused: ${why}; nothing was written`, diagnostics, data: { ok: false } },
      options.format,
      sources,
    ),
  };
}

/** A service that already exists (without --force), or two files with one name. */
function clashes(root: string, imported: readonly ImportedWorkload[], force: boolean): Diagnostic[] {
  const found: Diagnostic[] = [];
  const seen = new Map<string, string>();
  for (const w of imported) {
    if (w.name === undefined || w.serviceText === undefined) continue;
    const at = w.nameAt ?? { line: 1, column: 1 };
    const other = seen.get(w.name);
    if (other !== undefined)
      found.push(
        error(
          "score.duplicate",
          `workload ${w.name} is also imported from ${other}`,
          w.file,
          at,
          "import each workload once",
        ),
      );
    seen.set(w.name, w.file);
    if (!force && existsSync(join(root, "services", w.name)))
      found.push(
        error(
          "score.exists",
          `the service ${w.name} already exists (${serviceFile(w.name)})`,
          w.file,
          at,
          "pass --force to replace it, or rename the workload",
        ),
      );
  }
  return found;
}

function displayName(cwd: string, file: string): string {
  const path = relative(cwd, resolve(cwd, file)).split("\\").join("/");
  return path.startsWith("..") ? resolve(cwd, file) : path;
}

/** The bytes of a Score file; over the size cap or unreadable is a usage error (the file was named by the caller). */
function readScoreFile(path: string, asGiven: string): Uint8Array {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new UsageError(`${asGiven} is not a file`);
    size = stat.size;
  } catch (cause) {
    if (cause instanceof UsageError) throw cause;
    throw new UsageError(`cannot read ${asGiven}: no such file`);
  }
  if (size > MAX_FILE_BYTES)
    throw new UsageError(`${asGiven} is larger than ${MAX_FILE_BYTES} bytes; a Score file is far smaller`);
  return readFileSync(path);
}
