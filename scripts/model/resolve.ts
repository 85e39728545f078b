import { checkPriceTables } from "../cost/prices.js";
import type { Diagnostic } from "../report/diagnostic.js";
import { resolveContainers } from "./containers.js";
import { checkPlaceholders, resolveDependencies } from "./dependencies.js";
import type { LoadedDocument } from "./document.js";
import { checkEgress } from "./egress-check.js";
import {
  checkEnvironments,
  checkFileNames,
  compareNames,
  namespaceFor,
  orderByPromotion,
} from "./environments.js";
import { checkExpose } from "./expose-check.js";
import { Findings } from "./findings.js";
import { type Layer, mergeLayers, mergeValues, type Origin, originOf } from "./merge.js";
import { checkMountPaths } from "./mount-paths.js";
import { checkObjectNames } from "./object-names.js";
import { resolveObservability, SLI_DEFAULTS } from "./observability.js";
import { checkProbePorts } from "./probe-ports.js";
import { checkQuantities } from "./quantities-check.js";
import { checkNamespaceTemplate, checkReservedNames } from "./reserved-names.js";
import type { EnvironmentModel, ResolvedPort, ResolvedService, TeamModel } from "./resolved.js";
import { soundValues } from "./schema.js";
import { checkAlertingSecretScope, checkSecretScope } from "./secret-scope.js";
import {
  checkSecrets,
  checkServiceFile,
  checkServiceReferences,
  checkWorkloadShape,
} from "./service-checks.js";
import { checkSharedClusters } from "./shared-clusters.js";
import type { Environment, Service, ServiceSettings, Team } from "./types.generated.js";
import { checkVolumeReplicas } from "./volume-dependencies.js";

/** Schema-valid documents of each kind, and names of files that exist but failed validation. */
export interface ResolveInput {
  environments: readonly LoadedDocument[];
  teams: readonly LoadedDocument[];
  services: readonly LoadedDocument[];
  /**
   * Names of environments, teams and services whose files exist but are
   * invalid: references to them are not reported again (one mistake, one
   * diagnostic), but nothing is resolved against them.
   */
  broken?: { environments?: readonly string[]; teams?: readonly string[]; services?: readonly string[] };
  /**
   * Service files that failed their schema, with the JSON pointers of what
   * failed: they are not resolved, but their references that did pass (the
   * team, calls, override names) are still checked, so one run shows every
   * mistake of the file.
   */
  invalidServices?: readonly { document: LoadedDocument; invalid: readonly string[] }[];
}

/** Everything resolve produces: the models, one resolved service per (service, environment), and findings. */
export interface Resolution {
  /** In promotion order (the first environment first). */
  environments: EnvironmentModel[];
  teams: TeamModel[];
  /** By service file, then environment in promotion order. */
  services: ResolvedService[];
  diagnostics: Diagnostic[];
}

/**
 * An earlier resolution whose services may stand in for resolving again: a
 * service document in an environment resolves the same every time, so where
 * both documents are the very objects the earlier resolution read, its
 * resolved service is taken as it is (`idp plan` resolves the base from
 * mostly the head's documents). Pass only a resolution without errors: a
 * service taken over brings no findings with it.
 */
export interface ResolvedBefore {
  documents: ReadonlyMap<string, LoadedDocument>;
  services: readonly ResolvedService[];
}

/** Defaults when neither the environment nor the service sets them. */
const FALLBACK = { replicas: 1, cpu: "100m", memory: "128Mi", autoscaleCpu: 80, protocol: "http" } as const;

/**
 * Merges environment defaults ← service spec ← per-environment override into
 * one resolved service per (service, environment), and checks what no single
 * schema can: references across files, choices that exclude each other,
 * quantities, secret references and `${...}` placeholders. Every finding
 * points at the line that set the offending value.
 */
