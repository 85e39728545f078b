import type { EnvironmentModel, ResolvedService, TeamModel } from "../model/resolved.js";
import type { PolicyResult } from "../policy/check-policies.js";

/** The levels, lowest first. A service reaches a level when every check of it and of the levels below passes. */
export const LEVELS = ["bronze", "silver", "gold"] as const;

/** A scorecard level. */
export type Level = (typeof LEVELS)[number];

/** What one check makes of one service in one environment. */
export type CheckStatus = "pass" | "fail" | "n/a";

/** Everything a check may look at: the resolved service, where it runs, its team and its policy results. */
export interface CheckContext {
  service: ResolvedService;
  environment: EnvironmentModel;
  /** Production: prod, or the last environment of the promotion order (as policy decides). */
  production: boolean;
  /** The owning team's file; undefined only when resolve already reported the team unknown. */
  team: TeamModel | undefined;
  /** The policy's findings about this service in this environment, with the exception that waived each denial. */
  policy: readonly PolicyResult[];
}

/** A check's verdict and what it saw, for a person ("readiness /ready, liveness /healthz"). */
export interface CheckOutcome {
  status: CheckStatus;
  detail: string;
}

/**
 * One readiness check. Checks are data: the level table in the README and
 * every output are built from this list, so a new check is one entry.
 */
export interface ScorecardCheck {
  /** Stable id, used in JSON and in the portal: kebab-case. */
  id: string;
  /** What it asks, for a person. */
  title: string;
  /** The lowest level that needs it. */
  level: Level;
  evaluate(context: CheckContext): CheckOutcome;
}

const pass = (detail: string): CheckOutcome => ({ status: "pass", detail });
const fail = (detail: string): CheckOutcome => ({ status: "fail", detail });
const notApplicable = (detail: string): CheckOutcome => ({ status: "n/a", detail });

// The pattern of the policy's lib.semver_pattern (SEC003): a release tag is immutable by convention.
const SEMVER =
  /^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/** Whether an image reference is pinned: a sha256 digest, or a semver tag (the policy's SEC003 rule). */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return true;
  const name = image.split("@")[0] ?? "";
  const last = name.split("/").pop() ?? "";
  const parts = last.split(":");
  return parts.length === 2 && SEMVER.test(parts[1] ?? "");
}

/** Whether a setting was written for the service (its spec or override), not inherited from the environment's defaults. */
function setByService(service: ResolvedService, path: string): boolean {
  return service.origins.get(path)?.file === service.file;
}

/** The readiness checks every service is held to, bronze first. */
export const CORE_CHECKS: readonly ScorecardCheck[] = [
  {
    id: "owner-contact",
    title: "owning team has a contact (team file: contact.slack or contact.email)",
    level: "bronze",
    evaluate: ({ team }) => {
      const contact = team?.spec.contact;
      const ways = [contact?.slack, contact?.email].filter((c): c is string => !!c);
      return ways.length > 0 ? pass(ways.join(", ")) : fail("the team file has no contact");
    },
  },
  {
    id: "description",
    title: "service has a description (metadata.description)",
    level: "bronze",
    evaluate: ({ service }) =>
      service.description.trim() !== "" ? pass(service.description) : fail("metadata.description is empty"),
  },
  {
    id: "resources",
    title: "CPU and memory requests set by the service, and a memory limit",
    level: "bronze",
    evaluate: ({ service }) => {
      const { cpu, memory, limits } = service.resources;
      const inherited = ["resources.cpu", "resources.memory"].filter((p) => !setByService(service, p));
      return inherited.length === 0
        ? pass(
            `requests ${cpu} CPU, ${memory}; limit ${limits.memory}${limits.cpu ? `, ${limits.cpu} CPU` : ""}`,
          )
        : fail(
            `${inherited.join(" and ")} only come from the environment's defaults: set what the service needs`,
          );
    },
  },
  {
    id: "probes",
    title: "health probes: readiness and liveness for web services, liveness for workers",
    level: "silver",
    evaluate: ({ service }) => {
      if (service.type === "cron") return notApplicable("cron jobs run to completion");
      const needed = service.type === "web" ? (["readiness", "liveness"] as const) : (["liveness"] as const);
      const missing = needed.filter((p) => service.probes[p] === undefined);
      return missing.length === 0
        ? pass(needed.join(" and "))
        : fail(`no ${missing.join(" or ")} probe (spec.probes.${missing[0]})`);
    },
  },
  {
    id: "pinned-image",
    title: "every image pinned: a sha256 digest or a semver release tag",
    level: "silver",
    evaluate: ({ service }) => {
      const images = [service.image, ...service.initContainers, ...service.sidecars].map((c) =>
        typeof c === "string" ? c : c.image,
      );
      const loose = images.filter((image) => !isPinnedImage(image));
      return loose.length === 0 ? pass(service.image) : fail(`not pinned: ${loose.join(", ")}`);
    },
  },
  {
    id: "route-tls",
    title: "the route is served over TLS (the environment's routing.tlsIssuer)",
    level: "silver",
    evaluate: ({ service, environment }) => {
      if (!service.route) return notApplicable("no route");
      const issuer = environment.spec.routing?.tlsIssuer;
      return issuer
        ? pass(`${service.route.host} (issuer ${issuer})`)
        : fail(`${service.route.host} is served without TLS: ${environment.name} sets no routing.tlsIssuer`);
    },
  },
  {
    id: "replicas",
    title: "in production, at least 2 pods (replicas, or autoscale.min)",
    level: "gold",
    evaluate: ({ service, production }) => {
      if (!production) return notApplicable("not a production environment");
      if (service.type === "cron") return notApplicable("cron jobs run one pod per run");
      const pods = service.autoscale ? service.autoscale.min : (service.replicas ?? 1);
      const what = service.autoscale ? `autoscale.min ${pods}` : `replicas ${pods}`;
      return pods >= 2 ? pass(what) : fail(`${what}: one pod down is the service down`);
    },
  },
  {
    id: "no-exceptions",
    title: "no policy exception in force",
    level: "gold",
    evaluate: ({ policy }) => {
      const waived = [...new Set(policy.flatMap((r) => (r.waivedBy ? [r.rule] : [])))].sort();
      return waived.length === 0
        ? pass("none")
        : fail(`waived: ${waived.join(", ")} (policies/exceptions.yaml)`);
    },
  },
  {
    id: "no-policy-warnings",
    title: "no policy warnings",
    level: "gold",
    evaluate: ({ policy }) => {
      const warned = [
        ...new Set(policy.filter((r) => r.severity === "warn" && !r.waivedBy).map((r) => r.rule)),
      ];
      return warned.length === 0 ? pass("none") : fail(`warnings: ${warned.sort().join(", ")}`);
    },
  },
];

/**
 * Observability checks ("has metrics", "has an SLO") go here once the
 * resolved service carries an `observability` field: each an entry like the
 * core checks, reading `context.service.observability`. Empty until then.
 */
export const OBSERVABILITY_CHECKS: readonly ScorecardCheck[] = [];

/** Every check a scorecard runs, in the order outputs list them. */
export const SCORECARD_CHECKS: readonly ScorecardCheck[] = [...CORE_CHECKS, ...OBSERVABILITY_CHECKS];
