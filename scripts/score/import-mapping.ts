import type { ValuePath } from "../model/document.js";
import type { Container, File, Port, Probe } from "../model/types.generated.js";
import { classForScoreType, type DependencyCatalog } from "./dependency-catalog.js";
import { IDP_ANNOTATIONS, orderSpec, SPEC_KEYS } from "./idp-annotations.js";
import { probeContainerPort } from "./probe-port.js";
import { Refusals } from "./refusals.js";
import { formatOurValue, parseScoreValue, type ValuePart } from "./score-placeholders.js";
import type {
  ScoreContainer,
  ScoreFile,
  ScoreHttpGet,
  ScoreProbe,
  ScoreResource,
  ScoreServicePort,
  ScoreWorkload,
} from "./score-types.js";

/** What importing needs besides the Score file. */
export interface ImportContext {
  /** The owning team (--team); else the file's idp/team annotation. */
  team?: string;
  /** The dependency classes the environments define. */
  catalog: DependencyCatalog;
}

/** A service document (apiVersion, kind, metadata, spec) built from a Score file, or why not. */
export interface ImportMapping {
  service: {
    apiVersion: "idp/v1";
    kind: "Service";
    metadata: Record<string, unknown>;
    spec: Record<string, unknown>;
  };
  refusals: Refusals;
}

/** What a Score resource became, for the `${resources.NAME.OUTPUT}` placeholders that use it. */
type MappedResource =
  | { kind: "call"; name: string }
  | { kind: "dependency"; name: string; type: string }
  | { kind: "route" }
  | { kind: "refused" };

/** The state one import builds up while walking the tables below. */
interface Mapping {
  readonly score: ScoreWorkload;
  readonly context: ImportContext;
  readonly refusals: Refusals;
  readonly metadata: Record<string, unknown>;
  readonly spec: Record<string, unknown>;
  readonly resources: Map<string, MappedResource>;
}

/** How one Score field maps: `imports` names where it goes (for docs/score.md), `apply` does it. */
interface FieldRule<T> {
  imports: string;
  apply: (m: Mapping, value: NonNullable<T>, path: ValuePath) => void;
}

