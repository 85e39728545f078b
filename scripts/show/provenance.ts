import type { LoadedDocument, ValuePath } from "../model/document.js";
import { type Origin, originOf } from "../model/merge.js";
import type { EnvironmentModel, ResolvedService } from "../model/resolved.js";

/** Where a shown value was set: a file, line and column, and which layer of the merge that is. */
export interface Source {
  /** Absent for a built-in default, which no file sets. */
  file?: string;
  line?: number;
  column?: number;
  /**
   * "environment default" (the environment's `spec.defaults`, or for
   * observability values its `spec.observability`), "service spec",
   * "override spec.environments.<env>", "metadata", "environment" (set by the
   * environment itself, not its defaults) or "built-in default".
   */
  layer: string;
  /** How the value was derived from the one at `file:line`, when it is not that value as written. */
  note?: string;
}

/** One value of a resolved service with where it came from: a scalar, a mapping or a list (lists are set whole). */
export type ShownNode =
  | { kind: "scalar"; value: string | number | boolean; source?: Source }
  | { kind: "map"; entries: [string, ShownNode][]; source?: Source }
  | { kind: "list"; items: ShownNode[]; source?: Source };

/** What the provenance of a resolved service is read from. */
export interface ProvenanceInput {
  service: ResolvedService;
  environment: EnvironmentModel;
  /** The schema-valid documents by file, to turn value paths into lines. */
  documents: ReadonlyMap<string, LoadedDocument>;
  /** Hides what the policy flagged as a credential (SEC004). */
  redact: (value: string) => string;
}

const BUILT_IN: Source = { layer: "built-in default" };

/**
 * The resolved service as a tree of values, each with the file and line that
 * set it. The origins are the merge's own (`ResolvedService.origins`, kept
 * by mergeLayers), so what is shown is what resolve did; values that no
 * layer sets are the resolver's built-in defaults, and the few it derives
 * (the `port` shorthand, a memory limit taken from the request, a
 * dependency's default size) say so.
 */
