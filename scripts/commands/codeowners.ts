import { readCodeowners, writeCodeowners } from "../codeowners/file.js";
import { CODEOWNERS_FILE, firstDifferentLine, generateCodeowners } from "../codeowners/generate.js";
import { validateRepository } from "../model/validate-repository.js";
import { error, hasErrors, sortDiagnostics } from "../report/diagnostic.js";
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

const REGENERATE = "run npx idp codeowners";

/**
 * `idp codeowners`: generates `.github/CODEOWNERS` from `teams/` and each
 * service's team. Invalid input writes nothing (ownership from a partial
 * picture would silently drop reviewers). With --check it writes nothing and
 * exits 1 when the committed file is stale.
 */
export async function codeownersCommand(options: CodeownersOptions): Promise<CommandResult> {
  const validated = validateRepository(options.root);
  const sources = new Map(validated.sources);
  if (hasErrors(validated.diagnostics)) {
    const summary = "codeowners refused: fix the errors above first; nothing was written";
    return report(1, summary, validated.diagnostics, { ok: false }, options, sources);
  }
  const generated = generateCodeowners(validated);
  const diagnostics = sortDiagnostics([...validated.diagnostics, ...generated.diagnostics]);
  if (generated.text === undefined) {
    const summary = "codeowners refused: ownership is incomplete; nothing was written";
    return report(1, summary, diagnostics, { ok: false }, options, sources);
  }
  const current = readCodeowners(options.root);
  if (current !== undefined) sources.set(CODEOWNERS_FILE, current);
  const fresh = current === generated.text;
  const data = { ok: fresh || !options.check, file: CODEOWNERS_FILE, stale: !fresh };
  if (options.check) {
    if (fresh) return report(0, `${CODEOWNERS_FILE} is up to date`, diagnostics, data, options, sources);
    const stale = error(
      "codeowners.stale",
      current === undefined
        ? `${CODEOWNERS_FILE} is missing: teams and services have no code owners`
        : `${CODEOWNERS_FILE} is stale: it differs from what teams/ and services/ say`,
      CODEOWNERS_FILE,
      { line: firstDifferentLine(generated.text, current), column: 1 },
      `${REGENERATE} and commit the result`,
    );
    return report(
      1,
      `${CODEOWNERS_FILE} is stale; ${REGENERATE} and commit the result`,
      sortDiagnostics([...diagnostics, stale]),
      data,
      options,
      sources,
    );
  }
  if (!fresh) writeCodeowners(options.root, generated.text);
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
