import { type Diagnostic, error } from "../report/diagnostic.js";
import { readCodeowners, writeCodeowners } from "./file.js";
import { CODEOWNERS_FILE, firstDifferentLine, generateCodeowners, type OwnershipSource } from "./generate.js";

/** How to bring `.github/CODEOWNERS` up to date: idp codeowners, or idp render which also writes it. */
export const REGENERATE_CODEOWNERS = "run npx idp codeowners";

/** `.github/CODEOWNERS` as it is and as teams/ and services/ say it should be. */
export interface CodeownersState {
  /** The generated text; undefined when an error kept it from being generated. */
  text?: string;
  /** The file on disk; undefined when there is none. */
  current?: string;
  /** True when the file on disk differs from the generated text. */
  stale: boolean;
  /** Why the text could not be generated. */
  diagnostics: Diagnostic[];
}

/** Generates `.github/CODEOWNERS` for `repository` and compares it with the file in `root`. */
export function readCodeownersState(root: string, repository: OwnershipSource): CodeownersState {
  const generated = generateCodeowners(repository);
  const current = readCodeowners(root);
  return {
    ...(generated.text !== undefined ? { text: generated.text } : {}),
    ...(current !== undefined ? { current } : {}),
    stale: generated.text !== undefined && generated.text !== current,
    diagnostics: generated.diagnostics,
  };
}

/**
 * What the commands that change services keep in step besides manifests/:
 * `.github/CODEOWNERS` when the repository keeps one (`idp codeowners`
 * creates it; a repository without it is not made to have one). Undefined
 * when there is no file to keep.
 */
export function derivedCodeowners(root: string, repository: OwnershipSource): CodeownersState | undefined {
  const state = readCodeownersState(root, repository);
  return state.current === undefined ? undefined : state;
}

/** Writes the generated file when it is stale; true when it wrote. */
export function syncCodeowners(root: string, state: CodeownersState): boolean {
  if (!state.stale || state.text === undefined) return false;
  writeCodeowners(root, state.text);
  return true;
}

/** The finding for a stale or missing file, on the first line that differs. */
export function staleCodeowners(state: CodeownersState, hint: string): Diagnostic {
  return error(
    "codeowners.stale",
    state.current === undefined
      ? `${CODEOWNERS_FILE} is missing: teams and services have no code owners`
      : `${CODEOWNERS_FILE} is stale: it differs from what teams/ and services/ say`,
    CODEOWNERS_FILE,
    { line: firstDifferentLine(state.text ?? "", state.current), column: 1 },
    hint,
  );
}
