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
    known = settingsText(service);
    fingerprints.set(service, known);
  }
  return known;
}

/**
 * settingsFingerprint's string, made afresh and not kept: for a caller that
 * needs it once per service (the render keys hash it), keeping 4 MB of them
 * for 1,000 services only made every garbage collection dearer.
 */
export function settingsText(service: ResolvedService): string {
  // Own enumerable keys only: resolve's origins are made on demand, and
  // reading them would make them. Resolve makes them not enumerable, which
  // JSON leaves out by itself: a copy without them is made only for a
  // service built otherwise (a copy sent to a worker, a test's object).
  const origins = Object.getOwnPropertyDescriptor(service, "origins");
  if (origins?.enumerable !== true) return JSON.stringify(service);
  const settings: Record<string, unknown> = {};
  for (const key of Object.keys(service)) {
    if (key !== "origins") settings[key] = service[key as keyof ResolvedService];
  }
  return JSON.stringify(settings);
}
