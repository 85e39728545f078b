import { createHash } from "node:crypto";
import type { EnvironmentModel, ResolvedService, TeamModel } from "../model/resolved.js";
import { settingsText } from "../model/settings-fingerprint.js";
import { MANIFEST_FILE, PLATFORM_FOLDER } from "./render-jobs.js";

/** The resolved repository, as much of it as deciding what to render needs. */
export interface ResolvedSide {
  environments: readonly EnvironmentModel[];
  teams: readonly TeamModel[];
  services: readonly ResolvedService[];
}

/** Per environment: a key per service and one for the platform objects; equal keys render equal bytes. */
export interface RenderKeys {
  /** Environment name → service name → key. */
  services: Map<string, Map<string, string>>;
  /** Environment name → key of its `_platform` objects. */
  platform: Map<string, string>;
}

/**
 * Keys that change whenever what a render reads changes: the plan renders
 * only the (service, environment) pairs whose key differs between base and
 * head, and `idp render` trusts a committed file whose key is the one its
 * index recorded (see render-index.ts). A service's render reads its own
 * resolved settings, its environment (name, file, spec), and of the services
 * that call it and that it calls what it reads of them: name, namespace and
 * ports (addresses and placeholders, NetworkPolicy peers and ports; see
 * neighbourDigest); the platform objects read the environment,
 * every team, and each service's name, team, namespace and file. Each key
 * also holds `version`, the render code's version (render-version.ts), so a
 * change to the chart code changes every key.
 *
 * Keys are sha256 hex digests, the same in every process: they are
 * committed in the render index. `standIns` (plan only, whose keys are
 * compared within one process and never kept) gives services a digest
 * without reading them, for their own settings and as a neighbour: a service
 * object on both sides of a plan is equal to itself.
 */
export function renderKeys(
  side: ResolvedSide,
  version = "",
  standIns?: ReadonlyMap<ResolvedService, string>,
): RenderKeys {
  const teams = hash(JSON.stringify(side.teams));
  const services = new Map<string, Map<string, string>>();
  const platform = new Map<string, string>();
  for (const environment of side.environments) {
    const members = side.services.filter((s) => s.environment === environment.name);
    const own = new Map(members.map((s) => [s.name, standIns?.get(s) ?? settingsDigest(s)]));
    const byName = new Map(members.map((s) => [s.name, s]));
    const seen = (name: string) => {
      const neighbour = byName.get(name);
      return neighbour ? (standIns?.get(neighbour) ?? neighbourDigest(neighbour)) : "";
    };
    const callers = new Map<string, string[]>();
    for (const service of members) {
      for (const called of service.calls) {
        const list = callers.get(called);
        if (list) list.push(service.name);
        else callers.set(called, [service.name]);
      }
    }
    const settings = hash(JSON.stringify(environment));
    const keys = new Map<string, string>();
    for (const service of members) {
      // Names are part of each line: a caller renamed changes the key even with equal settings.
      const around = [
        ...(callers.get(service.name) ?? []).map((caller) => `<${caller}:${seen(caller)}`),
        ...service.calls.map((called) => `>${called}:${seen(called)}`),
      ];
      keys.set(
        service.name,
        serviceKey(service, ["service", version, settings, own.get(service.name), ...around]),
      );
    }
    services.set(environment.name, keys);
    const listing = members.map((s) => [s.name, s.team, s.namespace, s.file]);
    platform.set(
      environment.name,
      hash(["platform", version, settings, teams, JSON.stringify(listing)].join("\n")),
    );
  }
  return { services, platform };
}

/** The keys by the path of the file each is for, under `manifests/` (`dev/cart/manifest.yaml`). */
export function keysByPath(keys: RenderKeys): Map<string, string> {
  const byPath = new Map<string, string>();
  for (const [environment, key] of keys.platform) {
    byPath.set(`${environment}/${PLATFORM_FOLDER}/${MANIFEST_FILE}`, key);
  }
  for (const [environment, services] of keys.services) {
    for (const [service, key] of services) byPath.set(`${environment}/${service}/${MANIFEST_FILE}`, key);
  }
  return byPath;
}

/**
 * The digest of a service's settings. Made afresh each time, not kept: a
 * plan's base and head share their unchanged services as stand-ins, and
 * keeping 5 KB of text per service for 1,000 services only made every
 * garbage collection dearer.
 */
function settingsDigest(service: ResolvedService): string {
  return hash(settingsText(service));
}

/**
 * What a service's render reads of the services that call it and that it
 * calls: call-address.ts (name, namespace, first port), network-policy.ts
 * (podsOf: namespace and selector labels, which are the name; containerPorts).
 * A chart that starts reading more of a neighbour must add it here; the
 * property test (test/render.incremental.property.test.ts) edits neighbours.
 */
function neighbourDigest(service: ResolvedService): string {
  let digest = neighbourDigests.get(service);
  if (digest === undefined) {
    // Short enough to be part of the key's material as it is: hashed there with the rest.
    digest = JSON.stringify([service.name, service.namespace, service.ports]);
    neighbourDigests.set(service, digest);
  }
  return digest;
}

/**
 * The key of what a service's render reads (`material`, one line each),
 * hashed once per service object for equal material: a plan keys the base
 * and the head, which share every unchanged service, environment and
 * neighbour.
 */
function serviceKey(service: ResolvedService, material: readonly unknown[]): string {
  const text = material.join("\n");
  const known = serviceKeys.get(service);
  if (known?.text === text) return known.key;
  const key = hash(text);
  serviceKeys.set(service, { text, key });
  return key;
}

const serviceKeys = new WeakMap<ResolvedService, { text: string; key: string }>();

/**
 * Once per service object, like settingsFingerprint: a plan keys the base
 * and the head, which share every unchanged service.
 */
const neighbourDigests = new WeakMap<ResolvedService, string>();

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
