import type { ValuePath } from "../model/document.js";
import type { Container, File, Port, Probe, Resources, Route } from "../model/types.generated.js";
import { type DependencyCatalog, scoreTypeForClass } from "./dependency-catalog.js";
import { IDP_ANNOTATIONS, type SPEC_KEYS } from "./idp-annotations.js";
import { mapScoreToService } from "./import-mapping.js";
import { probeContainerPort } from "./probe-port.js";
import { formatScoreValue, parseOurValue, type ValuePart } from "./score-placeholders.js";
import type { ScoreContainer, ScoreProbe, ScoreResource, ScoreWorkload } from "./score-types.js";

/** A service document as its file holds it (valid against schemas/service.schema.json). */
export interface ServiceDocument {
  metadata: { name: string; team: string; description?: string; tier?: string };
  spec: Record<string, unknown>;
}

/** The one container of an exported workload. */
export const CONTAINER_NAME = "main";

/** Score names: RFC 1123 labels of 2 to 63 characters. */
const SCORE_NAME = /^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$/;
const SCORE_CPU = /^\d+(?:m|\.\d+)?$/;
const SCORE_MEMORY = /^(0\.\d+|[1-9]\d*(\.\d+)?)(K|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** Our placeholders for a called service, and the Score outputs they become (import maps them back). */
const CALL_OUTPUTS: Readonly<Record<string, string>> = {
  host: "name",
  port: "port",
  address: "address",
  url: "url",
};

/**
 * Each spec setting and the Score field it exports to; what a Score field
 * cannot say exactly goes into the idp/settings annotation instead (see
 * exportService). docs/score.md lists the same.
 */
export const SPEC_EXPORTS: { [K in (typeof SPEC_KEYS)[number]]: string } = {
  type: "web: service.ports present; worker: absent; cron: idp/settings",
  image: "containers.main.image",
  command: "containers.main.command",
  args: "containers.main.args",
  terminationGracePeriodSeconds: "idp/settings (Score has no grace period)",
  port: "service.ports.http (port 80, targetPort)",
  ports: "service.ports.NAME (protocol read back from the name; other protocols: idp/settings)",
  route: "resources.route (type route, params host, path, port)",
  schedule: "idp/settings",
  replicas: "idp/settings",
  autoscale: "idp/settings",
  resources: "containers.main.resources (requests, limits)",
  env: "containers.main.variables (placeholders mapped)",
  secrets: "idp/settings",
  expose: "idp/settings (Score leaves how a workload is exposed to the platform)",
  probes:
    "containers.main.livenessProbe/readinessProbe (HTTP with headers, and exec; gRPC, TCP and timings: idp/settings)",
  calls: "resources.NAME (type service)",
  dependencies: "resources.NAME (type = class, class = size)",
  egress: "idp/settings (Score has no network rules)",
  observability: "idp/settings (Score has no monitoring fields)",
  initContainers: "containers.NAME, named in containers.main.before with ready: complete",
  sidecars: "containers.NAME, named in containers.main.before with ready: started",
  volumes: "idp/settings (a Score volume is provisioner-defined, not a scratch directory)",
  files: "containers.main.files.PATH (content, noExpand: true)",
  environments: "idp/settings",
};

/**
 * A service as a Score workload. Whatever the Score fields say is written
 * as Score fields; every spec setting they cannot say exactly (as import
 * would read them back) is kept in the idp/settings annotation, so import →
 * export → import gives the same file. The result is valid against the
 * pinned Score schema.
 */
export function exportService(service: ServiceDocument, catalog: DependencyCatalog): ScoreWorkload {
  const score = nativeScore(service);
  // What import refuses of the native fields is dropped from them (it goes to idp/settings below).
  for (let round = 0; round < 8; round++) {
    const refused = mapScoreToService(score, { team: service.metadata.team, catalog }).refusals.list.filter(
      (r) => r.severity === "error",
    );
    if (refused.length === 0) break;
    for (const refusal of refused) removeAt(score, refusal.path);
  }
  const imported = mapScoreToService(score, { team: service.metadata.team, catalog }).service.spec;
  const settings: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(service.spec), ...Object.keys(imported)])) {
    if (JSON.stringify(service.spec[key]) !== JSON.stringify(imported[key]))
      settings[key] = service.spec[key] ?? null;
  }
  if (Object.keys(settings).length > 0) {
    score.metadata.annotations = {
      ...score.metadata.annotations,
      [IDP_ANNOTATIONS.settings]: JSON.stringify(settings),
    };
  }
  return score;
}

