import type { ResolvedSide } from "../plan/render-keys.js";
import { type CostRange, costRepository } from "./cost.js";

/** One service whose monthly cost differs between the base and the head of a change, in one environment. */
export interface ServiceCostChange {
  environment: string;
  service: string;
  /** Absent when the change adds the service to the environment. In US cents. */
  before?: CostRange;
  /** Absent when the change removes it. In US cents. */
  after?: CostRange;
}

/** An environment's total before and after a change, in US cents. */
export interface EnvironmentCostChange {
  environment: string;
  before: CostRange;
  after: CostRange;
}

/**
 * What a change does to the monthly cost: per environment whose total
 * changes, and per service whose cost changes there. Amounts are whole US
 * cents; the difference is computed where it is printed (from these, never
 * read from a plan file).
 */
export interface CostChange {
  environments: EnvironmentCostChange[];
  services: ServiceCostChange[];
}

const ZERO: CostRange = { min: 0, max: 0 };

/** after − before, at minimum and at maximum scale. */
export function costDifference(before: CostRange | undefined, after: CostRange | undefined): CostRange {
  return { min: (after ?? ZERO).min - (before ?? ZERO).min, max: (after ?? ZERO).max - (before ?? ZERO).max };
}

function same(a: CostRange | undefined, b: CostRange | undefined): boolean {
  return (
    (a?.min ?? 0) === (b?.min ?? 0) &&
    (a?.max ?? 0) === (b?.max ?? 0) &&
    (a === undefined) === (b === undefined)
  );
}

/**
 * Compares what every service costs on the base and on the head, each side
 * priced by its own environments' price tables (a change to a price table
 * shows as the cost it causes). Environments in the head's promotion order
 * (then those only the base has); services by name.
 */
export function compareCosts(base: ResolvedSide, head: ResolvedSide): CostChange {
  const before = costRepository(base.services, base.environments, base.teams);
  const after = costRepository(head.services, head.environments, head.teams);
  const key = (environment: string, service: string) => `${environment}\u0000${service}`;
  const old = new Map(before.services.map((s) => [key(s.environment, s.service), s.monthly]));
  const now = new Map(after.services.map((s) => [key(s.environment, s.service), s.monthly]));
  const environments = [
    ...after.environments.map((e) => e.environment),
    ...before.environments
      .map((e) => e.environment)
      .filter((e) => !after.environments.some((a) => a.environment === e)),
  ];
  const services: ServiceCostChange[] = [];
  const totals: EnvironmentCostChange[] = [];
  for (const environment of environments) {
    const names = [
      ...new Set(
        [...before.services, ...after.services]
          .filter((s) => s.environment === environment)
          .map((s) => s.service),
      ),
    ].sort();
    const changed = names.flatMap((service) => {
      const b = old.get(key(environment, service));
      const a = now.get(key(environment, service));
      return same(b, a)
        ? []
        : [{ environment, service, ...(b ? { before: b } : {}), ...(a ? { after: a } : {}) }];
    });
    if (changed.length === 0) continue;
    services.push(...changed);
    totals.push({
      environment,
      before: before.environments.find((e) => e.environment === environment)?.monthly ?? ZERO,
      after: after.environments.find((e) => e.environment === environment)?.monthly ?? ZERO,
    });
  }
  return { environments: totals, services };
}
