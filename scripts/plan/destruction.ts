import type { ResolvedSide } from "../render/render-keys.js";
import { dependencyObjectName } from "../render/service/environment-variables.js";
import { plural } from "../report/text.js";
import {
  type DestroyedObject,
  type Destruction,
  type EnvironmentPlan,
  type MassRemoval,
  type ObjectChange,
  PLATFORM_PLAN,
} from "./plan.js";

/** The exception rule id that acknowledges a destructive change (policies/exceptions.yaml). */
export const DESTRUCTION_RULE = "PLAN001"; // one of PLAN_RULES (policy/exceptions.ts)

/** The pull-request label by which the platform team acknowledges a destructive change. */
export const ALLOW_DESTROY_LABEL = "idp/allow-destroy";

const NAMESPACE_REASON =
  "deleting a Namespace deletes everything in it: workloads, secrets, claims and the data behind them";
const VOLUME_REASON = "deleting a PersistentVolumeClaim deletes its volume and the data on it";

/**
 * What the change deletes that cannot be had back by reverting it: a
 * Namespace, a PersistentVolumeClaim, the claim of a dependency whose class
 * the base marks `data: true`, and, per environment, more than
 * `limitPercent` % of the objects the base has there (`totals`). The base
 * decides which classes hold data, so a change that unmarks a class and
 * deletes its claims is still destructive. Undefined when nothing is.
 */
export function findDestruction(
  environments: readonly EnvironmentPlan[],
  base: ResolvedSide,
  totals: ReadonlyMap<string, number>,
  limitPercent: number,
): Destruction | undefined {
  const objects: DestroyedObject[] = [];
  const massRemovals: MassRemoval[] = [];
  for (const environment of environments) {
    let removed = 0;
    for (const manifest of environment.services) {
      const data = dataClaims(base, environment.name, manifest.name);
      for (const object of manifest.objects) {
        if (object.status !== "removed") continue;
        removed += 1;
        const reason = whyItMatters(object, data);
        if (reason)
          objects.push({
            environment: environment.name,
            manifest: manifest.name,
            kind: object.kind,
            name: object.name,
            ...(object.namespace ? { namespace: object.namespace } : {}),
            reason,
          });
      }
    }
    const total = Math.max(totals.get(environment.name) ?? 0, removed);
    if (removed > 0 && removed * 100 > total * limitPercent)
      massRemovals.push({ environment: environment.name, removed, total });
  }
  if (objects.length === 0 && massRemovals.length === 0) return undefined;
  return { objects, massRemovals, limitPercent };
}

/** Claim identity (`kind\0name`) → why deleting it loses data, for the data classes a service uses on the base. */
function dataClaims(base: ResolvedSide, environment: string, manifest: string): Map<string, string> {
  const found = new Map<string, string>();
  if (manifest === PLATFORM_PLAN) return found;
  const service = base.services.find((s) => s.environment === environment && s.name === manifest);
  for (const dependency of service?.dependencies ?? []) {
    if (dependency.class.data !== true) continue;
    found.set(
      `${"claim" in dependency.class ? dependency.class.claim.kind : "PersistentVolumeClaim"}\u0000${dependencyObjectName(service as NonNullable<typeof service>, dependency.name)}`,
      `dependency ${dependency.name} (class ${dependency.type}/${dependency.size}) holds data: deleting its claim deletes it`,
    );
  }
  return found;
}

function whyItMatters(object: ObjectChange, data: ReadonlyMap<string, string>): string | undefined {
  if (object.kind === "Namespace") return NAMESPACE_REASON;
  if (object.kind === "PersistentVolumeClaim") return VOLUME_REASON;
  return data.get(`${object.kind}\u0000${object.name}`);
}

/** "4 Namespaces and 2 data claims deleted in dev; 1 data claim deleted in staging and prod; 80 of dev's 93 objects deleted (86 %)". */
export function describeDestruction(destruction: Destruction): string {
  const byWhat = new Map<string, string[]>();
  for (const environment of new Set(destruction.objects.map((o) => o.environment))) {
    const counts = new Map<string, number>();
    for (const object of destruction.objects.filter((o) => o.environment === environment)) {
      const noun =
        object.kind === "Namespace" || object.kind === "PersistentVolumeClaim" ? object.kind : "data claim";
      counts.set(noun, (counts.get(noun) ?? 0) + 1);
    }
    const what = joinAnd([...counts].map(([noun, count]) => plural(count, noun)));
    byWhat.set(what, [...(byWhat.get(what) ?? []), environment]);
  }
  const parts = [...byWhat].map(([what, environments]) => `${what} deleted in ${joinAnd(environments)}`);
  for (const mass of destruction.massRemovals)
    parts.push(`${mass.removed} of ${mass.environment}'s ${mass.total} objects deleted (${percent(mass)} %)`);
  return parts.join("; ");
}

/** The share of an environment's objects a mass removal deletes, in whole percent. */
export function percent(mass: MassRemoval): number {
  return Math.round((mass.removed * 100) / Math.max(1, mass.total));
}

/** "a", "a and b", "a, b and c". */
function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** What is acknowledged where: the targets an exception may name for each destroyed thing. */
export function destructionTargets(
  destruction: Destruction,
  environmentFile: (environment: string) => string,
): { environment: string; targets: string[] }[] {
  const found = destruction.objects.map((object) => ({
    environment: object.environment,
    targets: [
      environmentFile(object.environment),
      ...(object.manifest === PLATFORM_PLAN ? [] : [`services/${object.manifest}/service.yaml`]),
    ],
  }));
  for (const mass of destruction.massRemovals)
    found.push({ environment: mass.environment, targets: [environmentFile(mass.environment)] });
  return found;
}
