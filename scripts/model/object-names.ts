import { compareNames } from "./environments.js";
import type { Findings } from "./findings.js";
import { type Origin, originOf } from "./merge.js";
import type { EnvironmentModel, ResolvedService } from "./resolved.js";
import { secretStoreName } from "./secret-store.js";

/** The suffix of a service's ConfigMap of plain variables, `<service>-env`. */
export const CONFIG_SUFFIX = "env";

/** The suffix of a service's ExternalSecret and the Secret it writes, `<service>-secrets`. */
export const SECRETS_NAME_SUFFIX = "secrets";

/** The deny-all NetworkPolicy every team namespace has. */
export const DEFAULT_DENY_NAME = "default-deny";

/** The ServiceAccount (and its RoleBinding) Flux impersonates in a team namespace. */
export const FLUX_TENANT_ACCOUNT = "gitops-reconciler";

/** One object name in a namespace, who takes it and for what. */
export interface NameClaim {
  name: string;
  /** The service that takes it, or undefined for the platform's own objects. */
  service?: ResolvedService;
  /** What the name is, for a person: "web's ConfigMap of plain variables". */
  what: string;
  /** Where the name comes from, for the finding. */
  origin: Origin;
  /** Point the finding at the key (a dependency's name) rather than its value. */
  atKey?: boolean;
}

/**
 * The names a service's objects take in its namespace, in render order:
 * `<service>` (ServiceAccount, Service, Deployment or CronJob, autoscaler,
 * disruption budget, route, NetworkPolicy), `<service>-env` (ConfigMap),
 * `<service>-secrets` (ExternalSecret and its Secret) and
 * `<service>-<dependency>` (the claim and its connection Secret) per
 * dependency. The ConfigMap and secrets names are taken whether or not the
 * service has variables or secrets today, so adding one later never turns a
 * valid repository into a broken one.
 */
export function serviceNameClaims(service: ResolvedService): readonly NameClaim[] {
  let claims = claimsOf.get(service);
  if (!claims) {
    claims = nameClaims(service);
    claimsOf.set(service, claims);
  }
  return claims;
}

/**
 * Once per service object: `idp plan` resolves the base with the head's
 * unchanged services, and checks both sides' names.
 */
const claimsOf = new WeakMap<ResolvedService, readonly NameClaim[]>();

function nameClaims(service: ResolvedService): NameClaim[] {
  const named: Origin = { file: service.file, path: ["metadata", "name"] };
  const claims: NameClaim[] = [
    {
      name: service.name,
      service,
      what: `${service.name}'s workload, Service and NetworkPolicy`,
      origin: named,
    },
    {
      name: `${service.name}-${CONFIG_SUFFIX}`,
      service,
      what: `${service.name}'s ConfigMap of plain variables`,
      origin: named,
    },
    {
      name: `${service.name}-${SECRETS_NAME_SUFFIX}`,
      service,
      what: `${service.name}'s ExternalSecret and Secret`,
      origin: named,
    },
  ];
  for (const dependency of service.dependencies) {
    claims.push({
      name: `${service.name}-${dependency.name}`,
      service,
      what: `${service.name}'s dependency ${dependency.name} (its claim and connection Secret)`,
      // A getter: only a collision reads it, and reading a service's origins merges its layers again.
      get origin(): Origin {
        return (
          originOf(service.origins, `dependencies.${dependency.name}`) ?? {
            file: service.file,
            path: ["spec", "dependencies", dependency.name],
          }
        );
      },
      atKey: true,
    });
  }
  return claims;
}

/** The names the platform itself takes in every team namespace of `env`. */
export function platformNameClaims(env: EnvironmentModel): NameClaim[] {
  const at = (path: (string | number)[]): Origin => ({ file: env.file, path });
  const claims: NameClaim[] = [
    {
      name: DEFAULT_DENY_NAME,
      what: "the namespace's default-deny NetworkPolicy",
      origin: at(["spec", "namespace"]),
    },
    {
      name: secretStoreName(env),
      what: "the team's SecretStore and its ServiceAccount",
      origin: at(["spec", "secretStore"]),
    },
  ];
  if (env.spec.gitops.controller === "flux")
    claims.push({ name: FLUX_TENANT_ACCOUNT, what: "Flux's ServiceAccount", origin: at(["spec", "gitops"]) });
  return claims;
}

/**
 * Refuses two objects of one namespace with the same name, whatever their
 * kinds: a dependency named `secrets` would make the claim's connection
 * Secret `<svc>-secrets` overwrite the ExternalSecret's, a dependency `env`
 * would share `<svc>-env` with the ConfigMap, service `a-b` with dependency
 * `c` and service `a` with dependency `b-c` would both make `a-b-c`, and a
 * service named like a platform object (`default-deny`, the SecretStore's
 * account) would take it over. Services are taken in name order within each
 * namespace; the later claim is reported, on the line that makes the name
 * (the dependency's key, or the service's metadata.name).
 */
export function checkObjectNames(
  environments: readonly EnvironmentModel[],
  services: readonly ResolvedService[],
  findings: Findings,
): void {
  for (const env of environments) {
    const byNamespace = new Map<string, ResolvedService[]>();
    for (const service of services) {
      if (service.environment !== env.name) continue;
      const list = byNamespace.get(service.namespace) ?? [];
      list.push(service);
      byNamespace.set(service.namespace, list);
    }
    for (const members of byNamespace.values()) {
      const taken = new Map<string, NameClaim>();
      for (const claim of platformNameClaims(env)) taken.set(claim.name, claim);
      for (const service of [...members].sort((a, b) => compareNames(a.name, b.name))) {
        for (const claim of serviceNameClaims(service)) {
          const first = taken.get(claim.name);
          if (!first) {
            taken.set(claim.name, claim);
            continue;
          }
          reportCollision(claim, first, env, findings);
        }
      }
    }
  }
}

function reportCollision(
  claim: NameClaim,
  first: NameClaim,
  env: EnvironmentModel,
  findings: Findings,
): void {
  const where = first.service && first.service !== claim.service ? ` (${first.service.file})` : "";
  const subject = claim.atKey
    ? `dependency ${claim.name.slice((claim.service?.name.length ?? 0) + 1)} would be named ${claim.name}`
    : `service ${claim.service?.name ?? claim.name} takes the name ${claim.name} for ${claim.what}`;
  findings.error(
    "resolve.name-collision",
    `${subject}, which is already ${first.what}${where} in the same namespace in {env}`,
    claim.origin,
    {
      environment: env.name,
      ...(claim.atKey ? { at: "key" as const } : {}),
      hint: claim.atKey
        ? `rename the dependency: every object in a namespace needs a name of its own (${CONFIG_SUFFIX} and ${SECRETS_NAME_SUFFIX} are taken by the service's own objects)`
        : "rename the service: every object in a namespace needs a name of its own",
    },
  );
}
