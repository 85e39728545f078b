import type { Origin } from "./merge.js";
import type { ServiceObservability } from "./observability.js";
import type {
  DependencyClass,
  EgressRule,
  EnvironmentSpec,
  File,
  Probe,
  ScratchVolume,
  TeamSpec,
} from "./types.generated.js";

/** A service port after the `port` shorthand is expanded. */
export interface ResolvedPort {
  name: string;
  /** The port the Kubernetes Service listens on. */
  port: number;
  /** The container port. */
  targetPort: number;
  protocol: "http" | "grpc" | "tcp";
}

/** CPU and memory requests as written, and limits (the memory limit defaults to the request). */
export interface ResolvedResources {
  cpu: string;
  memory: string;
  limits: { cpu?: string; memory: string };
}

/** A sidecar or init container, as written, with its resources resolved. */
export interface ResolvedContainer {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  /** Plain variables, taken literally (no placeholders). */
  env: Record<string, string>;
  resources: ResolvedResources;
}

/** A dependency with the class its environment provides for it. */
export interface ResolvedDependency {
  name: string;
  type: string;
  size: string;
  class: DependencyClass;
  /** Where a volume class's claim is mounted in the main container; only for volume classes. */
  path?: string;
}

/**
 * One service as it runs in one environment: environment defaults, then the
 * service spec, then its override for that environment, merged and checked.
 * This is what policy judges and what render turns into manifests.
 */
export interface ResolvedService {
  name: string;
  team: string;
  tier: "critical" | "standard" | "experimental";
  description: string;
  environment: string;
  /** The team's namespace in this environment. */
  namespace: string;
  /** The service file, relative to the root. */
  file: string;
  type: "web" | "worker" | "cron";
  image: string;
  command?: string[];
  args?: string[];
  /** Seconds between SIGTERM and SIGKILL; absent means the Kubernetes default, 30. */
  terminationGracePeriodSeconds?: number;
  ports: ResolvedPort[];
  route?: { host: string; path: string };
  /** `expose: loadBalancer`: the Service is of type LoadBalancer. Absent for a ClusterIP Service. */
  expose?: "loadBalancer";
  schedule?: string;
  /** Fixed replica count; absent when `autoscale` is set. */
  replicas?: number;
  autoscale?: { min: number; max: number; cpu: number };
  resources: ResolvedResources;
  /** Containers that run to completion before the main one; [] when none. */
  initContainers: ResolvedContainer[];
  /** Native sidecars (init containers with restartPolicy Always) beside the main one; [] when none. */
  sidecars: ResolvedContainer[];
  env: Record<string, string>;
  secrets: Record<string, string>;
  probes: { readiness?: Probe; liveness?: Probe };
  calls: string[];
  dependencies: ResolvedDependency[];
  /** Scratch emptyDirs at a path, in every container; [] when none. */
  volumes: ScratchVolume[];
  /** Read-only files with inline content, in the main container; [] when none. */
  files: File[];
  /** Destinations outside the cluster, as written (a host or a CIDR, and ports); [] when none. */
  egress: EgressRule[];
  /** Metrics scraping, SLOs, SLI metric names, runbook and alert severity (observability defaults of the environment applied). */
  observability: ServiceObservability;
  /** Dotted setting path ("resources.cpu") → the file and line that set it. */
  origins: ReadonlyMap<string, Origin>;
}

/** An environment with its name and file. */
export interface EnvironmentModel {
  name: string;
  file: string;
  spec: EnvironmentSpec;
}

/** A team with its name and file. */
export interface TeamModel {
  name: string;
  file: string;
  spec: TeamSpec;
}
