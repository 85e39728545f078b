import type { ResolvedService } from "./resolved.js";

const fingerprints = new WeakMap<ResolvedService, string>();

/**
 * A resolved service's settings as one string, without where they came from
 * (moving a value between files changes nothing). Two services with the same
 * fingerprint render and judge the same. Computed once per service object:
 * a plan compares every service of the base with the head's, twice.
 */
export function settingsFingerprint(service: ResolvedService): string {
  let known = fingerprints.get(service);
  if (known === undefined) {
    // Own enumerable keys only: resolve's origins are made on demand, and reading them would make them.
    const settings: Record<string, unknown> = {};
    for (const key of Object.keys(service)) {
      if (key !== "origins") settings[key] = service[key as keyof ResolvedService];
    }
    known = JSON.stringify(settings);
    fingerprints.set(service, known);
  }
  return known;
}