export function showService(input: ProvenanceInput): ShownNode {
  const { service, environment } = input;
  const at = locator(input);
  const setting = (dotted: string): Source | undefined => {
    const origin = originOf(service.origins, dotted);
    return origin ? at(origin.file, origin.path, layerOf(origin, environment.name)) : undefined;
  };
  const leaf = (
    dotted: string,
    value: string | number | boolean,
    fallback: Source = BUILT_IN,
  ): ShownNode => ({
    kind: "scalar",
    value,
    source: setting(dotted) ?? fallback,
  });
  const entries: [string, ShownNode][] = [];
  const add = (key: string, node: ShownNode | undefined) => {
    if (node) entries.push([key, node]);
  };
  const meta = (key: string, value: string) =>
    scalar(value, at(service.file, ["metadata", key], "metadata") ?? BUILT_IN);

  add("name", meta("name", service.name));
  add("team", meta("team", service.team));
  add("tier", meta("tier", service.tier));
  if (service.description !== "") add("description", meta("description", service.description));
  add("environment", scalar(service.environment, at(environment.file, ["metadata", "name"], "environment")));
  add(
    "namespace",
    scalar(
      service.namespace,
      at(environment.file, ["spec", "namespace"], "environment", "its namespace template, filled in") ??
        BUILT_IN,
    ),
  );
  add("type", scalar(service.type, at(service.file, ["spec", "type"], "service spec")));
  add("image", leaf("image", service.image));
  if (service.command)
    add(
      "command",
      list(
        service.command.map((c) => plain(c)),
        setting("command"),
      ),
    );
  if (service.args)
    add(
      "args",
      list(
        service.args.map((a) => plain(a)),
        setting("args"),
      ),
    );
  if (service.ports.length > 0) add("ports", ports(service, setting));
  if (service.route) {
    add("route", {
      kind: "map",
      entries: [
        ["host", leaf("route.host", service.route.host)],
        ["path", leaf("route.path", service.route.path)],
      ],
    });
  }
  if (service.schedule !== undefined) add("schedule", leaf("schedule", service.schedule));
  if (service.replicas !== undefined) add("replicas", leaf("replicas", service.replicas));
  if (service.autoscale) {
    const { min, max, cpu } = service.autoscale;
    add("autoscale", {
      kind: "map",
      entries: [
        ["min", leaf("autoscale.min", min)],
        ["max", leaf("autoscale.max", max)],
        ["cpu", leaf("autoscale.cpu", cpu)],
      ],
    });
  }
  add("resources", resources(service, setting));
  if (Object.keys(service.env).length > 0) {
    add("env", {
      kind: "map",
      entries: Object.entries(service.env).map(([k, v]) => [k, leaf(`env.${k}`, input.redact(v))]),
    });
  }
  // A secret is shown by its reference in the store (path#key): its name, never a value.
  if (Object.keys(service.secrets).length > 0) {
    add("secrets", {
      kind: "map",
      entries: Object.entries(service.secrets).map(([k, v]) => [k, leaf(`secrets.${k}`, v)]),
    });
  }
  const probes = Object.entries(service.probes).filter(([, probe]) => probe !== undefined);
  if (probes.length > 0) {
    add("probes", {
      kind: "map",
      entries: probes.map(([name, probe]) => [name, tree(probe, `probes.${name}`, setting)]),
    });
  }
  if (service.expose) add("expose", leaf("expose", service.expose));
  if (service.terminationGracePeriodSeconds !== undefined)
    add(
      "terminationGracePeriodSeconds",
      leaf("terminationGracePeriodSeconds", service.terminationGracePeriodSeconds),
    );
  // Lists carry their origin as a whole (a list is replaced, never merged, by an override).
  // Container env and file contents pass the same redaction as env: they may hold what SEC004 flags.
  const redactEnv = (c: ResolvedService["sidecars"][number]) => ({
    ...c,
    env: Object.fromEntries(Object.entries(c.env).map(([k, v]) => [k, input.redact(v)])),
  });
  const lists = {
    initContainers: service.initContainers.map(redactEnv),
    sidecars: service.sidecars.map(redactEnv),
    volumes: service.volumes,
    files: service.files.map((f) => ({ ...f, content: input.redact(f.content) })),
    egress: service.egress,
  };
  for (const [key, value] of Object.entries(lists)) {
    if (value.length > 0) add(key, tree(value, key, setting));
  }
  if (service.calls.length > 0) add("calls", list(service.calls.map(plain), setting("calls")));
  if (service.dependencies.length > 0) add("dependencies", dependencies(input, setting, at));
  // Values the service does not set come from the environment's observability block (interval,
  // window, the tier's objectives) when it has them, else from the resolver's built-in defaults.
  // A worker's metrics port is written as a number (containerPort) and named "metrics" by the platform.
  const fromEnvironment = observabilityDefaults(service, environment, at);
  const ownSetting: Setting =
    service.observability.containerPort === undefined
      ? setting
      : (dotted) =>
          dotted === "observability.metrics.port"
            ? undefined
            : setting(dotted === "observability.containerPort" ? "observability.metrics.port" : dotted);
  const observabilitySetting: Setting = (dotted) => ownSetting(dotted) ?? fromEnvironment(dotted);
  add("observability", tree(service.observability, "observability", observabilitySetting));
  return { kind: "map", entries };
}

type Setting = (dotted: string) => Source | undefined;

/**
 * Where the environment's observability block sets a value a service left
 * unset (resolveObservability reads the same keys): the scrape interval, the
 * SLO window and the objectives of the service's tier.
 */
function observabilityDefaults(service: ResolvedService, environment: EnvironmentModel, at: Locate): Setting {
  const defaults = environment.spec.observability;
  const tier = defaults?.objectives?.[service.tier];
  const paths: Record<string, { set: boolean; path: ValuePath }> = {
    "observability.metrics.interval": { set: defaults?.interval !== undefined, path: ["interval"] },
    "observability.slo.window": { set: defaults?.window !== undefined, path: ["window"] },
    "observability.slo.availability": {
      set: tier?.availability !== undefined,
      path: ["objectives", service.tier, "availability"],
    },
    "observability.slo.latency.threshold": {
      set: tier?.latency !== undefined,
      path: ["objectives", service.tier, "latency", "threshold"],
    },
    "observability.slo.latency.objective": {
      set: tier?.latency !== undefined,
      path: ["objectives", service.tier, "latency", "objective"],
    },
  };
  return (dotted) => {
    const found = paths[dotted];
    return found?.set
      ? at(environment.file, ["spec", "observability", ...found.path], "environment default")
      : undefined;
  };
}
type Locate = (file: string, path: ValuePath, layer: string, note?: string) => Source | undefined;

