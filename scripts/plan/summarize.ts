import { GRAFANA_DASHBOARD_LABEL } from "../render/dashboard-config-map.js";
import type { KubeObject } from "../render/kube-object.js";
import { SLO_ANNOTATIONS } from "../render/service/prometheus-rule.js";
import { isPeerPath, networkPeerPhrases } from "./network-peers.js";
import { diffJson, displayJsonPath, type JsonPath, type LeafChange } from "./structural-diff.js";

/** At most this many generic "path a → b" phrases per object; the rest are counted. */
export const MAX_GENERIC_PHRASES = 3;

/** Longest value quoted in a phrase; longer ones end in "…". */
const MAX_VALUE_LENGTH = 60;

const VERSION_LABEL = "app.kubernetes.io/version";
const CONFIG_HASH = "idp/config-hash";
const VERSION_PHRASE = "version label ";
const CONFIG_PHRASE = "config hash changed: pods restart";

/**
 * Phrases for a person that say what changed in one object: the fields people
 * change by name ("replicas 2 → 3", "image ghcr.io/acme/checkout 1.4.1 →
 * 1.4.2", "env LOG_LEVEL info → debug", "autoscale 2–10 → 3–20", "new route
 * shop.acme.example", "cpu request 100m → 250m"), then up to
 * MAX_GENERIC_PHRASES other leaves as "path a → b", then how many more. The
 * same phrase is said once (an Ingress names its host twice).
 */
export function summarizeChange(kind: string, before: KubeObject, after: KubeObject): string[] {
  // A dashboard is one JSON document: its lines would only be noise in a plan.
  if (kind === "ConfigMap" && after.metadata.labels?.[GRAFANA_DASHBOARD_LABEL] !== undefined)
    return diffJson(before, after).some((l) => l.path[0] === "data") ? ["dashboard changed"] : [];
  const leaves = diffJson(before, after);
  const named: string[] = [];
  const generic: LeafChange[] = [];
  if (kind === "HorizontalPodAutoscaler" && leaves.some((l) => isReplicaBound(l.path))) {
    named.push(`autoscale ${bounds(before)} → ${bounds(after)}`);
  }
  const peers = kind === "NetworkPolicy" ? networkPeerPhrases(before, after) : [];
  named.push(...peers);
  for (const leaf of leaves) {
    if (kind === "HorizontalPodAutoscaler" && isReplicaBound(leaf.path)) continue;
    // Who is let in or out is said once by name; the positional leaves under it would only confuse.
    if (peers.length > 0 && isPeerPath(leaf.path)) continue;
    const phrase = namedPhrase(kind, leaf);
    if (phrase === undefined) generic.push(leaf);
    else if (phrase !== "") named.push(phrase);
  }
  // What people changed first; what follows from it (labels, the config hash) last.
  const unique = [...new Set(named)];
  const phrases = unique.filter((p) => !isConsequence(p));
  for (const leaf of generic.slice(0, MAX_GENERIC_PHRASES)) phrases.push(genericPhrase(leaf));
  const more = generic.length - MAX_GENERIC_PHRASES;
  if (more > 0) phrases.push(`… and ${more} more ${more === 1 ? "change" : "changes"}`);
  return [...phrases, ...unique.filter(isConsequence)];
}

function isConsequence(phrase: string): boolean {
  return phrase.startsWith(VERSION_PHRASE) || phrase === CONFIG_PHRASE;
}

/** Phrases for an object that only the head has: what a reviewer most wants to know about it. */
export function summarizeAdded(object: KubeObject): string[] {
  if (isMonitor(object)) return [`metrics scraped (${scrapeOf(object)})`];
  if (object.kind === "PrometheusRule") return objectivesOf(object);
  return routesOf(object).map((route) => `new route ${route}`);
}

/** Phrases for an object that only the base has. */
export function summarizeRemoved(object: KubeObject): string[] {
  if (isMonitor(object)) return ["metrics switched off: no SLO alert can fire"];
  if (object.kind === "PrometheusRule") return ["alerts removed"];
  return routesOf(object).map((route) => `route ${route} removed`);
}

