import { compareNames, suggest } from "../model/environments.js";
import type { ValidatedRepository } from "../model/validate-repository.js";
import { type Diagnostic, hasErrors } from "../report/diagnostic.js";
import { formatReport } from "../report/emit.js";
import { printable } from "../report/terminal-text.js";
import type { CommandResult } from "./result.js";

/**
 * For commands that read the whole model (`idp cost`, `idp scorecard`): a
 * repository with errors gives no numbers from a partial picture, so the
 * errors are printed (stderr, with their source lines) and the command exits 1.
 */
export function refuseBroken(
  repository: { diagnostics: readonly Diagnostic[]; sources: ValidatedRepository["sources"] },
  what: string,
): CommandResult | undefined {
  if (!hasErrors(repository.diagnostics)) return undefined;
  const errors = repository.diagnostics.filter((d) => d.severity === "error");
  return {
    exitCode: 1,
    stdout: "",
    stderr: formatReport(
      { summary: `cannot compute ${what}: fix the errors above first`, diagnostics: errors },
      "text",
      repository.sources,
    ),
  };
}

/** A name given on the command line that the repository does not have: exit 1 with a suggestion. */
export function unknownName(
  what: "service" | "team" | "environment",
  name: string,
  known: readonly string[],
): CommandResult {
  const folder = what === "service" ? "services/" : what === "team" ? "teams/" : "environments/";
  const sorted = [...known].sort(compareNames);
  return {
    exitCode: 1,
    stdout: "",
    stderr: `idp: no ${what} named "${printable(name)}"; ${printable(suggest(name, sorted, folder))}\n`,
  };
}
