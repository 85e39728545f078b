import { ToolError } from "../errors.js";
import type { EnvironmentModel, ResolvedService } from "../model/resolved.js";
import type { RenderContext } from "../render/context.js";
import type { KubeObject } from "../render/kube-object.js";
import { renderPlatform } from "../render/platform/platform-chart.js";
import { MANIFEST_FILE, PLATFORM_FOLDER } from "../render/render-jobs.js";
import { type RenderKeys, type ResolvedSide, renderKeys } from "../render/render-keys.js";
import { serializeObjects } from "../render/serialize.js";
import { renderService } from "../render/service/service-chart.js";
import { compareObjects } from "./compare-objects.js";
import { manifestDiff } from "./manifest-diff.js";
import type { EnvironmentPlan, ServicePlan } from "./plan.js";

/** One side's render of one manifest. */
interface Rendered {
  objects: KubeObject[];
  text: string;
}

/**
 * Renders what can differ between the base and the head, and only that: per
 * environment, the services whose render key differs (renderKeys) and the
 * platform objects when theirs does, each on both sides where it exists.
 * Manifests that render to the same bytes after all are left out. Returns the
 * environments with changes, in the head's promotion order (environments only
 * the base has come last).
 */
export function renderChanges(base: ResolvedSide, head: ResolvedSide): EnvironmentPlan[] {
  const standIns = sharedStandIns(base, head);
  const baseKeys = renderKeys(base, "", standIns);
  const headKeys = renderKeys(head, "", standIns);
  const names = [
    ...head.environments.map((e) => e.name),
    ...base.environments.map((e) => e.name).filter((n) => !head.environments.some((e) => e.name === n)),
  ];
  const plans: EnvironmentPlan[] = [];
  for (const name of names) {
    const services = planEnvironment(name, { side: base, keys: baseKeys }, { side: head, keys: headKeys });
    if (services.length > 0) plans.push({ name, services });
  }
  return plans;
}

/**
 * A stand-in digest for each service object both sides hold (resolveBaseFromHead
 * reuses every unchanged one): it renders the same on both, so its settings
 * need not be serialized and hashed to find that out (3,000 of them in a
 * one-service change to 1,000 services in 3 environments). A side holds one
 * service per environment and name, so an object on both is at the same place
 * on both; none of these stand-ins is a sha256 hex digest, which the others are.
 */
function sharedStandIns(base: ResolvedSide, head: ResolvedSide): Map<ResolvedService, string> {
  const inHead = new Set(head.services);
  const standIns = new Map<ResolvedService, string>();
  for (const service of base.services) {
    if (inHead.has(service)) standIns.set(service, `shared ${standIns.size}`);
  }
  return standIns;
}

interface KeyedSide {
  side: ResolvedSide;
  keys: RenderKeys;
}

function planEnvironment(name: string, base: KeyedSide, head: KeyedSide): ServicePlan[] {
  const before = renderer(base.side, name);
  const after = renderer(head.side, name);
  const plans: ServicePlan[] = [];
  if (base.keys.platform.get(name) !== head.keys.platform.get(name)) {
    const plan = planManifest(name, PLATFORM_FOLDER, before?.platform(), after?.platform());
    if (plan) plans.push(plan);
  }
  const old = base.keys.services.get(name) ?? new Map<string, string>();
  const now = head.keys.services.get(name) ?? new Map<string, string>();
  const services = [...now.keys(), ...[...old.keys()].filter((s) => !now.has(s))];
  for (const service of services) {
    if (old.get(service) === now.get(service)) continue;
    const plan = planManifest(
      name,
      service,
      old.has(service) ? before?.service(service) : undefined,
      now.has(service) ? after?.service(service) : undefined,
    );
    if (plan) plans.push(plan);
  }
  return plans;
}

function planManifest(
  environment: string,
  name: string,
  before: Rendered | undefined,
  after: Rendered | undefined,
): ServicePlan | undefined {
  if (!before && !after) return undefined;
  if (before && after && before.text === after.text) return undefined;
  const file = `manifests/${environment}/${name}/${MANIFEST_FILE}`;
  return {
    name,
    status: !before ? "added" : !after ? "removed" : "changed",
    objects: compareObjects(before?.objects ?? [], after?.objects ?? []),
    diff: manifestDiff(file, before?.text, after?.text),
  };
}

/** Renders services and platform objects of one environment of one side, on demand. */
function renderer(side: ResolvedSide, name: string) {
  const environment: EnvironmentModel | undefined = side.environments.find((e) => e.name === name);
  if (!environment) return undefined;
  const context: RenderContext = {
    environment,
    services: side.services.filter((s) => s.environment === name),
    teams: side.teams,
  };
  const byName = new Map(context.services.map((s) => [s.name, s]));
  return {
    platform: (): Rendered => guarded(`the platform objects of ${name}`, () => file(renderPlatform(context))),
    service: (service: string): Rendered | undefined => {
      const resolved = byName.get(service);
      return resolved
        ? guarded(`${service} in ${name}`, () => file(renderService(resolved, context)))
        : undefined;
    },
  };
}

function file(objects: KubeObject[]): Rendered {
  return { objects, text: serializeObjects(objects) };
}

// Input reaching render is valid (both sides were validated): a throw is a bug in the platform.
function guarded<T>(what: string, render: () => T): T {
  try {
    return render();
  } catch (cause) {
    if (cause instanceof ToolError) throw cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ToolError(`rendering ${what} failed: ${reason}`, { cause });
  }
}

/**
 * How many objects one side renders in an environment (its platform objects
 * and every service): what a mass removal is measured against. Renders the
 * whole environment, so the plan asks only where the change deletes objects.
 */
export function countObjects(side: ResolvedSide, environment: string): number {
  const render = renderer(side, environment);
  if (!render) return 0;
  const services = side.services.filter((s) => s.environment === environment);
  return (
    render.platform().objects.length +
    services.reduce((sum, s) => sum + (render.service(s.name)?.objects.length ?? 0), 0)
  );
}
