import { compareNames, orderByPromotion } from "../model/environments.js";
import { podCounts, podRequests } from "../model/pod-requests.js";
import type { EnvironmentModel, ResolvedService, TeamModel } from "../model/resolved.js";
import type { Prices } from "../model/types.generated.js";
import { dependencyPrice, GIB } from "./prices.js";

/**
 * Money in whole US cents: every amount is rounded to cents once, per line,
 * and sums add integers, so totals are exact and the same on every machine.
 */
export type Cents = number;

/** An amount at the service's smallest and largest scale (autoscale.min and max; equal without autoscale). */
export interface CostRange {
  min: Cents;
  max: Cents;
}

/** One dependency's monthly price. */
export interface DependencyCost {
  name: string;
  type: string;
  size: string;
  monthly: Cents;
}

/** What one service costs per month in one environment. */
export interface ServiceCost {
  service: string;
  team: string;
  environment: string;
  file: string;
  /** Whether the environment declares a price table; without one every amount is 0. */
  priced: boolean;
  /** Pods at the smallest and largest scale. */
  pods: { min: number; max: number };
  /** One pod's requests: cores and bytes (main container and sidecars, or the largest init container). */
  podRequests: { cpu: number; memory: number };
  /** CPU and memory: requests × pods × the environment's prices. */
  compute: CostRange;
  dependencies: DependencyCost[];
  /** compute plus dependencies. */
  monthly: CostRange;
}

/** A sum over services: a team's, an environment's, or a team's in one environment. */
export interface CostTotal {
  monthly: CostRange;
  services: number;
}

/** A team's total across every environment, against its budget. */
export interface TeamCost extends CostTotal {
  team: string;
  /** The team file's budget.monthly, in cents. */
  budget: Cents;
  /** Per environment, in promotion order. */
  environments: ({ environment: string } & CostTotal)[];
}

/** An environment's total. */
export interface EnvironmentCost extends CostTotal {
  environment: string;
  priced: boolean;
}

/** `idp cost`'s whole answer: per service and environment, per team, per environment, and the total. */
export interface CostReport {
  services: ServiceCost[];
  teams: TeamCost[];
  environments: EnvironmentCost[];
  total: CostRange;
}

/** An amount in USD rounded to cents. */
function cents(usd: number): Cents {
  return Math.round(usd * 100);
}

/**
 * The monthly cost of one resolved service under its environment's price
 * table: one pod's requests (vCPU and GiB) times its pods at each end of its
 * scale, plus one price per dependency (dependencies do not scale with pods).
 */
export function costOfService(service: ResolvedService, prices: Prices | undefined): ServiceCost {
  const pods = podCounts(service);
  const requests = podRequests(service);
  const perPod = prices ? requests.cpu * prices.cpu + (requests.memory / GIB) * prices.memory : 0;
  const compute = { min: cents(perPod * pods.min), max: cents(perPod * pods.max) };
  const dependencies = service.dependencies.map((d) => ({
    name: d.name,
    type: d.type,
    size: d.size,
    monthly: prices ? cents(dependencyPrice(prices, d.type, d.size, d.class) ?? 0) : 0,
  }));
  const fixed = dependencies.reduce((total, d) => total + d.monthly, 0);
  return {
    service: service.name,
    team: service.team,
    environment: service.environment,
    file: service.file,
    priced: prices !== undefined,
    pods,
    podRequests: requests,
    compute,
    dependencies,
    monthly: { min: compute.min + fixed, max: compute.max + fixed },
  };
}

/** Adds services' monthly costs. */
function total(costs: readonly ServiceCost[]): CostTotal {
  return {
    monthly: {
      min: costs.reduce((sum, c) => sum + c.monthly.min, 0),
      max: costs.reduce((sum, c) => sum + c.monthly.max, 0),
    },
    services: new Set(costs.map((c) => c.service)).size,
  };
}

/**
 * costOfService once per service object and price table: a plan prices the
 * head for the policy, then the base and the head again, and the base
 * shares every unchanged service (and price table) with the head.
 */
const serviceCosts = new WeakMap<ResolvedService, { prices: Prices | undefined; cost: ServiceCost }>();

function knownCost(service: ResolvedService, prices: Prices | undefined): ServiceCost {
  const known = serviceCosts.get(service);
  if (known && known.prices === prices) return known.cost;
  const cost = costOfService(service, prices);
  serviceCosts.set(service, { prices, cost });
  return cost;
}

/**
 * Every resolved service's monthly cost, summed per team (across all
 * environments, against its budget) and per environment. Services are in
 * name order, each in promotion order of its environments.
 */
export function costRepository(
  services: readonly ResolvedService[],
  environments: readonly EnvironmentModel[],
  teams: readonly TeamModel[],
): CostReport {
  const ordered = orderByPromotion(environments);
  const rank = new Map(ordered.map((e, i) => [e.name, i]));
  const prices = new Map(ordered.map((e) => [e.name, e.spec.prices]));
  const costs = services
    .map((s) => knownCost(s, prices.get(s.environment)))
    .sort(
      (a, b) =>
        compareNames(a.service, b.service) || (rank.get(a.environment) ?? 0) - (rank.get(b.environment) ?? 0),
    );
  // Grouped once, in order: filtering every service per team is teams × services.
  const byTeam = new Map<string, ServiceCost[]>();
  for (const cost of costs) {
    const list = byTeam.get(cost.team);
    if (list) list.push(cost);
    else byTeam.set(cost.team, [cost]);
  }
  const teamCosts = [...teams]
    .sort((a, b) => compareNames(a.name, b.name))
    .map((team) => {
      const own = byTeam.get(team.name) ?? [];
      return {
        team: team.name,
        budget: cents(team.spec.budget.monthly),
        ...total(own),
        environments: ordered.map((e) => ({
          environment: e.name,
          ...total(own.filter((c) => c.environment === e.name)),
        })),
      };
    });
  const environmentCosts = ordered.map((e) => ({
    environment: e.name,
    priced: e.spec.prices !== undefined,
    ...total(costs.filter((c) => c.environment === e.name)),
  }));
  return { services: costs, teams: teamCosts, environments: environmentCosts, total: total(costs).monthly };
}

/** Per team, its monthly cost across every environment in USD: what the budget rule (COST003) is given. */
export function teamTotals(report: CostReport): Record<string, { min: number; max: number }> {
  return Object.fromEntries(
    report.teams.map((t) => [t.team, { min: t.monthly.min / 100, max: t.monthly.max / 100 }]),
  );
}

/** "$1,234.50" for cents. */
export function formatUsd(amount: Cents): string {
  const sign = amount < 0 ? "-" : "";
  const abs = Math.abs(amount);
  // Thousands separated by hand: the same bytes whatever ICU data Node carries.
  const dollars = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}$${dollars}.${String(abs % 100).padStart(2, "0")}`;
}

/** "$120.00" or "$120.00–$480.00" when the service autoscales. */
export function formatRange(range: CostRange): string {
  return range.min === range.max ? formatUsd(range.min) : `${formatUsd(range.min)}–${formatUsd(range.max)}`;
}

/** "+$12.00", "-$3.50" or "$0.00": a change in cost. */
export function formatDelta(amount: Cents): string {
  return amount > 0 ? `+${formatUsd(amount)}` : formatUsd(amount);
}
