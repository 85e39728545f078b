import { reviewChange } from "../change/change-context.js";
import { type CheckedRepository, withPolicies } from "../check-repository.js";
import { validateRepository } from "../model/validate-repository.js";
import { hasErrors } from "../report/diagnostic.js";
import { formatReport } from "../report/emit.js";
import type { OutputFormat } from "../report/format.js";
import { plural } from "../report/text.js";
import type { CommandResult } from "./result.js";

/** Options of `idp validate`. */
export interface ValidateOptions {
  root: string;
  format: OutputFormat;
  /** Compare with this ref: the files and services the change touches (ownership, freeze windows). */
  base?: string;
  /** The pull request's author (GitHub login), for ownership rules. */
  author?: string;
}

/**
 * `idp validate`: load, schema, resolve and policy over the whole repository.
 * With `base`, the change since the merge base is judged by the base's
 * authority: its team members and service owners, its compiled policies and
 * its exceptions, never the change's own. Exit 1 on any error, 0 otherwise
 * (warnings allowed).
 */
export async function validateCommand(options: ValidateOptions): Promise<CommandResult> {
  // The head is validated once: the change context compares the base with it.
  const validated = validateRepository(options.root);
  // Authority comes from the merge base: its teams, owners, policies and exceptions judge the change.
  const review = options.base
    ? await reviewChange(options.root, { base: options.base, author: options.author }, validated)
    : undefined;
  let result: CheckedRepository;
  try {
    result = hasErrors(validated.diagnostics)
      ? validated
      : withPolicies(options.root, validated, {
          change: review?.change ?? {},
          ...(review ? { policyRoot: review.policyRoot } : {}),
        });
  } finally {
    review?.remove();
  }
  const failed = hasErrors(result.diagnostics);
  const scope = `${plural(result.counts.Service, "service")} in ${plural(result.counts.Environment, "environment")}, ${plural(result.counts.Team, "team")}`;
  const summary = failed
    ? `validation failed: ${scope}`
    : `valid: ${scope}, ${plural(result.services.length, "resolved service")}`;
  const output = formatReport(
    {
      summary,
      diagnostics: result.diagnostics,
      data: {
        ok: !failed,
        counts: {
          services: result.counts.Service,
          environments: result.counts.Environment,
          teams: result.counts.Team,
          resolved: result.services.length,
        },
      },
    },
    options.format,
    result.sources,
  );
  return { exitCode: failed ? 1 : 0, stdout: output };
}