export function resolveRepository(input: ResolveInput, before?: ResolvedBefore): Resolution {
  const invalidServices = input.invalidServices ?? [];
  const findings = new Findings([
    ...input.environments,
    ...input.teams,
    ...input.services,
    ...invalidServices.map((s) => s.document),
  ]);
  const teams = input.teams.map(toTeamModel);
  const environments = orderByPromotion(input.environments.map(toEnvironmentModel));
  checkFileNames([...environments, ...teams], findings);
  checkEnvironments(environments, teams, findings);
  checkPriceTables(environments, findings);
  for (const environment of environments) checkNamespaceTemplate(environment, findings);
  checkReservedNames(environments, teams, findings);
  checkSharedClusters(environments, teams, findings);
  for (const team of teams) checkAlertingSecretScope(team, findings);

  const known = {
    teams: new Set([...teams.map((t) => t.name), ...(input.broken?.teams ?? [])]),
    environments: new Set([...environments.map((e) => e.name), ...(input.broken?.environments ?? [])]),
    services: new Set([
      ...input.services.map((doc) => (doc.value as Service).metadata.name),
      ...(input.broken?.services ?? []),
    ]),
  };
  for (const { document, invalid } of invalidServices) {
    checkServiceReferences(document, known, findings, soundValues(invalid));
  }
  const reusable = reusableServices(input.environments, before);
  const services: ResolvedService[] = [];
  for (const doc of [...input.services].sort((a, b) => compareNames(a.file, b.file))) {
    const service = doc.value as Service;
    checkServiceFile(doc, service, known, findings);
    if (!teams.some((t) => t.name === service.metadata.team)) continue;
    const unchanged = before?.documents.get(doc.file) === doc;
    for (const environment of environments) {
      const resolved =
        (unchanged ? reusable.get(`${doc.file}\u0000${environment.name}`) : undefined) ??
        resolveService(doc, service, environment, findings);
      if (resolved) services.push(resolved);
    }
  }
  const teamsByName = new Map(teams.map((t) => [t.name, t]));
  for (const service of services) {
    const team = teamsByName.get(service.team);
    if (team) checkSecretScope(service, team, findings);
  }
  checkAcrossServices(services, findings);
  checkObjectNames(environments, services, findings);
  return { environments, teams, services, diagnostics: findings.diagnostics() };
}

/** The earlier resolution's services whose environment document is unchanged, by file and environment. */
function reusableServices(
  environments: readonly LoadedDocument[],
  before: ResolvedBefore | undefined,
): Map<string, ResolvedService> {
  const reusable = new Map<string, ResolvedService>();
  if (!before) return reusable;
  const unchanged = new Set(
    environments
      .filter((doc) => before.documents.get(doc.file) === doc)
      .map((doc) => (doc.value as Environment).metadata.name),
  );
  for (const service of before.services) {
    if (unchanged.has(service.environment))
      reusable.set(`${service.file}\u0000${service.environment}`, service);
  }
  return reusable;
}

function toTeamModel(doc: LoadedDocument): TeamModel {
  const team = doc.value as Team;
  return { name: team.metadata.name, file: doc.file, spec: team.spec };
}

function toEnvironmentModel(doc: LoadedDocument): EnvironmentModel {
  const environment = doc.value as Environment;
  return { name: environment.metadata.name, file: doc.file, spec: environment.spec };
}

