import { closestName } from "../model/names.js";
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

/** The resolved service's fields that are settings (its name, file and environment are where it is, not how). */
type SettingKey = Exclude<keyof ResolvedService, "name" | "environment" | "file" | "origins">;

/**
 * Settings that only some workload kinds have. Resolve still gives a cron
 * job the environment's default replicas, but no CronJob runs replicas: the
 * audit never reports them for it.
 */
const ONLY_FOR: Partial<Record<SettingKey, readonly ResolvedService["type"][]>> = {
  replicas: ["web", "worker"],
  autoscale: ["web", "worker"],
  schedule: ["cron"],
  ports: ["web"],
  route: ["web"],
  expose: ["web"],
};

/** Lists most services leave empty: an empty one is not shown as a setting, as if absent. */
const OPTIONAL_LISTS: ReadonlySet<SettingKey> = new Set([
  "initContainers",
  "sidecars",
  "volumes",
  "files",
  "egress",
]);

/**
 * The settings of a resolved service that the audit tracks (its file and
 * origins are not settings), as far as they apply to its kind. Shares the
 * resolved service's values: resolve builds fresh objects for every
 * (service, environment), and nothing here changes them.
 */
export function settingsOf(service: ResolvedService): ServiceSettings {
  const settings: Record<SettingKey, unknown> = {
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
    expose: service.expose,
    schedule: service.schedule,
    replicas: service.replicas,
    autoscale: service.autoscale,
    resources: service.resources,
    env: service.env,
    secrets: service.secrets,
    probes: service.probes,
    terminationGracePeriodSeconds: service.terminationGracePeriodSeconds,
    initContainers: service.initContainers,
    sidecars: service.sidecars,
    volumes: service.volumes,
    files: service.files,
    egress: service.egress,
    calls: service.calls,
    observability: service.observability,
    dependencies: Object.fromEntries(
      service.dependencies.map(
        (d) => [d.name, { type: d.type, size: d.size, ...(d.path ? { path: d.path } : {}) }] as const,
      ),
    ),
  };
  for (const key of Object.keys(settings) as SettingKey[]) {
    const value = settings[key];
    const absent =
      value === undefined || (OPTIONAL_LISTS.has(key) && Array.isArray(value) && value.length === 0);
    if (absent || ONLY_FOR[key]?.includes(service.type) === false) delete settings[key];
  }
  return settings as ServiceSettings;
}

/** What a settings path may continue with: nothing (one value), anything, named keys, or any key (`*`). */
type FieldShape = "value" | "anything" | { readonly [key: string]: FieldShape };

const PROBE: FieldShape = "anything";

/**
 * Every settings path `--field` may name, shaped like `settingsOf`'s output
 * (lists are one value: they are compared whole), plus `name`, which a
 * rename changes. Typed by the resolved service, so a new setting cannot be
 * left out.
 */
const SETTING_FIELDS: Record<SettingKey | "name", FieldShape> = {
  name: "value",
  team: "value",
  tier: "value",
  description: "value",
  type: "value",
  namespace: "value",
  image: "value",
  command: "value",
  args: "value",
  ports: "value",
  route: { host: "value", path: "value" },
  expose: "value",
  schedule: "value",
  replicas: "value",
  autoscale: { min: "value", max: "value", cpu: "value" },
  resources: { cpu: "value", memory: "value", limits: { cpu: "value", memory: "value" } },
  env: { "*": "value" },
  secrets: { "*": "value" },
  probes: { readiness: PROBE, liveness: PROBE },
  terminationGracePeriodSeconds: "value",
  initContainers: "value",
  sidecars: "value",
  volumes: "value",
  files: "value",
  egress: "value",
  calls: "value",
  observability: {
    metrics: { port: "value", path: "value", interval: "value" },
    containerPort: "value",
    protocol: "value",
    sli: { duration: "value", errorLabel: "value", errorValues: "value" },
    slo: { availability: "value", latency: { threshold: "value", objective: "value" }, window: "value" },
    runbook: "value",
    severity: "value",
  },
  dependencies: { "*": { type: "value", size: "value", path: "value" } },
};

/**
 * Checks a `--field` path against the settings a resolved service has;
 * returns what is wrong with it (with the closest field), or undefined.
 */
export function checkFieldPath(path: string): string | undefined {
  const segments = path.split(".");
  let shape: FieldShape = SETTING_FIELDS;
  for (const [index, segment] of segments.entries()) {
    const here = segments.slice(0, index).join(".");
    if (shape === "anything") return undefined;
    if (shape === "value") return `"${here}" is one value, with no fields under it: use --field ${here}`;
    if (segment === "") return "a field path is names joined by single dots, such as resources.cpu";
    const named: { readonly [key: string]: FieldShape } = shape;
    const next = named[segment] ?? named["*"];
    if (next === undefined) {
      const known = Object.keys(named);
      const suggestion = closestName(segment, known);
      const full = (name: string) => (here === "" ? name : `${here}.${name}`);
      return (
        `unknown field "${full(segment)}"` +
        (suggestion
          ? `; did you mean "${full(suggestion)}"?`
          : `; the fields${here ? ` of ${here}` : ""} are ${known.join(", ")}`)
      );
    }
    shape = next;
  }
  return undefined;
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
