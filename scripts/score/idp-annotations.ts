/**
 * The annotations an exported Score file carries for what Score has no field
 * for. Other Score implementations ignore them; import reads them back, so
 * import → export → import loses nothing.
 */
export const IDP_ANNOTATIONS = {
  /** metadata.team: the owning team. */
  team: "idp/team",
  /** metadata.description. */
  description: "idp/description",
  /** metadata.tier. */
  tier: "idp/tier",
  /**
   * The spec settings the Score fields do not express exactly (replicas,
   * autoscale, schedule, secrets, per-environment overrides, gRPC and TCP probes,
   * grace period, egress, volumes...),
   * as a JSON object of spec keys; `null` removes a key the Score fields gave.
   */
  settings: "idp/settings",
} as const;

/** The spec keys of a service, in the order an imported file lists them. */
export const SPEC_KEYS = [
  "type",
  "image",
  "command",
  "args",
  "terminationGracePeriodSeconds",
  "port",
  "ports",
  "route",
  "expose",
  "schedule",
  "replicas",
  "autoscale",
  "resources",
  "env",
  "secrets",
  "probes",
  "calls",
  "dependencies",
  "egress",
  "initContainers",
  "sidecars",
  "volumes",
  "files",
  "observability",
  "environments",
] as const;

/** The same object with its keys in SPEC_KEYS order (unknown keys last, in their order). */
export function orderSpec(spec: Record<string, unknown>): Record<string, unknown> {
  const ordered: Record<string, unknown> = {};
  for (const key of SPEC_KEYS) if (spec[key] !== undefined) ordered[key] = spec[key];
  for (const [key, value] of Object.entries(spec))
    if (!(key in ordered) && value !== undefined) ordered[key] = value;
  return ordered;
}
