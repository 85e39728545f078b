import { CODEOWNERS_FILE } from "../codeowners/generate.js";
import {
  REGENERATE_CODEOWNERS,
  readCodeownersState,
  staleCodeowners,
  syncCodeowners,
} from "../codeowners/sync.js";
import { validateRepository } from "../model/validate-repository.js";
import { hasErrors, sortDiagnostics } from "../report/diagnostic.js";
import { formatReport } from "../report/emit.js";
import type { OutputFormat } from "../report/format.js";
import type { CommandResult } from "./result.js";

/** Options of `idp codeowners`. */
export interface CodeownersOptions {
  root: string;
  format: OutputFormat;
  /** Write nothing; exit 1 when `.github/CODEOWNERS` differs from a fresh generation. */
  check: boolean;
}

/**
 * `idp codeowners`: generates `.github/CODEOWNERS` from `teams/` and each
 * service's team. Invalid input writes nothing (ownership from a partial
 * picture would silently drop reviewers). With --check it writes nothing and
 * exits 1 when the committed file is stale. `idp render` keeps an existing
 * file in step too.
 */
export async function codeownersCommand(options: CodeownersOptions): Promise<CommandResult> {
  const validated = validateRepository(options.root);
  const sources = new Map(validated.sources);
  if (hasErrors(validated.diagnostics)) {
    const summary = "codeowners refused: fix the errors above first; nothing was written";
    return report(1, summary, validated.diagnostics, { ok: false }, options, sources);
  }
  const state = readCodeownersState(options.root, validated);
  const diagnostics = sortDiagnostics([...validated.diagnostics, ...state.diagnostics]);
  if (state.text === undefined) {
    const summary = "codeowners refused: ownership is incomplete; nothing was written";
    return report(1, summary, diagnostics, { ok: false }, options, sources);
  }
  if (state.current !== undefined) sources.set(CODEOWNERS_FILE, state.current);
  const fresh = !state.stale;
  const data = { ok: fresh || !options.check, file: CODEOWNERS_FILE, stale: !fresh };
  if (options.check) {
    if (fresh) return report(0, `${CODEOWNERS_FILE} is up to date`, diagnostics, data, options, sources);
    const stale = staleCodeowners(state, `${REGENERATE_CODEOWNERS} and commit the result`);
    return report(
      1,
      `${CODEOWNERS_FILE} is stale; ${REGENERATE_CODEOWNERS} and commit the result`,
      sortDiagnostics([...diagnostics, stale]),
      data,
      options,
      sources,
    );
  }
  syncCodeowners(options.root, state);
  const summary = fresh ? `${CODEOWNERS_FILE} is up to date` : `wrote ${CODEOWNERS_FILE}`;
  return report(0, summary, diagnostics, { ...data, written: !fresh }, options, sources);
}

function report(
  exitCode: 0 | 1,
  summary: string,
  diagnostics: Parameters<typeof formatReport>[0]["diagnostics"],
  data: Record<string, unknown>,
  options: CodeownersOptions,
  sources: ReadonlyMap<string, string>,
): CommandResult {
  return { exitCode, stdout: formatReport({ summary, diagnostics, data }, options.format, sources) };
}
