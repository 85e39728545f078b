import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type CheckedRepository, type CheckOptions, checkRepository } from "../check-repository.js";
import { CODEOWNERS_FILE } from "../codeowners/generate.js";
import { type CodeownersState, derivedCodeowners, syncCodeowners } from "../codeowners/sync.js";
import { ToolError } from "../errors.js";
import { renderRepositoryInParallel } from "../render/parallel-render.js";
import { fileContent, type RenderedTree } from "../render/render-jobs.js";
import { keyFiles, keyFileTexts } from "../render/trusted-files.js";
import type { FileContent } from "../render/write/tree.js";
import { type WriteResult, writeManifests } from "../render/write.js";
import { type Diagnostic, hasErrors } from "../report/diagnostic.js";

/** The folders a staged copy holds: everything validate, policy and render read. */
const SOURCE_FOLDERS = ["environments", "teams", "services", "schemas", "policies"] as const;

/** Source files to create or replace, by path relative to the root, with their full text. */
export type FileEdits = ReadonlyMap<string, string>;

/** What checking a change on a copy of the repository found. */
export interface StagedChange {
  /** The copy after the edits, through validate and policy. */
  checked: CheckedRepository;
  /** The rendered tree; undefined when the copy has errors (then nothing may be kept). */
  tree?: RenderedTree;
  /** `.github/CODEOWNERS` after the edits, when the repository keeps one. */
  codeowners?: CodeownersState;
}

/**
 * Applies `edits` to a temporary copy of the repository's sources and runs
 * validate, policy and render on it. The repository itself is not touched:
 * a change that fails here leaves it exactly as it was.
 */
export async function stageChange(
  root: string,
  edits: FileEdits,
  options: CheckOptions = {},
): Promise<StagedChange> {
  const copy = mkdtempSync(join(tmpdir(), "idp-stage-"));
  try {
    for (const folder of SOURCE_FOLDERS) {
      const from = join(root, folder);
      if (existsSync(from)) cpSync(from, join(copy, folder), { recursive: true, verbatimSymlinks: true });
    }
    for (const [file, text] of edits) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      writeFileSync(join(copy, file), text);
    }
    const checked = checkRepository(copy, options);
    if (hasErrors(checked.diagnostics)) return { checked };
    // Everything derived from the services moves with them: the manifests and the code owners.
    const codeowners = derivedCodeowners(root, checked);
    if (codeowners && hasErrors(codeowners.diagnostics))
      return { checked: { ...checked, diagnostics: [...checked.diagnostics, ...codeowners.diagnostics] } };
    const rendered = await renderRepositoryInParallel(checked);
    const tree = { ...rendered, keyFiles: keyFileTexts(rendered.files, keyFiles(checked)) };
    return { checked, tree, ...(codeowners ? { codeowners } : {}) };
  } catch (cause) {
    if (cause instanceof ToolError) throw cause;
    throw new ToolError(`could not check the change on a copy of ${root}`, { cause });
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** What keeping a staged change wrote. */
export interface AppliedChange {
  /** The source files written, relative to the root. */
  files: string[];
  /** Generated files other than manifests that were rewritten (`.github/CODEOWNERS`). */
  generated: string[];
  manifests: WriteResult;
  /** Refusals of the manifest write (render.empty-environment); when any is an error, everything was rolled back. */
  diagnostics: Diagnostic[];
}

/**
 * Keeps a change that passed {@link stageChange}: writes the edited source
 * files into the repository, then the rendered manifests (atomically, as
 * `idp render` does) and `.github/CODEOWNERS` when it is kept and changes.
 * When the manifest write refuses or fails, the source files are put back as
 * they were, so the repository is never left half changed.
 */
export function applyChange(
  root: string,
  edits: FileEdits,
  tree: RenderedTree,
  codeowners?: CodeownersState,
): AppliedChange {
  const originals = new Map<string, string | undefined>();
  const createdFolders: string[] = [];
  const restore = () => {
    for (const [file, text] of originals) {
      const path = join(root, file);
      if (text === undefined) rmSync(path, { force: true });
      else writeFileSync(path, text);
    }
    for (const folder of createdFolders.reverse()) rmSync(folder, { recursive: true, force: true });
  };
  try {
    for (const [file, text] of edits) {
      const path = join(root, file);
      originals.set(file, existsSync(path) ? readFileSync(path, "utf8") : undefined);
      const folder = dirname(path);
      if (!existsSync(folder)) {
        createdFolders.push(folder);
        mkdirSync(folder, { recursive: true });
      }
      const temporary = `${path}.idp-tmp`;
      writeFileSync(temporary, text);
      renameSync(temporary, path);
    }
    const texts = new Map<string, FileContent>(
      [...tree.files].map(([path, file]) => [path, fileContent(file)]),
    );
    for (const [path, text] of tree.keyFiles ?? []) texts.set(path, text);
    const manifests = writeManifests(root, texts, {
      check: false,
      allowEmpty: false,
      environments: tree.environments,
    });
    if (hasErrors(manifests.diagnostics)) {
      restore();
      return { files: [...edits.keys()], generated: [], manifests, diagnostics: manifests.diagnostics };
    }
    if (codeowners?.stale) originals.set(CODEOWNERS_FILE, codeowners.current);
    const generated = codeowners && syncCodeowners(root, codeowners) ? [CODEOWNERS_FILE] : [];
    return { files: [...edits.keys()], generated, manifests, diagnostics: manifests.diagnostics };
  } catch (cause) {
    restore();
    if (cause instanceof ToolError) throw cause;
    throw new ToolError(`could not write the change into ${root}; it was rolled back`, { cause });
  }
}

/** Every path a kept change touched, relative to the root: its source files and the manifests written. */
export function touchedPaths(applied: AppliedChange): string[] {
  const { added, changed, removed } = applied.manifests;
  return [...new Set([...applied.files, ...applied.generated, ...added, ...changed, ...removed])].sort();
}
