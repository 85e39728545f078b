import type { CheckedRepository } from "../check-repository.js";
import { compareNames, isProductionEnvironment, orderByPromotion } from "../model/environments.js";
import type { EnvironmentModel, ResolvedService, TeamModel } from "../model/resolved.js";
import type { PolicyResult } from "../policy/check-policies.js";
import {
  type CheckContext,
  type CheckStatus,
  LEVELS,
  type Level,
  SCORECARD_CHECKS,
  type ScorecardCheck,
} from "./checks.js";

/** One check's result on one service in one environment. */
export interface CheckResult {
  id: string;
  title: string;
  level: Level;
  status: CheckStatus;
  detail: string;
}

/** A service's readiness in one environment. */
export interface Scorecard {
  service: string;
  team: string;
  environment: string;
  file: string;
  /** The highest level whose checks (and those of every level below) all pass; null below bronze. */
  level: Level | null;
  /** The level above, null at the top. */
  next: Level | null;
  /** The ids of the failing checks that keep the service from `next`. */
  missing: string[];
  checks: CheckResult[];
}

/** How many (service, environment) scorecards of a team are at each level. */
export interface TeamScorecardSummary {
  team: string;
  services: number;
  levels: Record<Level | "none", number>;
}

/** Every scorecard, in service-name and promotion order, and the per-team summary. */
export interface ScorecardReport {
  scorecards: Scorecard[];
  teams: TeamScorecardSummary[];
}

/** The input of a scorecard run: the resolved model and the policy's findings. */
export interface ScorecardInput {
  services: readonly ResolvedService[];
  environments: readonly EnvironmentModel[];
  teams: readonly TeamModel[];
  /** The policy stage's results (findings per environment, with the exception that waived each). */
  policy: readonly PolicyResult[];
}

/**
 * Grades one service in one environment: runs every check, then finds the
 * highest level with no failing check at or below it ("n/a" counts as met).
 */
export function scoreService(
  context: CheckContext,
  checks: readonly ScorecardCheck[] = SCORECARD_CHECKS,
): Scorecard {
  const results = checks.map((check) => ({
    id: check.id,
    title: check.title,
    level: check.level,
    ...check.evaluate(context),
  }));
  const failingAt = (level: Level) =>
    results.filter((r) => r.status === "fail" && LEVELS.indexOf(r.level) <= LEVELS.indexOf(level));
  const reached = LEVELS.filter((level) => failingAt(level).length === 0);
  const level = reached.length === 0 ? null : (reached[reached.length - 1] ?? null);
  const next = level === null ? LEVELS[0] : (LEVELS[LEVELS.indexOf(level) + 1] ?? null);
  return {
    service: context.service.name,
    team: context.service.team,
    environment: context.environment.name,
    file: context.service.file,
    level,
    next,
    missing: next === null ? [] : failingAt(next).map((r) => r.id),
    checks: results,
  };
}

/** Scorecards for every resolved service in every environment it runs in, and the per-team counts. */
export function scoreRepository(input: ScorecardInput): ScorecardReport {
  const environments = orderByPromotion(input.environments);
  const rank = new Map(environments.map((e, i) => [e.name, i]));
  const byName = new Map(environments.map((e) => [e.name, e]));
  const teams = new Map(input.teams.map((t) => [t.name, t]));
  const policy = new Map<string, PolicyResult[]>();
  for (const result of input.policy) {
    if (result.service === undefined) continue;
    const key = `${result.service}\u0000${result.environment}`;
    policy.set(key, [...(policy.get(key) ?? []), result]);
  }
  const scorecards = [...input.services]
    .sort(
      (a, b) =>
        compareNames(a.name, b.name) || (rank.get(a.environment) ?? 0) - (rank.get(b.environment) ?? 0),
    )
    .flatMap((service) => {
      const environment = byName.get(service.environment);
      if (!environment) return [];
      return [
        scoreService({
          service,
          environment,
          production: isProductionEnvironment(environment, environments),
          team: teams.get(service.team),
          policy: policy.get(`${service.name}\u0000${service.environment}`) ?? [],
        }),
      ];
    });
  return {
    scorecards,
    teams: summarizeTeams(
      scorecards,
      input.teams.map((t) => t.name),
    ),
  };
}

/**
 * Scorecards of a repository that went through the policy stage (what
 * `checkRepository` or `withPolicies` return): the one call the command,
 * the portal and the catalog need.
 */
export function scoreCheckedRepository(checked: CheckedRepository): ScorecardReport {
  return scoreRepository({
    services: checked.services,
    environments: checked.environments,
    teams: checked.teams,
    policy: checked.policy?.results ?? [],
  });
}

/** Per team (in name order), how many of its scorecards are at each level. */
export function summarizeTeams(
  scorecards: readonly Scorecard[],
  teams: readonly string[],
): TeamScorecardSummary[] {
  return [...teams].sort(compareNames).map((team) => {
    const own = scorecards.filter((s) => s.team === team);
    const levels = { gold: 0, silver: 0, bronze: 0, none: 0 };
    for (const card of own) levels[card.level ?? "none"]++;
    return { team, services: new Set(own.map((s) => s.service)).size, levels };
  });
}

/** The level table: which checks each level needs (on top of the levels below it). */
export function levelTable(
  checks: readonly ScorecardCheck[] = SCORECARD_CHECKS,
): { level: Level; checks: { id: string; title: string }[] }[] {
  return LEVELS.map((level) => ({
    level,
    checks: checks.filter((c) => c.level === level).map((c) => ({ id: c.id, title: c.title })),
  }));
}