const SERVICE_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SIZE_NAME = /^[a-z][-a-z0-9]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PORT_NAME = /^(?=.*[a-z])(?!.*--)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const HEADER_VALUE = /^[\t\x20-\x7e]{0,1024}$/;
const PINNED_IMAGE = /(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/;

/** Score's placeholders for a called service, and ours they become. */
const CALL_OUTPUTS: Readonly<Record<string, string>> = {
  name: "host",
  host: "host",
  hostname: "host",
  port: "port",
  address: "address",
  url: "url",
};

// ---------------------------------------------------------------------------
// The tables: every Score field, in the order of the pinned schema.

/** Top-level fields of a Score workload (apiVersion is checked by the schema). */
export const WORKLOAD_FIELDS: { [K in keyof ScoreWorkload]-?: FieldRule<ScoreWorkload[K]> } = {
  apiVersion: { imports: "checked (score.dev/v1b1)", apply: () => {} },
  metadata: { imports: "metadata (below)", apply: (m, value) => mapMetadata(m, value) },
  service: {
    imports: "spec.port or spec.ports (below); spec.type web when present, else worker",
    apply: (m, value) => mapPorts(m, value.ports ?? {}),
  },
  resources: {
    imports: "spec.dependencies, spec.calls, spec.route (below)",
    apply: (m, value) => mapResources(m, value),
  },
  containers: {
    imports:
      "the main container (the first one no other container's before names; below), and each other one as spec.initContainers (named in the main container's before with ready complete) or spec.sidecars (the rest, in file order)",
    apply: (m, value) => mapContainers(m, value),
  },
};

/** Fields of the one container. */
export const CONTAINER_FIELDS: { [K in keyof ScoreContainer]-?: FieldRule<ScoreContainer[K]> } = {
  image: {
    imports: "spec.image (a tag or digest is required)",
    apply: (m, image, path) => {
      if (pinnedImage(m, image, path)) m.spec.image = image;
    },
  },
  command: {
    imports: "spec.command",
    apply: (m, command) => {
      if (command.length > 0) m.spec.command = command;
    },
  },
  args: {
    imports: "spec.args",
    apply: (m, args) => {
      m.spec.args = args;
    },
  },
  variables: {
    imports: "spec.env (placeholders mapped)",
    apply: (m, variables, path) => mapVariables(m, variables, path),
  },
  files: {
    imports:
      "spec.files: inline content (placeholders refused unless noExpand: true; $$ is a $); source, binaryContent and mode refused",
    apply: (m, files, path) => mapFiles(m, files, path),
  },
  volumes: {
    imports:
      "refused (a Score volume is whatever the provisioner makes, often persistent; spec.volumes are scratch directories emptied with the pod, with a size limit Score does not give)",
    apply: (m, _v, path) => refuseVolumes(m, path),
  },
  before: {
    imports:
      "the main container's: ready complete → spec.initContainers, started → spec.sidecars; healthy refused",
    apply: () => {}, // read by mapContainers, which sorts the other containers by it
  },
  resources: {
    imports: "spec.resources: requests → cpu/memory, limits → limits",
    apply: (m, value) => {
      const resources = containerResources(value);
      if (Object.keys(resources).length > 0) m.spec.resources = resources;
    },
  },
  livenessProbe: {
    imports: "spec.probes.liveness",
    apply: (m, probe, path) => mapProbe(m, "liveness", probe, path),
  },
  readinessProbe: {
    imports: "spec.probes.readiness",
    apply: (m, probe, path) => mapProbe(m, "readiness", probe, path),
  },
};

/** Fields of an httpGet probe. */
export const HTTP_GET_FIELDS: { [K in keyof ScoreHttpGet]-?: string } = {
  path: "http.path (a string probe when the port is the first port)",
  port: "http.port",
  scheme: "HTTP imports; HTTPS refused",
  host: "refused (the platform probes the pod itself)",
  httpHeaders: "http.headers (names unique, values printable ASCII)",
};

/** Fields of a resource, for resources mapped to a dependency class. */
export const RESOURCE_FIELDS: { [K in keyof ScoreResource]-?: string } = {
  type: "the dependency class (or service, route: below)",
  class: "dependencies.NAME.size (default → no size)",
  id: "refused (dependencies belong to one service; none are shared)",
  metadata: "annotations dropped with a warning",
  params: "refused for dependency classes (the environment's class decides); host, path, port of a route",
};

/**
 * Score resource types with a meaning of their own; any other type is a
 * dependency class when every environment defines it (or an alias of one:
 * SCORE_TYPE_ALIASES).
 */
export const RESOURCE_TYPES: Readonly<Record<string, FieldRule<ScoreResource> & { output?: string }>> = {
  service: {
    imports: "spec.calls (the resource name is the called service)",
    apply: (m, resource, path) => {
      const name = String(path.at(-1));
      if (!DNS_LABEL.test(name) || name.length > 40) {
        m.refusals.refuse(
          path,
          `resource ${name} names a called service, which must be a service name of at most 40 characters`,
        );
        return void m.resources.set(name, { kind: "refused" });
      }
      for (const field of ["class", "id", "params"] as const)
        if (resource[field] !== undefined)
          m.refusals.refuse(
            [...path, field],
            `a service resource has no ${field} here: the resource name is the called service`,
            `remove ${field}`,
          );
      mapResourceMetadata(m, resource, path);
      m.spec.calls = [...((m.spec.calls as string[] | undefined) ?? []), name];
      m.resources.set(name, { kind: "call", name });
    },
  },
  route: {
    imports: "spec.route: params.host (a host name), params.path, params.port (the first HTTP port)",
    apply: (m, resource, path) => mapRoute(m, resource, path),
  },
  dns: {
    imports: "refused (the platform does not make up host names: give the route a host)",
    apply: (m, _r, path) => {
      m.refusals.refuse(
        [...path, "type"],
        "Score resource type dns is not supported: the platform does not make up host names",
        "write the host name into the route resource's params.host and remove this resource",
      );
      m.resources.set(String(path.at(-1)), { kind: "refused" });
    },
  },
  volume: {
    imports: "refused (see containers.*.volumes: a provisioner-defined volume is not a scratch directory)",
    apply: (m, _r, path) => {
      refuseVolumes(m, [...path, "type"]);
      m.resources.set(String(path.at(-1)), { kind: "refused" });
    },
  },
  environment: {
    imports: "refused (write the values as variables, or as secrets through idp/settings)",
    apply: (m, _r, path) => {
      m.refusals.refuse(
        [...path, "type"],
        "Score resource type environment is not supported: a service's values are in its file, not in the environment",
        "write the values into variables",
      );
      m.resources.set(String(path.at(-1)), { kind: "refused" });
    },
  },
  "service-port": {
    imports: "refused (declare a resource of type service named after the workload)",
    apply: (m, _r, path) => {
      m.refusals.refuse(
        [...path, "type"],
        "Score resource type service-port is not supported",
        "declare a resource of type service named after the called workload, and use ${resources.NAME.host} and ${resources.NAME.port}",
      );
      m.resources.set(String(path.at(-1)), { kind: "refused" });
    },
  },
};

// ---------------------------------------------------------------------------

/**
 * Maps one Score workload (already valid against the pinned schema) to a
 * service document. Whatever has no counterpart is refused at its path, so
 * the caller can point at it in the Score file; a result with refusals of
 * severity error must not be written.
 */
export function mapScoreToService(score: ScoreWorkload, context: ImportContext): ImportMapping {
  const m: Mapping = {
    score,
    context,
    refusals: new Refusals(),
    metadata: { name: score.metadata.name },
    spec: {},
    resources: new Map(),
  };
  // Resources and ports first: variables and probes refer to them.
  for (const key of ["metadata", "service", "resources", "containers"] as const) {
    applyRule(WORKLOAD_FIELDS[key] as FieldRule<unknown>, m, score[key], [key]);
  }
  m.spec.type = score.service?.ports && Object.keys(score.service.ports).length > 0 ? "web" : "worker";
  applySettings(m);
  const metadata: Record<string, unknown> = {};
  for (const key of ["name", "team", "description", "tier"])
    if (m.metadata[key] !== undefined) metadata[key] = m.metadata[key];
  return {
    service: { apiVersion: "idp/v1", kind: "Service", metadata, spec: orderSpec(m.spec) },
    refusals: m.refusals,
  };
}

/** Applies a table rule to a value that is present. */
function applyRule(rule: FieldRule<unknown>, m: Mapping, value: unknown, path: ValuePath): void {
  if (value !== undefined && value !== null) rule.apply(m, value, path);
}

function mapMetadata(m: Mapping, metadata: ScoreWorkload["metadata"]): void {
  const name = metadata.name;
  if (!SERVICE_NAME.test(name) || name.length > 40)
    m.refusals.refuse(
      ["metadata", "name"],
      `workload name ${name} cannot be a service name`,
      "a service name starts with a lowercase letter, has only lowercase letters, digits and '-', ends with a letter or digit, at most 40 characters",
    );
  for (const key of Object.keys(metadata)) {
    if (key !== "name" && key !== "annotations")
      m.refusals.drop(["metadata", key], `metadata.${key} is dropped: a service has no field for it`);
  }
  const annotations = metadata.annotations ?? {};
  for (const [key, value] of Object.entries(annotations)) {
    const path = ["metadata", "annotations", key];
    if (key === IDP_ANNOTATIONS.team) m.metadata.team = value;
    else if (key === IDP_ANNOTATIONS.description) m.metadata.description = value;
    else if (key === IDP_ANNOTATIONS.tier) m.metadata.tier = value;
    else if (key !== IDP_ANNOTATIONS.settings)
      m.refusals.drop(path, `annotation ${key} is dropped: a service keeps no free annotations`);
  }
  if (m.context.team !== undefined) m.metadata.team = m.context.team;
  if (m.metadata.team === undefined)
    m.refusals.refuse(
      ["metadata"],
      "a Score workload names no owner, and every service needs one",
      `pass --team TEAM, or add the annotation ${IDP_ANNOTATIONS.team}`,
    );
}

/**
 * Score starts containers together unless one's `before` names another. The
 * main container is the first one no other container's `before` names; the
 * others follow the main container's `before`: ready complete runs to the end
 * first (an init container), started or unnamed runs beside it (a sidecar,
 * which Kubernetes starts before the main container). Each kind keeps file order.
 */
function mapContainers(m: Mapping, containers: Record<string, ScoreContainer>): void {
  const entries = Object.entries(containers);
  const named = new Set(entries.flatMap(([, c]) => Object.keys(c.before ?? {})));
  const main = entries.find(([name]) => !named.has(name)) ?? entries[0];
  if (main === undefined) return;
  const [mainName, container] = main;
  for (const key of Object.keys(CONTAINER_FIELDS) as (keyof ScoreContainer)[]) {
    applyRule(CONTAINER_FIELDS[key] as FieldRule<unknown>, m, container[key], ["containers", mainName, key]);
  }
  const before = container.before ?? {};
  for (const [name, { ready }] of Object.entries(before)) {
    if (!(name in containers) || name === mainName)
      m.refusals.refuse(
        ["containers", mainName, "before", name],
        `before names ${name}, which is not another container of this workload`,
        `remove it, or add a container ${name}`,
      );
    else if (ready === "healthy")
      m.refusals.refuse(
        ["containers", mainName, "before", name, "ready"],
        "ready: healthy is not supported: an extra container has no probe here",
        "use complete for a container that runs to its end first, started for one that runs beside",
      );
  }
  const initContainers: Container[] = [];
  const sidecars: Container[] = [];
  for (const [name, extra] of entries) {
    if (name === mainName) continue;
    const mapped = mapExtraContainer(m, name, extra);
    if (mapped) (before[name]?.ready === "complete" ? initContainers : sidecars).push(mapped);
  }
  if (initContainers.length > 0) m.spec.initContainers = initContainers;
  if (sidecars.length > 0) m.spec.sidecars = sidecars;
}

/** A container besides the main one: image, command, args, plain variables and requests only. */
function mapExtraContainer(m: Mapping, name: string, container: ScoreContainer): Container | undefined {
  const path = ["containers", name];
  let ok = true;
  const refuse = (field: string, message: string, hint?: string) => {
    m.refusals.refuse([...path, field], message, hint);
    ok = false;
  };
  if (name === "app") {
    m.refusals.refuse(path, "a container named app: app is the main container's name here", "rename it");
    ok = false;
  }
  ok = pinnedImage(m, container.image, [...path, "image"]) && ok;
  for (const field of ["files", "volumes", "livenessProbe", "readinessProbe", "before"] as const)
    if (container[field] !== undefined)
      refuse(
        field,
        `${field} of a container besides the main one are not supported: init containers and sidecars have image, command, args, variables and resources`,
        `remove ${field}, or make ${name} the main container`,
      );
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(container.variables ?? {})) {
    const parts = parseScoreValue(value);
    if (!ENV_NAME.test(key))
      refuse(`variables`, `variable name ${key} is not an environment variable name here`);
    else if (parts.some((p) => p.kind === "ref"))
      refuse(
        "variables",
        `variable ${key} of ${name} has a placeholder: placeholders are resolved in the main container only`,
        "write the value itself, or move the variable to the main container",
      );
    else env[key] = parts.map((p) => (p.kind === "text" ? p.text : "")).join("");
  }
  const resources = containerResources(container.resources ?? {});
  if (resources.cpu === undefined || resources.memory === undefined)
    refuse(
      "resources",
      `container ${name} needs CPU and memory requests: a pod's requests are the sum of its containers'`,
      "add resources.requests.cpu and resources.requests.memory, such as 20m and 32Mi",
    );
  if (!ok) return undefined;
  return {
    name,
    image: container.image,
    ...(container.command && container.command.length > 0
      ? { command: container.command as [string, ...string[]] }
      : {}),
    ...(container.args ? { args: container.args } : {}),
    ...(Object.keys(env).length > 0 ? { env } : {}),
    resources: resources as unknown as Container["resources"],
  };
}

