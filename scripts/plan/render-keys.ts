import { createHash } from "node:crypto";
import type { EnvironmentModel, ResolvedService, TeamModel } from "../model/resolved.js";
import { settingsFingerprint } from "../model/settings-fingerprint.js";

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
 * Keys that change whenever what a render reads changes, so a plan renders
 * only the (service, environment) pairs whose key differs between base and
 * head. A service's render reads its own resolved settings, its
 * environment's spec, the services that call it (NetworkPolicy ingress) and
 * the services it calls (addresses, ports, NetworkPolicy egress); the
 * platform objects read the environment's spec, every team, and each
 * service's name, team, namespace and file.
 */
export function renderKeys(side: ResolvedSide): RenderKeys {
  const teams = hash(JSON.stringify(side.teams));
  const services = new Map<string, Map<string, string>>();
  const platform = new Map<string, string>();
  for (const environment of side.environments) {
    const members = side.services.filter((s) => s.environment === environment.name);
    const own = new Map(members.map((s) => [s.name, fingerprint(s)]));
    const callers = new Map<string, string[]>();
    for (const service of members) {
      for (const called of service.calls) {
        const list = callers.get(called);
        if (list) list.push(service.name);
        else callers.set(called, [service.name]);
      }
    }
    const spec = hash(JSON.stringify(environment.spec));
    const keys = new Map<string, string>();
    for (const service of members) {
      const around = [
        ...(callers.get(service.name) ?? []).map((name) => `<${name}:${own.get(name) ?? ""}`),
        ...service.calls.map((name) => `>${name}:${own.get(name) ?? ""}`),
      ];
      keys.set(service.name, [own.get(service.name), spec, ...around].join("\n"));
    }
    services.set(environment.name, keys);
    const listing = members.map((s) => [s.name, s.team, s.namespace, s.file]);
    platform.set(environment.name, hash([spec, teams, JSON.stringify(listing)].join("\n")));
  }
  return { services, platform };
}

/**
 * Distinct settings fingerprints, numbered in the order first seen: equal
 * settings get the same number in every call in this process (base and head
 * alike), and a key holds small numbers instead of hashes of whole settings
 * (hashing them twice per service and side was a tenth of a plan's work).
 */
const fingerprintNumbers = new Map<string, number>();

function fingerprint(service: ResolvedService): string {
  const settings = settingsFingerprint(service);
  let number = fingerprintNumbers.get(settings);
  if (number === undefined) {
    number = fingerprintNumbers.size;
    fingerprintNumbers.set(settings, number);
  }
  return String(number);
}

function hash(text: string): string {
  return createHash("sha1").update(text).digest("base64");
}
