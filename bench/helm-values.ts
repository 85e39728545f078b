import { claimClassOf, volumeOf } from "../scripts/model/dependencies.js";
import { chooseProbePort } from "../scripts/model/probe-ports.js";
import type { ResolvedService } from "../scripts/model/resolved.js";
import { splitSecretReference } from "../scripts/model/secret-reference.js";
import { DEFAULT_SECRET_REFRESH, secretStoreName } from "../scripts/model/secret-store.js";
import type { Probe } from "../scripts/model/types.generated.js";
import type { RenderContext } from "../scripts/render/context.js";
import { resolveVariables } from "../scripts/render/service/environment-variables.js";
import { dependencyPort } from "../scripts/render/service/network-policy.js";
import { DEFAULT_CONTROLLER_NAMESPACE } from "../scripts/render/service/service-chart.js";
import { calledService, indexServices } from "../scripts/render/service/service-index.js";

/**
 * The values of the benchmark's Helm chart (bench/helm/chart) for one
 * environment: every resolved service of it, as a Helm user would feed a
 * chart that lists every service. The chart's templates build the objects
 * (labels, metadata, pod template, probes, Service, autoscaler, budget,
 * claims, routes, network policy, secrets); what needs the other services or
 * the repository's placeholder syntax is done here, once, the way a Helm user
 * would precompute it outside the chart:
 * - `env` placeholders resolved (`config`: plain variables, `env`: secret
 *   references and composed values), with idp's own resolver;
 * - who calls the service (`callers`) and whom it calls (`calls`, with the
 *   called service's namespace and container ports);
 * - each probe's port as a container port number (from a port name or the
 *   first http port);
 * - the sorted, de-duplicated ports of connected dependencies;
 * - each dependency's claim or volume from its environment's class.
 * Everything else is the resolved service as it is.
 */
export interface HelmValues {
  environment: string;
  secretStore: { name: string; refreshInterval: string };
  routing: {
    kind: "ingress" | "gateway";
    className: string;
    tlsIssuer?: string;
    controllerNamespace: string;
    gateway?: { name: string; namespace?: string };
  };
  services: HelmService[];
}

/** One service in the chart's values. */
export interface HelmService {
  name: string;
  team: string;
  tier: string;
  type: "web" | "worker" | "cron";
  file: string;
  namespace: string;
  image: string;
  command?: string[];
  args?: string[];
  terminationGracePeriodSeconds?: number;
  ports: { name: string; port: number; targetPort: number; protocol: string }[];
  route?: { host: string; path: string };
  expose?: "loadBalancer";
  schedule?: string;
  replicas?: number;
  autoscale?: { min: number; max: number; cpu: number };
  resources: ResolvedService["resources"];
  initContainers: HelmContainer[];
  sidecars: HelmContainer[];
  config: Record<string, string>;
  env: ({ name: string; value: string } | { name: string; secretName: string; key: string })[];
  secrets: { secretKey: string; key: string; property: string }[];
  probes: { readiness?: HelmProbe; liveness?: HelmProbe };
  dependencies: HelmDependency[];
  dependencyPorts: number[];
  callers: { name: string; namespace: string }[];
  calls: { name: string; namespace: string; ports: number[] }[];
  volumes: { path: string; sizeLimit: string | number }[];
  files: { path: string; content: string }[];
  /** `egress:` as the NetworkPolicy needs it: CIDR rules with sorted ports, host entries' ports merged and sorted. */
  egress: { cidrs: { cidr: string; ports: number[] }[]; hostPorts: number[]; hosts?: string };
}

/** A sidecar or init container: env as a list, in the order written. */
export interface HelmContainer {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env: { name: string; value: string }[];
  resources: ResolvedService["resources"];
}

/** A probe with its port resolved to a container port number. */
export interface HelmProbe {
  kind: "http" | "tcp" | "grpc" | "exec";
  path?: string;
  port?: number;
  headers?: { name: string; value: string }[];
  command?: string[];
  failureThreshold?: number;
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
}

/** A dependency: its claim object (a class's claim) or a PersistentVolumeClaim (a volume class). */
export interface HelmDependency {
  name: string;
  claim?: {
    apiVersion: string;
    kind: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    spec: Record<string, unknown>;
  };
  volume?: { storageClassName?: string; size: string; path: string };
}