/** Whether an image is pinned (a tag or digest), refusing it at `path` if not. */
function pinnedImage(m: Mapping, image: string, path: ValuePath): boolean {
  if (image === ".")
    m.refusals.refuse(
      path,
      "image . means an image built from source, which the platform does not build",
      "write the pushed image reference, such as ghcr.io/acme/app:1.0.0",
    );
  else if (!PINNED_IMAGE.test(image.slice(image.lastIndexOf("/") + 1)))
    m.refusals.refuse(
      path,
      `image ${image} has no tag or digest`,
      `pin it, such as ${image}:1.0.0 or ${image}@sha256:<digest>`,
    );
  else return true;
  return false;
}

/** Score requests and limits as our resources: requests → cpu/memory, limits → limits. */
function containerResources(value: NonNullable<ScoreContainer["resources"]>): Record<string, unknown> {
  const resources: Record<string, unknown> = {};
  if (value.requests?.cpu !== undefined) resources.cpu = value.requests.cpu;
  if (value.requests?.memory !== undefined) resources.memory = value.requests.memory;
  const limits: Record<string, string> = {};
  if (value.limits?.cpu !== undefined) limits.cpu = value.limits.cpu;
  if (value.limits?.memory !== undefined) limits.memory = value.limits.memory;
  if (Object.keys(limits).length > 0) resources.limits = limits;
  return resources;
}