/** Words for the objectives a PrometheusRule's annotations state ("availability objective 99.9 %"). */
function objectivesOf(object: KubeObject): string[] {
  const annotations = object.metadata.annotations ?? {};
  return OBJECTIVES.flatMap(([key, noun]) =>
    annotations[key] === undefined ? [] : [`${noun} ${value(annotations[key])}`],
  );
}

/** The PrometheusRule annotations with a name in the plan, and that name. */
const OBJECTIVES: readonly (readonly [string, string])[] = [
  [SLO_ANNOTATIONS.availability, "availability objective"],
  [SLO_ANNOTATIONS.latency, "latency objective"],
  [SLO_ANNOTATIONS.window, "SLO window"],
  [SLO_ANNOTATIONS.runbook, "runbook"],
];

function isMonitor(object: KubeObject): boolean {
  return object.kind === "ServiceMonitor" || object.kind === "PodMonitor";
}

/** "port http, /metrics every 30s" from a monitor's first endpoint. */
function scrapeOf(object: KubeObject): string {
  const spec = object.spec as { endpoints?: unknown[]; podMetricsEndpoints?: unknown[] } | undefined;
  const endpoint = (spec?.endpoints?.[0] ?? spec?.podMetricsEndpoints?.[0] ?? {}) as Record<string, unknown>;
  return `port ${value(endpoint.port)}, ${value(endpoint.path)} every ${value(endpoint.interval)}`;
}

/** The phrase for a leaf people know by name; "" to say nothing; undefined when it has none. */
function namedPhrase(kind: string, leaf: LeafChange): string | undefined {
  const { path } = leaf;
  const last = path[path.length - 1];
  const before = leaf.before;
  const after = leaf.after;
  if (kind === "PrometheusRule") return rulePhrase(leaf);
  if (last === VERSION_LABEL && path.at(-2) === "labels")
    return `${VERSION_PHRASE}${value(before)} → ${value(after)}`;
  if (last === CONFIG_HASH && path.at(-2) === "annotations")
    return before !== undefined && after !== undefined ? CONFIG_PHRASE : "";
  if (kind === "ConfigMap" && path[0] === "data" && path.length === 2) {
    const key = String(path[1]);
    if (before === undefined) return `env ${key} added: ${value(after)}`;
    if (after === undefined) return `env ${key} removed (was ${value(before)})`;
    return `env ${key} ${value(before)} → ${value(after)}`;
  }
  if (kind === "ConfigMap" && path.length === 1 && path[0] === "data") {
    return before === undefined ? "env added" : after === undefined ? "env removed" : undefined;
  }
  if ((kind === "Deployment" || kind === "StatefulSet") && path.length === 2 && path[1] === "replicas") {
    return `replicas ${value(before)} → ${value(after)}`;
  }
  if (isContainerField(path, "image")) return imagePhrase(before, after);
  const resource = containerResource(path);
  if (resource) return `${resource} ${value(before)} → ${value(after)}`;
  if (kind === "HorizontalPodAutoscaler" && last === "averageUtilization") {
    return `autoscale cpu ${value(before)}% → ${value(after)}%`;
  }
  if (isRouteHost(kind, path)) return routePhrase(before, after);
  if (isRoutePath(kind, path)) return `route path ${value(before)} → ${value(after)}`;
  return undefined;
}

function isReplicaBound(path: JsonPath): boolean {
  return path.length === 2 && path[0] === "spec" && (path[1] === "minReplicas" || path[1] === "maxReplicas");
}

function bounds(object: KubeObject): string {
  const spec = (object.spec ?? {}) as { minReplicas?: unknown; maxReplicas?: unknown };
  return `${value(spec.minReplicas)}–${value(spec.maxReplicas)}`;
}

/** `…containers[i].<field>` of a Deployment, CronJob or any pod template. */
function isContainerField(path: JsonPath, field: string): boolean {
  return path.length >= 3 && path[path.length - 1] === field && path[path.length - 3] === "containers";
}

/** "cpu request", "memory limit" for a container's resources leaf, else undefined. */
function containerResource(path: JsonPath): string | undefined {
  const n = path.length;
  if (n < 5 || path[n - 5] !== "containers" || path[n - 3] !== "resources") return undefined;
  const which = path[n - 2] === "requests" ? "request" : path[n - 2] === "limits" ? "limit" : undefined;
  return which ? `${String(path[n - 1])} ${which}` : undefined;
}

