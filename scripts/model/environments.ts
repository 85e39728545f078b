import type { ValuePath } from "./document.js";
import type { Findings } from "./findings.js";
import type { Origin } from "./merge.js";
import { closestName } from "./names.js";
import { checkQuantities } from "./quantities-check.js";
import type { EnvironmentModel, TeamModel } from "./resolved.js";

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Sorts environments along `promotesFrom` (dev, staging, prod), names breaking
 * ties, so every listing and rendering walks them in the order changes travel.
 */
export function orderByPromotion(environments: readonly EnvironmentModel[]): EnvironmentModel[] {
  const byName = new Map(environments.map((e) => [e.name, e]));
  const depth = (env: EnvironmentModel): number => {
    let steps = 0;
    const seen = new Set<string>();
    for (let current = env; current.spec.promotesFrom && !seen.has(current.name); steps++) {
      seen.add(current.name);
      const previous = byName.get(current.spec.promotesFrom);
      if (!previous) break;
      current = previous;
    }
    return steps;
  };
  return [...environments].sort((a, b) => depth(a) - depth(b) || compareNames(a.name, b.name));
}

/**
 * Whether an environment is production: prod, or the last in the promotion
 * order (no environment promotes from it). Policy (input.isProduction) and
 * scorecards use the same answer.
 */
export function isProductionEnvironment(
  environment: EnvironmentModel,
  environments: readonly EnvironmentModel[],
): boolean {
  return environment.name === "prod" || !environments.some((e) => e.spec.promotesFrom === environment.name);
}

/** The namespace a team's services live in, in one environment. */
export function namespaceFor(env: EnvironmentModel, team: string): string {
  return (env.spec.namespace ?? "{team}").replaceAll("{team}", team).replaceAll("{environment}", env.name);
}

/** A file's `metadata.name` must be its file name, so the name is found where people look for it. */
export function checkFileNames(models: readonly (TeamModel | EnvironmentModel)[], findings: Findings): void {
  for (const model of models) {
    const expected = model.file
      .split("/")
      .pop()
      ?.replace(/\.yaml$/, "");
    if (model.name !== expected) {
      findings.error(
        "resolve.name-mismatch",
        `metadata.name is "${model.name}" but the file is ${model.file}`,
        { file: model.file, path: ["metadata", "name"] },
        {
          hint: `rename the file to ${model.file.replace(/[^/]+\.yaml$/, `${model.name}.yaml`)} or set metadata.name: ${expected}`,
        },
      );
    }
  }
}

/** Promotion order, namespace templates and defaults of every environment. */
export function checkEnvironments(
  environments: readonly EnvironmentModel[],
  teams: readonly TeamModel[],
  findings: Findings,
): void {
  const names = environments.map((e) => e.name);
  for (const env of environments) {
    const at = (path: ValuePath): Origin => ({ file: env.file, path });
    const from = env.spec.promotesFrom;
    if (from === env.name) {
      findings.error(
        "resolve.promotion-cycle",
        `${env.name} promotes from itself`,
        at(["spec", "promotesFrom"]),
        {
          hint: "the first environment has no promotesFrom",
        },
      );
    } else if (from !== undefined && !names.includes(from)) {
      findings.error(
        "resolve.unknown-environment",
        `promotesFrom names "${from}", which is not an environment`,
        at(["spec", "promotesFrom"]),
        { hint: suggest(from, names, "environments/") },
      );
    } else if (from !== undefined && inPromotionCycle(env, environments)) {
      findings.error(
        "resolve.promotion-cycle",
        `the promotion order through ${env.name} is a cycle`,
        at(["spec", "promotesFrom"]),
        { hint: "exactly one environment (the first) has no promotesFrom" },
      );
    }
    for (const team of teams) {
      const namespace = namespaceFor(env, team.name);
      if (!DNS_LABEL.test(namespace)) {
        findings.error(
          "resolve.namespace",
          `the namespace template gives "${namespace}" for team ${team.name}, which is not a valid namespace name`,
          at(["spec", "namespace"]),
          {
            hint: "namespaces are lowercase letters, digits and '-', at most 63 characters; use {team} in the template",
          },
        );
      }
    }
    checkQuantities(
      env.spec.defaults?.resources,
      (path) => at(["spec", "defaults", "resources", ...path]),
      findings,
    );
  }
}

function inPromotionCycle(start: EnvironmentModel, environments: readonly EnvironmentModel[]): boolean {
  const byName = new Map(environments.map((e) => [e.name, e]));
  const seen = new Set<string>([start.name]);
  for (
    let next = byName.get(start.spec.promotesFrom ?? "");
    next;
    next = byName.get(next.spec.promotesFrom ?? "")
  ) {
    if (seen.has(next.name)) return true;
    seen.add(next.name);
  }
  return false;
}

/** "did you mean ...?" when a known name is close, else the list of known names and where they live. */
export function suggest(name: string, known: readonly string[], folder: string): string {
  const suggestion = closestName(name, known);
  if (suggestion) return `did you mean "${suggestion}"?`;
  return known.length > 0
    ? `known: ${[...known].sort().join(", ")} (in ${folder})`
    : `create it in ${folder}`;
}

/** Byte order of names: stable on every machine, unlike locale collation. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