/** Resolves one service in one environment; undefined when it is disabled there. */
function resolveService(
  doc: LoadedDocument,
  service: Service,
  env: EnvironmentModel,
  findings: Findings,
): ResolvedService | undefined {
  const { type, environments: overrides, ...settings } = service.spec;
  const { enabled, ...overrideSettings } = overrides?.[env.name] ?? {};
  if (enabled === false) return undefined;
  const layers: Layer[] = [
    { value: { ...env.spec.defaults }, origin: { file: env.file, path: ["spec", "defaults"] } },
    { value: { ...settings }, origin: { file: doc.file, path: ["spec"] } },
    { value: { ...overrideSettings }, origin: { file: doc.file, path: ["spec", "environments", env.name] } },
  ];
  const merged = mergeValues(layers) as ServiceSettings;
  // Where each value was set is only ever asked to point a finding at its
  // line: merged again on first use, not kept for every service up front.
  let origins: ReadonlyMap<string, Origin> | undefined;
  const originsOf = () => {
    origins ??= mergeLayers(layers).origins;
    return origins;
  };
  const origin = (dotted: string): Origin =>
    originOf(originsOf(), dotted) ?? { file: doc.file, path: ["spec", ...dotted.split(".")] };

  const resources = merged.resources ?? { cpu: FALLBACK.cpu, memory: FALLBACK.memory };
  const fields: Omit<ResolvedService, "origins"> = {
    name: service.metadata.name,
    team: service.metadata.team,
    tier: service.metadata.tier ?? "standard",
    description: service.metadata.description ?? "",
    environment: env.name,
    namespace: namespaceFor(env, service.metadata.team),
    file: doc.file,
    type,
    // The schema requires spec.image, so every merge has one.
    image: merged.image as string,
    ports: expandPorts(merged),
    resources: {
      cpu: String(resources.cpu ?? FALLBACK.cpu),
      memory: String(resources.memory ?? FALLBACK.memory),
      limits: {
        ...(resources.limits?.cpu !== undefined ? { cpu: String(resources.limits.cpu) } : {}),
        memory: String(resources.limits?.memory ?? resources.memory ?? FALLBACK.memory),
      },
    },
    env: { ...merged.env },
    secrets: { ...merged.secrets },
    probes: { ...merged.probes },
    calls: [...(merged.calls ?? [])],
    dependencies: [],
    initContainers: [],
    sidecars: [],
    volumes: (merged.volumes ?? []).map((v) => ({ path: v.path, emptyDir: { ...v.emptyDir } })),
    files: (merged.files ?? []).map((f) => ({ ...f })),
    egress: (merged.egress ?? []).map((rule) => ({ ...rule, ports: [...rule.ports] })),
    observability: { protocol: "http", sli: SLI_DEFAULTS.http, severity: "warning" },
  };
  // Not enumerable: copies, JSON and fingerprints of the settings leave it out without computing it.
  const resolved = Object.defineProperty(fields, "origins", {
    get: originsOf,
    enumerable: false,
  }) as ResolvedService;
  if (merged.command) resolved.command = [...merged.command];
  if (merged.args) resolved.args = [...merged.args];
  if (merged.terminationGracePeriodSeconds !== undefined)
    resolved.terminationGracePeriodSeconds = merged.terminationGracePeriodSeconds;
  if (merged.route) resolved.route = { host: merged.route.host, path: merged.route.path ?? "/" };
  if (merged.schedule !== undefined) resolved.schedule = merged.schedule;
  if (merged.expose === "loadBalancer") resolved.expose = "loadBalancer";
  if (merged.autoscale && type !== "cron") {
    const { min, max, cpu } = merged.autoscale;
    resolved.autoscale = { min: min ?? 1, max, cpu: cpu ?? FALLBACK.autoscaleCpu };
  } else {
    resolved.replicas = merged.replicas ?? FALLBACK.replicas;
  }

  checkWorkloadShape(resolved, merged, origin, findings);
  checkQuantities(merged.resources, (path) => origin(["resources", ...path].join(".")), findings, env.name);
  checkSecrets(resolved, origin, findings);
  checkProbePorts(resolved, origin, findings);
  checkEgress(resolved, origin, findings);
  checkExpose(resolved, env, origin, findings);
  resolved.observability = resolveObservability(resolved, merged, env, origin, findings);
  Object.assign(resolved, resolveContainers(merged, origin, findings, env.name));
  resolved.dependencies = resolveDependencies(merged, env, origin, findings);
  checkMountPaths(resolved, origin, findings);
  checkVolumeReplicas(resolved, origin, findings);
  checkPlaceholders(resolved, origin, findings);
  return resolved;
}

/** The `port` shorthand is container port N behind Service port 80 named http. */
function expandPorts(merged: ServiceSettings): ResolvedPort[] {
  if (merged.port !== undefined) {
    return [{ name: "http", port: 80, targetPort: merged.port, protocol: "http" }];
  }
  return (merged.ports ?? []).map((p) => ({
    name: p.name,
    port: p.port,
    targetPort: p.targetPort ?? p.port,
    protocol: p.protocol ?? FALLBACK.protocol,
  }));
}

/** Checks that need every resolved service at once: route hosts, and what each service calls. */
function checkAcrossServices(services: readonly ResolvedService[], findings: Findings): void {
  const byKey = new Map(services.map((s) => [`${s.environment}/${s.name}`, s]));
  const everywhere = new Set(services.map((s) => s.name));
  const hosts = new Map<string, ResolvedService>();
  for (const service of services) {
    const environment = service.environment;
    if (service.route) {
      const key = `${environment}/${service.route.host.toLowerCase()}`;
      const owner = hosts.get(key);
      if (owner) {
        findings.error(
          "resolve.duplicate-host",
          `route host ${service.route.host} is already claimed by ${owner.name} (${owner.file}) in {env}`,
          originOf(service.origins, "route.host") ?? { file: service.file, path: ["spec", "route"] },
          { environment, hint: "each host belongs to one service; pick another host" },
        );
      } else {
        hosts.set(key, service);
      }
    }
    const callsOrigin = () =>
      originOf(service.origins, "calls") ?? { file: service.file, path: ["spec", "calls"] };
    for (const name of service.calls) {
      const target = byKey.get(`${environment}/${name}`);
      if (target && target.type !== "web") {
        findings.error(
          "resolve.call-not-web",
          `${service.name} calls ${name}, a ${target.type}: only web services listen for calls`,
          callsOrigin(),
          { environment, hint: `remove ${name} from calls` },
        );
      } else if (!target && everywhere.has(name)) {
        findings.error(
          "resolve.call-disabled",
          `${service.name} calls ${name}, which is not enabled in {env}`,
          callsOrigin(),
          {
            environment,
            hint: `enable ${name} in {env}, or override calls there without it`,
          },
        );
      }
    }
  }
}