function isRouteHost(kind: string, path: JsonPath): boolean {
  if (kind === "Ingress") return path[0] === "spec" && path[1] === "rules" && path[3] === "host";
  if (kind === "HTTPRoute") return path[0] === "spec" && path[1] === "hostnames";
  return false;
}

function isRoutePath(kind: string, path: JsonPath): boolean {
  if (kind === "Ingress") return path[0] === "spec" && path.at(-1) === "path" && path.includes("paths");
  if (kind === "HTTPRoute") return path[0] === "spec" && path.at(-1) === "value" && path.at(-2) === "path";
  return false;
}

function routePhrase(before: unknown, after: unknown): string {
  if (before === undefined) return `new route ${value(after)}`;
  if (after === undefined) return `route ${value(before)} removed`;
  return `route ${value(before)} → ${value(after)}`;
}

/** The hosts an Ingress or HTTPRoute routes. */
function routesOf(object: KubeObject): string[] {
  const spec = (object.spec ?? {}) as { rules?: { host?: unknown }[]; hostnames?: unknown[] };
  const hosts =
    object.kind === "Ingress"
      ? (spec.rules ?? []).map((rule) => rule.host)
      : object.kind === "HTTPRoute"
        ? (spec.hostnames ?? [])
        : [];
  return [...new Set(hosts.filter((h): h is string => typeof h === "string"))];
}

/** "image ghcr.io/acme/checkout 1.4.1 → 1.4.2" when only the tag or digest changes; full references otherwise. */
function imagePhrase(before: unknown, after: unknown): string {
  if (typeof before !== "string" || typeof after !== "string")
    return `image ${value(before)} → ${value(after)}`;
  const a = splitImage(before);
  const b = splitImage(after);
  if (a.repository === b.repository && a.version !== "" && b.version !== "") {
    return `image ${a.repository} ${shorten(a.version)} → ${shorten(b.version)}`;
  }
  return `image ${shorten(before)} → ${shorten(after)}`;
}

/** `repo:tag` → {repository, version: "tag"}; `repo@sha256:…` → version "@sha256:…". */
function splitImage(image: string): { repository: string; version: string } {
  const at = image.indexOf("@");
  if (at >= 0) return { repository: image.slice(0, at), version: image.slice(at) };
  const colon = image.lastIndexOf(":");
  if (colon > image.lastIndexOf("/"))
    return { repository: image.slice(0, colon), version: image.slice(colon + 1) };
  return { repository: image, version: "" };
}

function genericPhrase(leaf: LeafChange): string {
  const where = displayJsonPath(leaf.path) || "object";
  if (leaf.before === undefined) return `${where} added: ${value(leaf.after)}`;
  if (leaf.after === undefined) return `${where} removed (was ${value(leaf.before)})`;
  return `${where} ${value(leaf.before)} → ${value(leaf.after)}`;
}

/** A value as a person reads it: strings bare, absent as "none", structures as compact JSON; long ones cut. */
export function value(v: unknown): string {
  if (v === undefined || v === null) return "none";
  return shorten(typeof v === "string" ? v : JSON.stringify(v));
}

function shorten(text: string): string {
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

/**
 * A PrometheusRule's changes in words: its objective and runbook annotations
 * by name ("availability objective 99.9 % → 99.5 %"), and any change to the
 * rules themselves once, as "alert rules changed" (the expressions follow
 * from the objectives; their text would only be noise).
 */
function rulePhrase(leaf: LeafChange): string | undefined {
  const { path, before, after } = leaf;
  if (path[0] === "spec") return "alert rules changed";
  const named = OBJECTIVES.find(
    ([key]) => path[0] === "metadata" && path[1] === "annotations" && path[2] === key,
  );
  if (!named) return undefined;
  const noun = named[1];
  if (before === undefined) return `${noun} set: ${value(after)}`;
  if (after === undefined) return `${noun} removed (was ${value(before)})`;
  return `${noun} ${value(before)} → ${value(after)}`;
}