/**
 * Files with inline content. Score expands placeholders in content unless
 * noExpand is true; the platform mounts files as written, so content with a
 * placeholder is refused unless noExpand says it is literal (`$$` is a `$`).
 */
function mapFiles(m: Mapping, files: NonNullable<ScoreContainer["files"]>, path: ValuePath): void {
  const entries: [string, ScoreFile, ValuePath][] = Array.isArray(files)
    ? files.map((f, i) => [f.target ?? "", f, [...path, i]])
    : Object.entries(files).map(([target, f]) => [target, f, [...path, target]]);
  const mapped: File[] = [];
  for (const [target, file, at] of entries) {
    let ok = true;
    const refuse = (field: string, message: string, hint: string) => {
      m.refusals.refuse([...at, field], message, hint);
      ok = false;
    };
    if (file.source !== undefined)
      refuse(
        "source",
        "a file from source is not supported: a service file holds its files' content",
        "write the content inline under content",
      );
    if (file.binaryContent !== undefined)
      refuse("binaryContent", "binary files are not supported: files hold text", "write text under content");
    if (file.mode !== undefined)
      refuse("mode", "file modes are not supported: files are mounted read-only", "remove mode");
    if (target === "") {
      m.refusals.refuse(at, "a file without a target path", "add target: /path/in/the/container");
      ok = false;
    }
    if (file.content === undefined || !ok) continue;
    let content = file.content;
    if (file.noExpand !== true) {
      const parts = parseScoreValue(content);
      const ref = parts.find((p) => p.kind === "ref");
      if (ref) {
        refuse(
          "content",
          `file content has the placeholder ${ref.raw}, which Score expands and the platform does not`,
          "write the value itself, or set noExpand: true to keep the text as written",
        );
        continue;
      }
      content = parts.map((p) => (p.kind === "text" ? p.text : "")).join("");
    }
    mapped.push({ path: target, content });
  }
  if (mapped.length > 0) m.spec.files = mapped;
}

