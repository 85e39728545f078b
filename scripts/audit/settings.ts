import type { ResolvedService } from "../model/resolved.js";

/** A JSON value as the audit compares it. */
export type SettingValue =
  | string
  | number
  | boolean
  | null
  | SettingValue[]
  | { [key: string]: SettingValue };

/**
 * What one service runs with in one environment, after resolution: the
 * fields people change and ask about, as plain data keyed like the
 * service file (`image`, `replicas`, `resources.cpu`, `env.LOG_LEVEL` ...).
 */
export type ServiceSettings = { [key: string]: SettingValue };

/** One field that differs; `before`/`after` are null where the field is absent. */
export interface FieldChange {
  /** Dotted settings path: `image`, `resources.limits.memory`, `env.LOG_LEVEL`. */
  field: string;
  before: SettingValue;
  after: SettingValue;
}

/**
 * The settings of a resolved service that the audit tracks (its file and
 * origins are not settings). Shares the resolved service's values: resolve
 * builds fresh objects for every (service, environment), and nothing here
 * changes them.
 */
export function settingsOf(service: ResolvedService): ServiceSettings {
  const settings: Record<string, unknown> = {
    team: service.team,
    tier: service.tier,
    description: service.description,
    type: service.type,
    namespace: service.namespace,
    image: service.image,
    command: service.command,
    args: service.args,
    ports: service.ports,
    route: service.route,
    schedule: service.schedule,
    replicas: service.replicas,
    autoscale: service.autoscale,
    resources: service.resources,
    env: service.env,
    secrets: service.secrets,
    probes: service.probes,
    calls: service.calls,
    dependencies: Object.fromEntries(
      service.dependencies.map((d) => [d.name, { type: d.type, size: d.size }] as const),
    ),
  };
  for (const key of Object.keys(settings)) if (settings[key] === undefined) delete settings[key];
  return settings as ServiceSettings;
}

/**
 * The fields that differ between two settings, in a stable order (the
 * order of `settingsOf`, then keys sorted). Mappings are compared key by
 * key; lists are one value (`calls`, `ports`, `command`), shown whole.
 */
export function diffSettings(before: ServiceSettings, after: ServiceSettings): FieldChange[] {
  const changes: FieldChange[] = [];
  walk(before, after, "", changes);
  return changes;
}

function walk(
  before: SettingValue | undefined,
  after: SettingValue | undefined,
  path: string,
  out: FieldChange[],
) {
  if (isMapping(before) && isMapping(after)) {
    const keys = [...Object.keys(before)];
    for (const key of Object.keys(after)) if (!(key in before)) keys.push(key);
    for (const key of keys) walk(before[key], after[key], path === "" ? key : `${path}.${key}`, out);
    return;
  }
  if (sameValue(before, after)) return;
  // A mapping that appears or disappears is shown leaf by leaf, so --field matches inside it.
  if (isMapping(before) && after === undefined) return walk(before, {}, path, out);
  if (isMapping(after) && before === undefined) return walk({}, after, path, out);
  out.push({ field: path, before: before ?? null, after: after ?? null });
}

function isMapping(value: SettingValue | undefined): value is { [key: string]: SettingValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function sameValue(a: SettingValue | undefined, b: SettingValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** True when `field` is `prefix` or inside it, by whole path segments (`resources` matches `resources.cpu`). */
export function fieldMatches(field: string, prefix: string): boolean {
  return field === prefix || field.startsWith(`${prefix}.`);
}