/** The Score fields of a service, before checking what import reads back. */
function nativeScore(service: ServiceDocument): ScoreWorkload {
  const { metadata, spec } = service;
  const annotations: Record<string, string> = { [IDP_ANNOTATIONS.team]: metadata.team };
  if (metadata.description !== undefined) annotations[IDP_ANNOTATIONS.description] = metadata.description;
  if (metadata.tier !== undefined) annotations[IDP_ANNOTATIONS.tier] = metadata.tier;

  const resources: Record<string, ScoreResource> = {};
  const dependencies = (spec.dependencies ?? {}) as Record<string, { type: string; size?: string }>;
  for (const [name, dependency] of Object.entries(dependencies)) {
    if (!SCORE_NAME.test(name)) continue;
    resources[name] = {
      type: scoreTypeForClass(dependency.type),
      ...(dependency.size !== undefined ? { class: dependency.size } : {}),
    };
  }
  for (const name of (spec.calls ?? []) as string[]) {
    if (SCORE_NAME.test(name) && !(name in resources)) resources[name] = { type: "service" };
  }
  const ports = exportPorts(spec);
  const route = spec.route as Route | undefined;
  const routePort = firstHttpPortName(spec);
  if (route && routePort) {
    const name = ["route", "public-route", "idp-route"].find((n) => !(n in resources));
    if (name)
      resources[name] = {
        type: "route",
        params: { host: route.host, path: route.path ?? "/", port: routePort },
      };
  }

  const container: ScoreContainer = { image: String(spec.image) };
  if (spec.command !== undefined) container.command = spec.command as string[];
  if (spec.args !== undefined) container.args = spec.args as string[];
  const variables = exportVariables((spec.env ?? {}) as Record<string, string>, resources);
  if (Object.keys(variables).length > 0) container.variables = variables;
  const containerResources = exportResources(spec.resources as Resources | undefined);
  if (containerResources) container.resources = containerResources;
  const probes = (spec.probes ?? {}) as { liveness?: Probe; readiness?: Probe };
  const liveness = probes.liveness && exportProbe(probes.liveness, spec);
  const readiness = probes.readiness && exportProbe(probes.readiness, spec);
  if (liveness) container.livenessProbe = liveness;
  if (readiness) container.readinessProbe = readiness;
  const files = (spec.files ?? []) as File[];
  if (files.length > 0)
    container.files = Object.fromEntries(files.map((f) => [f.path, { content: f.content, noExpand: true }]));

  const containers: Record<string, ScoreContainer> = {};
  const extras = [
    ...((spec.initContainers ?? []) as Container[]).map((c) => [c, "complete"] as const),
    ...((spec.sidecars ?? []) as Container[]).map((c) => [c, "started"] as const),
  ].filter(([c]) => SCORE_NAME.test(c.name));
  const mainName = extras.some(([c]) => c.name === CONTAINER_NAME) ? "app" : CONTAINER_NAME;
  containers[mainName] = container;
  for (const [extra, ready] of extras) {
    containers[extra.name] = exportExtraContainer(extra);
    container.before = { ...container.before, [extra.name]: { ready } };
  }

  return {
    apiVersion: "score.dev/v1b1",
    metadata: { name: metadata.name, annotations },
    ...(ports ? { service: { ports } } : {}),
    containers,
    ...(Object.keys(resources).length > 0 ? { resources } : {}),
  };
}

