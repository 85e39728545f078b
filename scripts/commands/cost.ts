import { type CostReport, costRepository } from "../cost/cost.js";
import { formatCost } from "../cost/format.js";
import { validateRepository } from "../model/validate-repository.js";
import type { OutputFormat } from "../report/format.js";
import { refuseBroken, unknownName } from "./repository-read.js";
import type { CommandResult } from "./result.js";

/** Options of `idp cost`. */
export interface CostOptions {
  root: string;
  format: OutputFormat;
  /** Only this team's services and total. */
  team?: string;
  /** Only this environment's column and total. */
  environment?: string;
}

/**
 * `idp cost [--team T] [--environment E]`: what every service costs per
 * month in each environment, and the totals per team (against its budget,
 * always across every environment) and per environment. Reads only. Errors
 * in the repository, or an unknown team or environment, exit 1.
 */
export async function costCommand(options: CostOptions): Promise<CommandResult> {
  const repository = validateRepository(options.root);
  const broken = refuseBroken(repository, "costs");
  if (broken) return broken;
  const teams = repository.teams.map((t) => t.name);
  const environments = repository.environments.map((e) => e.name);
  if (options.team !== undefined && !teams.includes(options.team))
    return unknownName("team", options.team, teams);
  if (options.environment !== undefined && !environments.includes(options.environment))
    return unknownName("environment", options.environment, environments);
  const report = costRepository(repository.services, repository.environments, repository.teams);
  return { exitCode: 0, stdout: formatCost(narrow(report, options), options.format) };
}

/**
 * The report for one team or one environment. A team's budget total stays
 * the one across every environment: that is what its budget is held to.
 */
export function narrow(report: CostReport, filter: { team?: string; environment?: string }): CostReport {
  const keepTeam = (team: string) => filter.team === undefined || team === filter.team;
  const keepEnvironment = (env: string) => filter.environment === undefined || env === filter.environment;
  const services = report.services.filter((s) => keepTeam(s.team) && keepEnvironment(s.environment));
  return {
    services,
    teams: report.teams
      .filter((t) => keepTeam(t.team))
      .map((t) => ({ ...t, environments: t.environments.filter((e) => keepEnvironment(e.environment)) })),
    environments: report.environments
      .filter((e) => keepEnvironment(e.environment))
      .map((e) => {
        const own = services.filter((s) => s.environment === e.environment);
        return {
          ...e,
          services: own.length,
          monthly: {
            min: own.reduce((sum, s) => sum + s.monthly.min, 0),
            max: own.reduce((sum, s) => sum + s.monthly.max, 0),
          },
        };
      }),
    total: {
      min: services.reduce((sum, s) => sum + s.monthly.min, 0),
      max: services.reduce((sum, s) => sum + s.monthly.max, 0),
    },
  };
}