function locator(input: ProvenanceInput): Locate {
  return (file, path, layer, note) => {
    const doc = input.documents.get(file);
    if (!doc) return undefined;
    const { line, column } = doc.locate(path, "value");
    return { file, line, column, layer, ...(note ? { note } : {}) };
  };
}

/** The merge layer an origin's path lies in (see resolveService: defaults, spec, override). */
function layerOf(origin: Origin, environment: string): string {
  const [first, second, third] = origin.path;
  if (first === "spec" && second === "defaults") return "environment default";
  if (first === "spec" && second === "environments" && third === environment)
    return `override spec.environments.${environment}`;
  return "service spec";
}

function scalar(value: string | number | boolean, source: Source | undefined): ShownNode {
  return { kind: "scalar", value, ...(source ? { source } : {}) };
}

function plain(value: string | number | boolean): ShownNode {
  return { kind: "scalar", value };
}

function list(items: ShownNode[], source: Source | undefined): ShownNode {
  return { kind: "list", items, ...(source ? { source } : {}) };
}

/** A value set whole by one layer (a probe written as a path), or a mapping whose leaves each have an origin. */
function tree(value: unknown, dotted: string, setting: Setting): ShownNode {
  if (Array.isArray(value))
    return list(
      value.map((item) => untracked(item)),
      setting(dotted),
    );
  if (typeof value === "object" && value !== null) {
    return {
      kind: "map",
      entries: Object.entries(value).map(([k, v]) => [k, tree(v, `${dotted}.${k}`, setting)]),
    };
  }
  return scalar(value as string | number | boolean, setting(dotted) ?? BUILT_IN);
}

/** Part of a list: the list as a whole carries the origin. */
function untracked(value: unknown): ShownNode {
  if (Array.isArray(value)) return { kind: "list", items: value.map(untracked) };
  if (typeof value === "object" && value !== null)
    return { kind: "map", entries: Object.entries(value).map(([k, v]) => [k, untracked(v)]) };
  return plain(value as string | number | boolean);
}

function ports(service: ResolvedService, setting: Setting): ShownNode {
  const full = setting("ports");
  const shorthand = setting("port");
  const source =
    full ??
    (shorthand ? { ...shorthand, note: "the port shorthand: container port N behind port 80" } : undefined);
  return list(
    service.ports.map((p) =>
      untracked({ name: p.name, port: p.port, targetPort: p.targetPort, protocol: p.protocol }),
    ),
    source,
  );
}

function resources(service: ResolvedService, setting: Setting): ShownNode {
  const { cpu, memory, limits } = service.resources;
  const leaf = (dotted: string, value: string, fallback: Source = BUILT_IN): ShownNode =>
    scalar(value, setting(dotted) ?? fallback);
  const limitEntries: [string, ShownNode][] = [];
  if (limits.cpu !== undefined) limitEntries.push(["cpu", leaf("resources.limits.cpu", limits.cpu)]);
  // Without a memory limit, the limit is the request: shown with where the request was set.
  const request = setting("resources.memory");
  limitEntries.push([
    "memory",
    leaf(
      "resources.limits.memory",
      limits.memory,
      request ? { ...request, note: "the memory request, as no limit is set" } : BUILT_IN,
    ),
  ]);
  return {
    kind: "map",
    entries: [
      ["cpu", leaf("resources.cpu", cpu)],
      ["memory", leaf("resources.memory", memory)],
      ["limits", { kind: "map", entries: limitEntries }],
    ],
  };
}

function dependencies(input: ProvenanceInput, setting: Setting, at: Locate): ShownNode {
  const { service, environment } = input;
  return {
    kind: "map",
    entries: service.dependencies.map((d) => {
      const classPath = ["spec", "dependencyClasses", d.type, d.size];
      const sizeSource =
        setting(`dependencies.${d.name}.size`) ??
        at(environment.file, classPath, "environment", "the class's default size");
      const claim =
        "claim" in d.class ? `${d.class.claim.apiVersion}/${d.class.claim.kind}` : "v1/PersistentVolumeClaim";
      return [
        d.name,
        {
          kind: "map",
          entries: [
            ["type", scalar(d.type, setting(`dependencies.${d.name}.type`))],
            ["size", scalar(d.size, sizeSource)],
            ["claim", scalar(claim, at(environment.file, [...classPath, "claim"], "environment"))],
          ],
        },
      ];
    }),
  };
}
