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
    // Own enumerable keys only: resolve's origins are made on demand, and
    // reading them would make them. Resolve makes them not enumerable, which
    // JSON leaves out by itself: a copy without them is made only for a
    // service built otherwise (a copy sent to a worker, a test's object).
    const origins = Object.getOwnPropertyDescriptor(service, "origins");
    if (origins?.enumerable !== true) known = JSON.stringify(service);
    else {
      const settings: Record<string, unknown> = {};
      for (const key of Object.keys(service)) {
        if (key !== "origins") settings[key] = service[key as keyof ResolvedService];
      }
      known = JSON.stringify(settings);
    }
    fingerprints.set(service, known);
  }
  return known;
}