function exportPorts(
  spec: Record<string, unknown>,
): Record<string, { port: number; targetPort?: number }> | undefined {
  if (typeof spec.port === "number") return { http: { port: 80, targetPort: spec.port } };
  const ports = spec.ports as Port[] | undefined;
  if (!ports) return undefined;
  const out: Record<string, { port: number; targetPort?: number }> = {};
  for (const port of ports) {
    if (!SCORE_NAME.test(port.name)) continue;
    out[port.name] = {
      port: port.port,
      ...(port.targetPort !== undefined ? { targetPort: port.targetPort } : {}),
    };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function firstHttpPortName(spec: Record<string, unknown>): string | undefined {
  if (typeof spec.port === "number") return "http";
  return (spec.ports as Port[] | undefined)?.find((p) => (p.protocol ?? "http") === "http")?.name;
}

/** Env values as Score variables; a value whose placeholders have no Score resource is left out. */
function exportVariables(
  env: Record<string, string>,
  resources: Record<string, ScoreResource>,
): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const parts: ValuePart[] = [];
    let ok = true;
    for (const part of parseOurValue(value)) {
      if (part.kind === "text") {
        parts.push(part);
        continue;
      }
      const [source, name = "", output = ""] = part.path;
      const resource = resources[name];
      if (source === "calls" && resource?.type === "service" && CALL_OUTPUTS[output])
        parts.push({ ...part, path: ["resources", name, CALL_OUTPUTS[output]] });
      else if (
        source === "dependencies" &&
        resource &&
        resource.type !== "service" &&
        resource.type !== "route"
      )
        parts.push({ ...part, path: ["resources", name, output] });
      else ok = false;
    }
    if (ok) variables[key] = formatScoreValue(parts);
  }
  return variables;
}

/** An init container or sidecar as a Score container (its env taken literally: `$` doubled). */
function exportExtraContainer(extra: Container): ScoreContainer {
  const container: ScoreContainer = { image: extra.image };
  if (extra.command !== undefined) container.command = extra.command;
  if (extra.args !== undefined) container.args = extra.args;
  if (extra.env !== undefined)
    container.variables = Object.fromEntries(
      Object.entries(extra.env).map(([k, v]) => [k, formatScoreValue([{ kind: "text", text: v }])]),
    );
  const resources = exportResources(extra.resources);
  if (resources) container.resources = resources;
  return container;
}

function exportResources(resources: Resources | undefined): ScoreContainer["resources"] | undefined {
  if (!resources) return undefined;
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  const put = (to: Record<string, string>, key: "cpu" | "memory", value: string | number | undefined) => {
    if (value === undefined) return;
    const text = String(value);
    if ((key === "cpu" ? SCORE_CPU : SCORE_MEMORY).test(text)) to[key] = text;
  };
  put(requests, "cpu", resources.cpu);
  put(requests, "memory", resources.memory);
  put(limits, "cpu", resources.limits?.cpu);
  put(limits, "memory", resources.limits?.memory);
  const out: NonNullable<ScoreContainer["resources"]> = {};
  if (Object.keys(limits).length > 0) out.limits = limits;
  if (Object.keys(requests).length > 0) out.requests = requests;
  return Object.keys(out).length > 0 ? out : undefined;
}

function exportProbe(probe: Probe, spec: Record<string, unknown>): ScoreProbe | undefined {
  if (typeof probe === "string") {
    const port = probeContainerPort(spec);
    return port === undefined ? undefined : { httpGet: { path: probe, port } };
  }
  if ("http" in probe) {
    const port = probeContainerPort(spec, probe.http.port);
    const headers = Object.entries(probe.http.headers ?? {}).map(([name, value]) => ({ name, value }));
    return port === undefined
      ? undefined
      : { httpGet: { path: probe.http.path, port, ...(headers.length > 0 ? { httpHeaders: headers } : {}) } };
  }
  if ("exec" in probe) return { exec: { command: probe.exec } };
  return undefined;
}

/**
 * Removes the Score field a refusal is about: one variable, one resource, one
 * port, one field of the main container (written first), or a whole other
 * container (with its before entry).
 */
function removeAt(score: ScoreWorkload, path: ValuePath): void {
  const [top, name, field, key] = path.map(String);
  const mainName = Object.keys(score.containers)[0];
  if (top === "resources" && name !== undefined) delete score.resources?.[name];
  else if (top === "service" && field !== undefined) delete score.service?.ports?.[field];
  else if (top === "containers" && name !== undefined) {
    const main = mainName === undefined ? undefined : score.containers[mainName];
    const extra = name !== mainName ? name : field === "before" ? key : undefined;
    if (extra !== undefined) {
      delete score.containers[extra];
      if (main?.before) delete main.before[extra];
      if (main?.before && Object.keys(main.before).length === 0) delete main.before;
    } else if (main && field !== undefined) {
      if (field === "variables" && key !== undefined && main.variables) delete main.variables[key];
      else delete main[field as keyof ScoreContainer];
    }
  }
}
