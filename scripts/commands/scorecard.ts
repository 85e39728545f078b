import { withPolicies } from "../check-repository.js";
import { validateRepository } from "../model/validate-repository.js";
import type { OutputFormat } from "../report/format.js";
import { formatScorecards } from "../scorecard/format.js";
import { type ScorecardReport, scoreCheckedRepository, summarizeTeams } from "../scorecard/scorecard.js";
import { refuseBroken, unknownName } from "./repository-read.js";
import type { CommandResult } from "./result.js";

/** Options of `idp scorecard`. */
export interface ScorecardOptions {
  root: string;
  format: OutputFormat;
  /** One service, every check shown; default every service, one line each. */
  service?: string;
  /** Only this environment. */
  environment?: string;
}

/**
 * `idp scorecard [SERVICE] [--environment ENV]`: production readiness of each
 * service in each environment, from the resolved model and the policy's
 * findings and exceptions, graded bronze, silver or gold with what is missing
 * for the next level, and counted per team. Reads only; a repository with
 * errors (schema, resolve or policy denials), an unknown service or an
 * unknown environment exits 1.
 */
export async function scorecardCommand(options: ScorecardOptions): Promise<CommandResult> {
  const validated = validateRepository(options.root);
  const invalid = refuseBroken(validated, "scorecards");
  if (invalid) return invalid;
  const checked = withPolicies(options.root, validated);
  const denied = refuseBroken(checked, "scorecards");
  if (denied) return denied;
  const services = [...new Set(checked.services.map((s) => s.name))];
  const environments = checked.environments.map((e) => e.name);
  if (options.service !== undefined && !services.includes(options.service))
    return unknownName("service", options.service, services);
  if (options.environment !== undefined && !environments.includes(options.environment))
    return unknownName("environment", options.environment, environments);
  const report = scoreCheckedRepository(checked);
  return {
    exitCode: 0,
    stdout: formatScorecards(narrow(report, options), options.format, options.service !== undefined),
  };
}

/** The scorecards of one service or environment; the team counts follow what is kept. */
function narrow(
  report: ScorecardReport,
  filter: { service?: string; environment?: string },
): ScorecardReport {
  const scorecards = report.scorecards.filter(
    (c) =>
      (filter.service === undefined || c.service === filter.service) &&
      (filter.environment === undefined || c.environment === filter.environment),
  );
  const teams = summarizeTeams(
    scorecards,
    report.teams.map((t) => t.team),
  ).filter((t) => filter.service === undefined || t.services > 0);
  return { scorecards, teams };
}