function refuseVolumes(m: Mapping, path: ValuePath): void {
  m.refusals.refuse(
    path,
    "Score volumes are not supported: a Score volume is whatever the provisioner makes (often persistent), and the platform's volumes are scratch directories emptied with the pod",
    "for scratch space, remove the volume and its resource and set volumes in the service file (path, emptyDir.sizeLimit)",
  );
}

function mapPorts(m: Mapping, ports: Record<string, ScoreServicePort>): void {
  const entries = Object.entries(ports);
  const only = entries.length === 1 ? entries[0] : undefined;
  if (only && only[0] === "http" && only[1].port === 80 && only[1].protocol !== "UDP") {
    m.spec.port = only[1].targetPort ?? 80;
    return;
  }
  const mapped: Port[] = [];
  for (const [name, port] of entries) {
    const path = ["service", "ports", name];
    if (!PORT_NAME.test(name) || name.length > 15) {
      m.refusals.refuse(
        path,
        `port name ${name} is not a port name here`,
        "a port name has lowercase letters, digits and single '-', at least one letter, at most 15 characters, such as http or grpc",
      );
      continue;
    }
    if (port.protocol === "UDP") {
      m.refusals.refuse(
        [...path, "protocol"],
        "UDP ports are not supported: the platform serves http, grpc and tcp",
      );
      continue;
    }
    const protocol = protocolFromName(name);
    mapped.push({
      name,
      port: port.port,
      ...(port.targetPort !== undefined ? { targetPort: port.targetPort } : {}),
      ...(protocol !== "http" ? { protocol } : {}),
    });
  }
  if (mapped.length > 0) m.spec.ports = mapped;
}