/** The chart's values for one environment's resolved services (`context.services`). */
export function helmValues(context: RenderContext): HelmValues {
  const environment = context.environment;
  const routing = environment.spec.routing;
  const index = indexServices(context);
  return {
    environment: environment.name,
    secretStore: {
      name: secretStoreName(environment),
      refreshInterval: environment.spec.secretStore?.refreshInterval ?? DEFAULT_SECRET_REFRESH,
    },
    routing: {
      kind: routing?.kind === "gateway" ? "gateway" : "ingress",
      className: routing?.className ?? "nginx",
      ...(routing?.tlsIssuer ? { tlsIssuer: routing.tlsIssuer } : {}),
      controllerNamespace: routing?.controllerNamespace ?? DEFAULT_CONTROLLER_NAMESPACE,
      ...(routing?.gateway ? { gateway: routing.gateway } : {}),
    },
    services: context.services.map(helmService),
  };

  function helmService(service: ResolvedService): HelmService {
    const variables = resolveVariables(service, index);
    const probes: HelmService["probes"] = {};
    if (service.probes.readiness) probes.readiness = helmProbe(service, service.probes.readiness);
    if (service.probes.liveness) probes.liveness = helmProbe(service, service.probes.liveness);
    return {
      name: service.name,
      team: service.team,
      tier: service.tier,
      type: service.type,
      file: service.file,
      namespace: service.namespace,
      image: service.image,
      ...(service.command ? { command: service.command } : {}),
      ...(service.args ? { args: service.args } : {}),
      ...(service.terminationGracePeriodSeconds !== undefined
        ? { terminationGracePeriodSeconds: service.terminationGracePeriodSeconds }
        : {}),
      ports: service.ports.map((p) => ({ ...p })),
      ...(service.route ? { route: service.route } : {}),
      ...(service.expose ? { expose: service.expose } : {}),
      ...(service.schedule ? { schedule: service.schedule } : {}),
      ...(service.replicas !== undefined ? { replicas: service.replicas } : {}),
      ...(service.autoscale ? { autoscale: service.autoscale } : {}),
      resources: service.resources,
      initContainers: service.initContainers.map(helmContainer),
      sidecars: service.sidecars.map(helmContainer),
      config: variables.plain,
      env: variables.env.map((v) =>
        "value" in v
          ? { name: v.name, value: v.value }
          : { name: v.name, secretName: v.secretName, key: v.key },
      ),
      secrets: Object.entries(service.secrets).map(([secretKey, reference]) => {
        const { path, key } = splitSecretReference(reference);
        return { secretKey, key: path, property: key };
      }),
      probes,
      dependencies: service.dependencies.map(helmDependency),
      dependencyPorts: [
        ...new Set(service.dependencies.filter((d) => d.path === undefined).map(dependencyPort)),
      ].sort((a, b) => a - b),
      callers: (index.callers.get(service.name) ?? []).map((c) => ({ name: c.name, namespace: c.namespace })),
      calls: service.calls.map((name) => {
        const called = calledService(service, name, index);
        return {
          name: called.name,
          namespace: called.namespace,
          ports: [...new Set(called.ports.map((p) => p.targetPort))],
        };
      }),
      volumes: service.volumes.map((v) => ({ path: v.path, sizeLimit: v.emptyDir.sizeLimit })),
      files: service.files.map((f) => ({ path: f.path, content: f.content })),
      egress: helmEgress(service.egress),
    };
  }
}

function helmEgress(rules: ResolvedService["egress"]): HelmService["egress"] {
  const sorted = (ports: readonly number[]) => [...ports].sort((a, b) => a - b);
  const cidrs: HelmService["egress"]["cidrs"] = [];
  const hostPorts = new Set<number>();
  const hosts: string[] = [];
  for (const rule of rules) {
    if ("cidr" in rule) cidrs.push({ cidr: rule.cidr, ports: sorted(rule.ports) });
    else {
      for (const port of rule.ports) hostPorts.add(port);
      hosts.push(`${rule.host}:${rule.ports.join(",")}`);
    }
  }
  return {
    cidrs,
    hostPorts: sorted([...hostPorts]),
    ...(hosts.length > 0 ? { hosts: hosts.join(" ") } : {}),
  };
}

function helmContainer(container: ResolvedService["sidecars"][number]): HelmContainer {
  return {
    name: container.name,
    image: container.image,
    ...(container.command ? { command: container.command } : {}),
    ...(container.args ? { args: container.args } : {}),
    env: Object.entries(container.env).map(([name, value]) => ({ name, value })),
    resources: container.resources,
  };
}

function helmDependency(dependency: ResolvedService["dependencies"][number]): HelmDependency {
  const volume = volumeOf(dependency.class);
  if (volume) {
    return {
      name: dependency.name,
      volume: {
        ...(volume.storageClassName ? { storageClassName: volume.storageClassName } : {}),
        size: String(volume.size),
        path: dependency.path ?? "",
      },
    };
  }
  const claim = claimClassOf(dependency.class)?.claim;
  if (!claim) throw new Error(`dependency ${dependency.name} has neither a claim nor a volume`);
  return {
    name: dependency.name,
    claim: {
      apiVersion: claim.apiVersion,
      kind: claim.kind,
      ...(claim.metadata?.labels ? { labels: claim.metadata.labels } : {}),
      ...(claim.metadata?.annotations ? { annotations: claim.metadata.annotations } : {}),
      spec: (claim.spec ?? {}) as Record<string, unknown>,
    },
  };
}

/** A probe as the template writes it: the container port chosen the way idp's render chooses it. */
function helmProbe(service: ResolvedService, probe: Probe): HelmProbe {
  const port = (protocol: "http" | "tcp" | "grpc", asked: number | string | undefined): number => {
    const choice = chooseProbePort(service.ports, protocol, asked);
    if ("problem" in choice) throw new Error(`a probe of ${service.name} ${choice.problem}`);
    return choice.port.targetPort;
  };
  if (typeof probe === "string") return { kind: "http", path: probe, port: port("http", undefined) };
  const timings = {
    ...(probe.failureThreshold !== undefined ? { failureThreshold: probe.failureThreshold } : {}),
    ...(probe.initialDelaySeconds !== undefined ? { initialDelaySeconds: probe.initialDelaySeconds } : {}),
    ...(probe.periodSeconds !== undefined ? { periodSeconds: probe.periodSeconds } : {}),
    ...(probe.timeoutSeconds !== undefined ? { timeoutSeconds: probe.timeoutSeconds } : {}),
  };
  if ("http" in probe) {
    const headers = Object.entries(probe.http.headers ?? {}).map(([name, value]) => ({ name, value }));
    return {
      kind: "http",
      path: probe.http.path,
      port: port("http", probe.http.port),
      ...(headers.length > 0 ? { headers } : {}),
      ...timings,
    };
  }
  if ("tcp" in probe) return { kind: "tcp", port: port("tcp", probe.tcp.port), ...timings };
  if ("grpc" in probe) return { kind: "grpc", port: port("grpc", probe.grpc.port), ...timings };
  return { kind: "exec", command: probe.exec, ...timings };
}