/** Score ports say TCP or UDP only; what they speak is read from the name (grpc..., http..., web), else tcp. */
export function protocolFromName(name: string): "http" | "grpc" | "tcp" {
  if (name.startsWith("grpc")) return "grpc";
  if (name.startsWith("http") || name === "web") return "http";
  return "tcp";
}

/** The port a route goes to: the first http port, as name and Service port. */
function firstHttpPort(spec: Record<string, unknown>): { name: string; port: number } | undefined {
  if (typeof spec.port === "number") return { name: "http", port: 80 };
  const port = (spec.ports as Port[] | undefined)?.find((p) => (p.protocol ?? "http") === "http");
  return port ? { name: port.name, port: port.port } : undefined;
}

function mapResources(m: Mapping, resources: Record<string, ScoreResource>): void {
  for (const [name, resource] of Object.entries(resources)) {
    const path = ["resources", name];
    const special = RESOURCE_TYPES[resource.type];
    if (special) {
      special.apply(m, resource, path);
      continue;
    }
    const type = classForScoreType(m.context.catalog, resource.type);
    if (type === undefined) {
      m.refusals.refuse(
        [...path, "type"],
        `Score resource type ${resource.type} has no dependency class here`,
        `every environment defines ${m.context.catalog.types.join(", ") || "no classes"}; ask the platform team for a ${resource.type} class`,
      );
      m.resources.set(name, { kind: "refused" });
      continue;
    }
    if (!DNS_LABEL.test(name) || name.length > 40) {
      m.refusals.refuse(
        path,
        `resource name ${name} cannot be a dependency name`,
        "a dependency name has lowercase letters, digits and '-', at most 40 characters",
      );
      m.resources.set(name, { kind: "refused" });
      continue;
    }
    const dependency: Record<string, string> = { type };
    if (resource.class !== undefined && resource.class !== "default") {
      if (SIZE_NAME.test(resource.class)) dependency.size = resource.class;
      else
        m.refusals.refuse(
          [...path, "class"],
          `class ${resource.class} cannot be a size name`,
          "a size has lowercase letters, digits and '-', such as small",
        );
    }
    if (resource.id !== undefined)
      m.refusals.refuse(
        [...path, "id"],
        "shared resources (id) are not supported: each service has dependencies of its own",
        "remove id, or let one service own the resource",
      );
    if (resource.params !== undefined)
      m.refusals.refuse(
        [...path, "params"],
        `params of a ${resource.type} are not supported: the environment's ${type} class decides what it is`,
        "remove params, or ask the platform team for a size that has them",
      );
    mapResourceMetadata(m, resource, path);
    const dependencies = (m.spec.dependencies as Record<string, unknown> | undefined) ?? {};
    dependencies[name] = dependency;
    m.spec.dependencies = dependencies;
    m.resources.set(name, { kind: "dependency", name, type });
  }
}

function mapResourceMetadata(m: Mapping, resource: ScoreResource, path: ValuePath): void {
  if (resource.metadata !== undefined)
    m.refusals.drop(
      [...path, "metadata"],
      "resource metadata is dropped: the environment's class decides the rendered object",
    );
}

function mapRoute(m: Mapping, resource: ScoreResource, path: ValuePath): void {
  m.resources.set(String(path.at(-1)), { kind: "route" });
  if (m.spec.route !== undefined) {
    m.refusals.refuse(
      path,
      "a second route resource: a service has one public route",
      "keep one route resource",
    );
    return;
  }
  for (const field of ["class", "id"] as const)
    if (resource[field] !== undefined)
      m.refusals.refuse([...path, field], `a route has no ${field} here`, `remove ${field}`);
  mapResourceMetadata(m, resource, path);
  const params = resource.params ?? {};
  for (const key of Object.keys(params))
    if (!["host", "path", "port"].includes(key))
      m.refusals.refuse(
        [...path, "params", key],
        `route params.${key} is not supported`,
        "a route has host, path and port",
      );
  const host = params.host;
  if (typeof host !== "string" || host.includes("${")) {
    m.refusals.refuse(
      [...path, "params", ...(host === undefined ? [] : ["host"])],
      "a route needs its host name written out: the platform does not make up host names",
      "write the host, such as shop.acme.example, under params.host",
    );
    return;
  }
  const route: Record<string, unknown> = { host };
  if (params.path !== undefined && params.path !== "/") route.path = params.path;
  const target = firstHttpPort(m.spec);
  if (!target) {
    m.refusals.refuse(
      path,
      "a route needs an HTTP port, and service.ports has none",
      "declare one in service.ports, named http, web or starting with http",
    );
    return;
  }
  if (params.port !== undefined && params.port !== target.name && params.port !== target.port)
    m.refusals.refuse(
      [...path, "params", "port"],
      `a route goes to the first HTTP port (${target.name}, ${target.port}), not ${String(params.port)}`,
      `set params.port to ${target.name}, or list that port first`,
    );
  m.spec.route = route;
}

function mapVariables(m: Mapping, variables: Record<string, string>, path: ValuePath): void {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(variables)) {
    const at = [...path, key];
    if (!ENV_NAME.test(key)) {
      m.refusals.refuse(
        at,
        `variable name ${key} is not an environment variable name here`,
        "use letters, digits and '_', not starting with a digit",
      );
      continue;
    }
    const parts = mapParts(m, parseScoreValue(value), at);
    if (!parts) continue;
    const text = formatOurValue(parts);
    if (typeof text === "string") env[key] = text;
    else m.refusals.refuse(at, text.problem, "write the $ somewhere else, or split the value");
  }
  if (Object.keys(env).length > 0) m.spec.env = env;
}

/** Our parts for a Score value's parts, or undefined after refusing a placeholder. */
function mapParts(m: Mapping, parts: ValuePart[], at: ValuePath): ValuePart[] | undefined {
  const mapped: ValuePart[] = [];
  let ok = true;
  for (const part of parts) {
    if (part.kind === "text") {
      mapped.push(part);
      continue;
    }
    const result = mapPlaceholder(m, part.path);
    if (typeof result === "string") mapped.push({ kind: "text", text: result });
    else if (Array.isArray(result)) mapped.push({ ...part, path: result });
    else {
      ok = false;
      if (result.problem) m.refusals.refuse(at, `${part.raw} ${result.problem}`, result.hint);
    }
  }
  return ok ? mapped : undefined;
}

/**
 * One Score placeholder: literal text (`${metadata.name}`), our placeholder's
 * path, or why not (no problem: the resource itself was refused already).
 */
function mapPlaceholder(m: Mapping, path: string[]): string | string[] | { problem?: string; hint?: string } {
  const [source, name, output, ...rest] = path;
  if (source === "metadata") {
    if (name === "name" && output === undefined) return m.score.metadata.name;
    return {
      problem: "is not supported: of the metadata, only ${metadata.name} can be used",
      hint: "write the value itself",
    };
  }
  if (source !== "resources" || name === undefined || output === undefined || rest.length > 0)
    return {
      problem: "is not a placeholder the platform can map",
      hint: "use ${metadata.name} or ${resources.NAME.OUTPUT}",
    };
  const resource = m.resources.get(name);
  if (resource === undefined)
    return {
      problem: `refers to resource ${name}, which is not declared`,
      hint: "declare it under resources:",
    };
  switch (resource.kind) {
    case "refused":
      return {};
    case "route":
      return { problem: "is not supported: a route has no outputs here", hint: "write the host name itself" };
    case "call": {
      const ours = CALL_OUTPUTS[output];
      if (ours === undefined)
        return {
          problem: `asks a called service for ${output}`,
          hint: `a called service offers ${Object.keys(CALL_OUTPUTS).join(", ")}`,
        };
      return ["calls", resource.name, ours];
    }
    case "dependency": {
      const outputs = m.context.catalog.outputs(resource.type);
      if (!outputs.includes(output))
        return {
          problem: `asks for ${output}, which the ${resource.type} class does not provide`,
          hint: `it provides ${outputs.join(", ") || "no outputs"}`,
        };
      return ["dependencies", resource.name, output];
    }
  }
}

function mapProbe(m: Mapping, which: "liveness" | "readiness", probe: ScoreProbe, path: ValuePath): void {
  let mapped: Probe | undefined;
  if (probe.httpGet && probe.exec) {
    m.refusals.refuse(
      path,
      "a probe with both httpGet and exec: the platform runs one check per probe",
      "keep one of them",
    );
    return;
  }
  if (probe.exec) {
    if (probe.exec.command.length === 0)
      m.refusals.refuse([...path, "exec", "command"], "an exec probe needs a command");
    else mapped = { exec: probe.exec.command as [string, ...string[]] };
  }
  if (probe.httpGet) mapped = mapHttpGet(m, probe.httpGet, [...path, "httpGet"]);
  if (mapped === undefined) return;
  const probes = (m.spec.probes as Record<string, unknown> | undefined) ?? {};
  probes[which] = mapped;
  m.spec.probes = {
    ...(probes.readiness ? { readiness: probes.readiness } : {}),
    ...(probes.liveness ? { liveness: probes.liveness } : {}),
  };
}

function mapHttpGet(m: Mapping, get: ScoreHttpGet, path: ValuePath): Probe | undefined {
  let ok = true;
  if (get.host !== undefined) {
    m.refusals.refuse(
      [...path, "host"],
      "a probe host is not supported: the platform probes the pod itself",
      "remove host",
    );
    ok = false;
  }
  if (get.scheme === "HTTPS") {
    m.refusals.refuse([...path, "scheme"], "HTTPS probes are not supported", "probe over HTTP");
    ok = false;
  }
  const headers: Record<string, string> = {};
  for (const [i, header] of (get.httpHeaders ?? []).entries()) {
    const at = [...path, "httpHeaders", i];
    if (Object.hasOwn(headers, header.name) || !HEADER_VALUE.test(header.value)) {
      m.refusals.refuse(
        at,
        Object.hasOwn(headers, header.name)
          ? `header ${header.name} is sent twice: probe headers are by name here`
          : `the value of header ${header.name} is not printable ASCII on one line of at most 1024 characters`,
      );
      ok = false;
    } else headers[header.name] = header.value;
  }
  if (!ok) return undefined;
  if (Object.keys(headers).length > 0) return { http: { path: get.path, port: get.port, headers } };
  return get.port === probeContainerPort(m.spec) ? get.path : { http: { path: get.path, port: get.port } };
}

/** Applies the idp/settings annotation: spec keys Score has no field for, as export wrote them. */
function applySettings(m: Mapping): void {
  const raw = m.score.metadata.annotations?.[IDP_ANNOTATIONS.settings];
  if (raw === undefined) return;
  const path = ["metadata", "annotations", IDP_ANNOTATIONS.settings];
  let settings: unknown;
  try {
    settings = JSON.parse(raw);
  } catch {
    m.refusals.refuse(
      path,
      `annotation ${IDP_ANNOTATIONS.settings} is not JSON`,
      "it holds a JSON object of spec settings, as idp export score writes it",
    );
    return;
  }
  if (typeof settings !== "object" || settings === null || Array.isArray(settings)) {
    m.refusals.refuse(path, `annotation ${IDP_ANNOTATIONS.settings} must be a JSON object of spec settings`);
    return;
  }
  for (const [key, value] of Object.entries(settings)) {
    if (!(SPEC_KEYS as readonly string[]).includes(key)) {
      m.refusals.refuse(
        path,
        `annotation ${IDP_ANNOTATIONS.settings} sets ${JSON.stringify(key).slice(0, 60)}, which is not a spec setting`,
        `spec settings are ${SPEC_KEYS.join(", ")}`,
      );
      continue;
    }
    if (value === null) delete m.spec[key];
    else m.spec[key] = value;
  }
}
