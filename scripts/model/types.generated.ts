/**
 * Types of the files people write: services, environments and teams.
 * generated from schemas/ by npm run types:generate; do not edit.
 */

// schemas/service.schema.json

/**
 * What the service runs and needs: the workload type, every setting, and per-environment overrides.
 */
export type ServiceSpec = ServiceSettings & {
  /**
   * The kind of workload: web (a Deployment and a Service), worker (a Deployment) or cron (a CronJob).
   */
  type: "web" | "worker" | "cron";
  /**
   * The container image, as repository:tag or repository@sha256:<digest>, from one of the environment's registries. Required; environments.<env>.image overrides it.
   */
  image: string;
  /**
   * Per-environment overrides of any spec setting, by environment name (environments/<name>.yaml). Set { enabled: false } to not run the service in that environment.
   */
  environments?: {
    [k: string]: EnvironmentOverride;
  };
};
/**
 * A health check: a string is an HTTP GET path on the first http port; an object has exactly one of http, grpc, tcp or exec, plus optional timings.
 */
export type Probe = string | HttpProbe | GrpcProbe | TcpProbe | ExecProbe;
/**
 * A health check by HTTP GET.
 */
export type HttpProbe = ProbeTimings & {
  /**
   * An HTTP GET; success is a 2xx or 3xx status.
   */
  http: HttpGetAction;
};
/**
 * A port the container declares, by its container port number (targetPort, or the port shorthand's number) or by its name under ports (the port shorthand is named http). A Service port that differs from the container port is refused.
 */
export type ProbePort = number | string;
/**
 * A health check by the gRPC health protocol.
 */
export type GrpcProbe = ProbeTimings & {
  /**
   * A gRPC health check (grpc.health.v1).
   */
  grpc: GrpcAction;
};
/**
 * A health check by opening a TCP connection: success is the connection being accepted. For ports that speak neither HTTP nor gRPC (a database protocol, a raw socket).
 */
export type TcpProbe = ProbeTimings & {
  /**
   * A TCP connection check.
   */
  tcp: TcpAction;
};
/**
 * A health check by a command run in the container.
 */
export type ExecProbe = ProbeTimings & {
  /**
   * A command run inside the container; success is exit status 0.
   *
   * @minItems 1
   */
  exec: [string, ...string[]];
};
/**
 * One external destination: a host name or a CIDR, and its TCP ports.
 */
export type EgressRule = EgressHost | EgressCidr;
/**
 * Settings for one environment, replacing those of spec; every spec setting except type and environments, plus enabled.
 */
export type EnvironmentOverride = ServiceSettings & {
  /**
   * Whether the service runs in this environment. Absent means true.
   */
  enabled?: boolean;
};

/**
 * A service an application team runs on the platform: what to run, how to reach it and what it needs, with per-environment overrides. One file per service at services/<name>/service.yaml.
 */
export interface Service {
  /**
   * Version of the platform file format. Always idp/v1.
   */
  apiVersion: "idp/v1";
  /**
   * What this file describes. Always Service in services/<name>/service.yaml.
   */
  kind: "Service";
  /**
   * Who the service is and who owns it.
   */
  metadata: ServiceMetadata;
  /**
   * What the service runs and needs, with per-environment overrides under environments.
   */
  spec: ServiceSpec;
}
/**
 * Who the service is and who owns it.
 */
export interface ServiceMetadata {
  /**
   * The service name: a DNS-1035 label (starts with a lowercase letter; lowercase letters, digits and '-'; ends with a letter or digit) of at most 40 characters, equal to the folder name under services/.
   */
  name: string;
  /**
   * The owning team: teams/<team>.yaml must exist. The team reviews changes to this service.
   */
  team: string;
  /**
   * One sentence on what the service does, shown in the catalog.
   */
  description?: string;
  /**
   * How much the business depends on the service: critical (stricter production rules), standard or experimental. Absent means standard.
   */
  tier?: "critical" | "standard" | "experimental";
}
/**
 * The settings a service spec and its per-environment overrides share.
 */
export interface ServiceSettings {
  /**
   * The container image, as repository:tag or repository@sha256:<digest>. It must come from one of the environment's registries.
   */
  image?: string;
  /**
   * The container entrypoint, replacing the image's ENTRYPOINT. Absent means the image's own.
   *
   * @minItems 1
   */
  command?: [string, ...string[]];
  /**
   * Arguments to the entrypoint, replacing the image's CMD. Absent means the image's own.
   */
  args?: string[];
  /**
   * Seconds a pod gets to shut down after SIGTERM (finish requests, flush, close connections) before it is killed. Absent means 30 (the Kubernetes default, written out). At most 600: a longer grace holds rollouts and node drains.
   */
  terminationGracePeriodSeconds?: number;
  /**
   * Web shorthand: the container listens for HTTP on this port, exposed as Service port 80 named http. Use either port or ports.
   */
  port?: number;
  /**
   * The full form of the ports the container listens on; the first http port receives the route. Use either port or ports.
   *
   * @minItems 1
   */
  ports?: [Port, ...Port[]];
  /**
   * Web only: how far the Service reaches. cluster keeps it a ClusterIP Service, reachable by services that call it (and by route:, through the environment's ingress controller or gateway). loadBalancer makes it a Service of type LoadBalancer: every Service port gets a public address from the cloud provider, without a host name or TLS, for protocols an HTTP route cannot carry (gRPC clients outside the cluster, raw TCP). Only where the environment sets routing.loadBalancers: true; reviewed by policy NET003 (an exception in production). Its NetworkPolicy then lets anyone in on the container ports. Absent means cluster.
   */
  expose?: "cluster" | "loadBalancer";
  /**
   * Web only: a public HTTP route to the first http port. Absent means the service is reachable only inside the cluster.
   */
  route?: Route;
  /**
   * Cron only: when the job runs, as a five-field cron expression (minute hour day-of-month month day-of-week), in UTC.
   */
  schedule?: string;
  /**
   * How many pods run. Use either replicas or autoscale; absent both, the environment's default applies. At most 1,000,000: above that, the policy's sums of requests × pods leave exact integer arithmetic (Kubernetes' own limit, int32, is higher).
   */
  replicas?: number;
  /**
   * Scale the number of pods with CPU load. Use either replicas or autoscale.
   */
  autoscale?: Autoscale;
  /**
   * CPU and memory requests per pod, and optional limits. Absent means the environment's defaults.
   */
  resources?: Resources;
  /**
   * Environment variables. Values may use placeholders: ${calls.NAME.host|port|address|url} and ${dependencies.NAME.OUTPUT}; write $${ for a literal ${. A secret output of a dependency may be the whole value or a part of one (REDIS_ADDR: ${dependencies.cache.host}:6379): it is read from the dependency's connection secret when the container starts, never written as text. Other values are plain, non-secret text. Quote values YAML would read as numbers or booleans.
   */
  env?: {
    /**
     * The value, possibly with ${...} placeholders.
     */
    [k: string]: string;
  };
  /**
   * Environment variables read from the secret store, as a reference <store path>#<key>, never the secret value itself.
   */
  secrets?: {
    /**
     * A secret store reference: <path>#<key>, such as payments/stripe#api_key.
     */
    [k: string]: string;
  };
  /**
   * Health checks: readiness gates traffic, liveness restarts a stuck container.
   */
  probes?: Probes;
  /**
   * Services this one talks to, by name. Network traffic is allowed between them, and ${calls.NAME...} placeholders become available.
   *
   * Items: A DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit.
   */
  calls?: string[];
  /**
   * Infrastructure this service needs (a database, a cache, a bucket, a queue), by a name of your choosing. Each environment's dependencyClasses say what a type and size become.
   */
  dependencies?: {
    [k: string]: Dependency;
  };
  /**
   * Destinations outside the cluster this service connects to (an external API, a partner's network), each a host name or a CIDR with the TCP ports. The NetworkPolicy allows nothing else out besides DNS, called services and dependencies. A CIDR becomes an ipBlock rule; a host name cannot be expressed in a NetworkPolicy, so host entries open their ports to every public IPv4 address (private, link-local and loopback ranges excepted) and are listed in the idp/egress-hosts annotation for review. Absent means no external egress.
   *
   * @minItems 1
   * @maxItems 32
   */
  egress?: [EgressRule, ...EgressRule[]];
  /**
   * Containers that run to completion, one after the other, before the main container (and the sidecars) start: a migration, a file fetched into a volume. Restricted like the main container (same user, no privileges, read-only root filesystem with /tmp and the volumes writable), images under the same registry rules, resources required. Absent means none.
   *
   * @minItems 1
   * @maxItems 8
   */
  initContainers?:
    | [Container]
    | [Container, Container]
    | [Container, Container, Container]
    | [Container, Container, Container, Container]
    | [Container, Container, Container, Container, Container]
    | [Container, Container, Container, Container, Container, Container]
    | [Container, Container, Container, Container, Container, Container, Container]
    | [Container, Container, Container, Container, Container, Container, Container, Container];
  /**
   * Containers that run beside the main container for the pod's whole life (a log shipper, a proxy), rendered as Kubernetes native sidecars (init containers with restartPolicy Always: started before the main container, stopped after it, and they do not keep a cron job's pod from finishing). Restricted like the main container, images under the same registry rules, resources required. Absent means none.
   *
   * @minItems 1
   * @maxItems 8
   */
  sidecars?:
    | [Container]
    | [Container, Container]
    | [Container, Container, Container]
    | [Container, Container, Container, Container]
    | [Container, Container, Container, Container, Container]
    | [Container, Container, Container, Container, Container, Container]
    | [Container, Container, Container, Container, Container, Container, Container]
    | [Container, Container, Container, Container, Container, Container, Container, Container];
  /**
   * Writable scratch directories beyond /tmp: an emptyDir with a size limit, mounted at its path in every container of the pod (the main one, init containers and sidecars), so an init container can prepare what the main one reads. Emptied when the pod goes. Absent means only /tmp.
   *
   * @minItems 1
   * @maxItems 8
   */
  volumes?:
    | [ScratchVolume]
    | [ScratchVolume, ScratchVolume]
    | [ScratchVolume, ScratchVolume, ScratchVolume]
    | [ScratchVolume, ScratchVolume, ScratchVolume, ScratchVolume]
    | [ScratchVolume, ScratchVolume, ScratchVolume, ScratchVolume, ScratchVolume]
    | [ScratchVolume, ScratchVolume, ScratchVolume, ScratchVolume, ScratchVolume, ScratchVolume]
    | [
        ScratchVolume,
        ScratchVolume,
        ScratchVolume,
        ScratchVolume,
        ScratchVolume,
        ScratchVolume,
        ScratchVolume,
      ]
    | [
        ScratchVolume,
        ScratchVolume,
        ScratchVolume,
        ScratchVolume,
        ScratchVolume,
        ScratchVolume,
        ScratchVolume,
        ScratchVolume,
      ];
  /**
   * Files with inline content, mounted read-only at their path in the main container: rendered as the ConfigMap <service>-files, one key per file, each mounted by subPath. The content is plain text in git and in the rendered manifests: never a credential (policy SEC004 refuses what looks like one; use secrets). A change of content rolls the pods. Absent means none.
   *
   * @minItems 1
   * @maxItems 16
   */
  files?:
    | [File]
    | [File, File]
    | [File, File, File]
    | [File, File, File, File]
    | [File, File, File, File, File]
    | [File, File, File, File, File, File]
    | [File, File, File, File, File, File, File]
    | [File, File, File, File, File, File, File, File]
    | [File, File, File, File, File, File, File, File, File]
    | [File, File, File, File, File, File, File, File, File, File]
    | [File, File, File, File, File, File, File, File, File, File, File]
    | [File, File, File, File, File, File, File, File, File, File, File, File]
    | [File, File, File, File, File, File, File, File, File, File, File, File, File]
    | [File, File, File, File, File, File, File, File, File, File, File, File, File, File]
    | [File, File, File, File, File, File, File, File, File, File, File, File, File, File, File]
    | [File, File, File, File, File, File, File, File, File, File, File, File, File, File, File, File];
  /**
   * Metrics scraping, SLOs and the runbook of this service; absent parts come from the environment's observability defaults.
   */
  observability?: Observability;
}
/**
 * A port the container listens on.
 */
export interface Port {
  /**
   * The port name (an IANA service name): lowercase letters, digits and '-', at least one letter, at most 15 characters.
   */
  name: string;
  /**
   * The port other services connect to (the Kubernetes Service port).
   */
  port: number;
  /**
   * The port the container listens on. Absent means the same as port.
   */
  targetPort?: number;
  /**
   * What the port speaks: http, grpc or tcp. Absent means http.
   */
  protocol?: "http" | "grpc" | "tcp";
}
/**
 * A public HTTP route to the service.
 */
export interface Route {
  /**
   * The public host name: under the environment's domain or one of the owning team's domains.
   */
  host: string;
  /**
   * The path prefix routed to the service. Absent means /.
   */
  path?: string;
}
/**
 * Horizontal pod autoscaling on CPU utilisation.
 */
export interface Autoscale {
  /**
   * The fewest pods. Absent means 1. At most 1,000,000: above that, the policy's sums of requests × pods leave exact integer arithmetic (Kubernetes' own limit, int32, is higher).
   */
  min?: number;
  /**
   * The most pods. At most 1,000,000: above that, the policy's sums of requests × pods leave exact integer arithmetic (Kubernetes' own limit, int32, is higher).
   */
  max: number;
  /**
   * Target average CPU utilisation, in percent of the CPU request. Absent means 80.
   */
  cpu?: number;
}
/**
 * CPU and memory requests per pod. Without limits, the memory limit equals the request and there is no CPU limit.
 */
export interface Resources {
  /**
   * CPU request: cores as a number (0.5) or a quantity string ("250m").
   */
  cpu?: number | string;
  /**
   * Memory request: a quantity string such as "256Mi" (a plain number is bytes).
   */
  memory?: number | string;
  /**
   * Upper bounds per pod. Absent means memory limit = request, no CPU limit.
   */
  limits?: ResourceLimits;
}
/**
 * CPU and memory limits per pod.
 */
export interface ResourceLimits {
  /**
   * CPU limit: cores as a number (1) or a quantity string ("500m"). Absent means no CPU limit.
   */
  cpu?: number | string;
  /**
   * Memory limit: a quantity string such as "512Mi". Absent means equal to the request.
   */
  memory?: number | string;
}
/**
 * Health checks of the container.
 */
export interface Probes {
  /**
   * When the pod may receive traffic: an HTTP GET path on the first http port, or a probe object.
   */
  readiness?: Probe;
  /**
   * When the container is restarted: an HTTP GET path on the first http port, or a probe object.
   */
  liveness?: Probe;
}
/**
 * When and how often a probe runs, and when it counts as failed. Absent values take the Kubernetes defaults.
 */
export interface ProbeTimings {
  /**
   * Seconds after the container starts before the first check.
   */
  initialDelaySeconds?: number;
  /**
   * Seconds between checks.
   */
  periodSeconds?: number;
  /**
   * Seconds before a check counts as failed.
   */
  timeoutSeconds?: number;
  /**
   * Consecutive failures before the probe fails.
   */
  failureThreshold?: number;
}
/**
 * An HTTP GET health check.
 */
export interface HttpGetAction {
  /**
   * The path requested.
   */
  path: string;
  /**
   * The container port requested, by number or name; it must be a declared port whose protocol is http. Absent means the first http port.
   */
  port?: ProbePort;
  /**
   * HTTP headers sent with the request, by name, in the order written (such as a Host header for a virtual host, or a header that marks health checks in logs). Plain text in git and in the rendered manifests: never a credential (policy SEC006 refuses what looks like one). Absent means none.
   */
  headers?: {
    /**
     * The header value.
     */
    [k: string]: string;
  };
}
/**
 * A gRPC health check.
 */
export interface GrpcAction {
  /**
   * The container port serving grpc.health.v1, by number or name; it must be a declared port whose protocol is grpc.
   */
  port: ProbePort;
}
/**
 * A TCP connection check.
 */
export interface TcpAction {
  /**
   * The container port connected to, by number or name; it must be a declared port (of any protocol: a TCP check only opens a connection).
   */
  port: ProbePort;
}
/**
 * A piece of infrastructure the service needs, by class: the environment's dependencyClasses[type][size] says what it becomes.
 */
export interface Dependency {
  /**
   * The dependency class, such as postgres, redis, bucket or queue; every environment must define it in dependencyClasses.
   */
  type: string;
  /**
   * A size of the class, as defined in every environment's dependencyClasses. Absent means the size named default.
   */
  size?: string;
  /**
   * Where a volume dependency (a class with volume: in the environment) is mounted in the main container; required for a volume class, refused for any other. The service then runs one pod: a ReadWriteOnce volume attaches to one node.
   */
  path?: string;
}
/**
 * An external host by name. Rendered as its ports to every public IPv4 address: NetworkPolicy matches addresses, not names.
 */
export interface EgressHost {
  /**
   * The host name, such as api.stripe.com.
   */
  host: string;
  /**
   * The TCP ports connected to.
   *
   * @minItems 1
   * @maxItems 16
   *
   * Items: A TCP port number.
   */
  ports:
    | [number]
    | [number, number]
    | [number, number, number]
    | [number, number, number, number]
    | [number, number, number, number, number]
    | [number, number, number, number, number, number]
    | [number, number, number, number, number, number, number]
    | [number, number, number, number, number, number, number, number]
    | [number, number, number, number, number, number, number, number, number]
    | [number, number, number, number, number, number, number, number, number, number]
    | [number, number, number, number, number, number, number, number, number, number, number]
    | [number, number, number, number, number, number, number, number, number, number, number, number]
    | [number, number, number, number, number, number, number, number, number, number, number, number, number]
    | [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ]
    | [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ]
    | [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ];
}
/**
 * External addresses by CIDR, rendered as a NetworkPolicy ipBlock.
 */
export interface EgressCidr {
  /**
   * An IPv4 or IPv6 network in CIDR notation, with no host bits set, such as 203.0.113.0/24. A /0 opens every address: production needs a policy exception (NET001).
   */
  cidr: string;
  /**
   * The TCP ports connected to.
   *
   * @minItems 1
   * @maxItems 16
   *
   * Items: A TCP port number.
   */
  ports:
    | [number]
    | [number, number]
    | [number, number, number]
    | [number, number, number, number]
    | [number, number, number, number, number]
    | [number, number, number, number, number, number]
    | [number, number, number, number, number, number, number]
    | [number, number, number, number, number, number, number, number]
    | [number, number, number, number, number, number, number, number, number]
    | [number, number, number, number, number, number, number, number, number, number]
    | [number, number, number, number, number, number, number, number, number, number, number]
    | [number, number, number, number, number, number, number, number, number, number, number, number]
    | [number, number, number, number, number, number, number, number, number, number, number, number, number]
    | [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ]
    | [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ]
    | [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ];
}
/**
 * An extra container of the pod (a sidecar or an init container).
 */
export interface Container {
  /**
   * The container name, unique in the pod; app is the main container's.
   */
  name: string;
  /**
   * The container image, as repository:tag or repository@sha256:<digest>, from one of the environment's registries (the same rules as the main image).
   */
  image: string;
  /**
   * The entrypoint, replacing the image's ENTRYPOINT. Absent means the image's own.
   *
   * @minItems 1
   */
  command?: [string, ...string[]];
  /**
   * Arguments to the entrypoint, replacing the image's CMD. Absent means the image's own.
   */
  args?: string[];
  /**
   * Plain, non-secret environment variables of this container (no ${...} placeholders: those are resolved in spec.env only). Policy SEC004 refuses what looks like a credential.
   */
  env?: {
    /**
     * The value, taken literally.
     */
    [k: string]: string;
  };
  /**
   * CPU and memory requests of this container, and optional limits. Required: the pod's requests are the sum of its containers'.
   */
  resources: ContainerResources;
}
/**
 * CPU and memory requests of one container. Without limits, the memory limit equals the request and there is no CPU limit.
 */
export interface ContainerResources {
  /**
   * CPU request: cores as a number (0.5) or a quantity string ("50m").
   */
  cpu: number | string;
  /**
   * Memory request: a quantity string such as "64Mi".
   */
  memory: number | string;
  /**
   * Upper bounds. Absent means memory limit = request, no CPU limit.
   */
  limits?: ResourceLimits;
}
/**
 * A writable emptyDir at a path, with a size limit.
 */
export interface ScratchVolume {
  /**
   * Where the directory is mounted, in every container of the pod.
   */
  path: string;
  /**
   * An empty directory on the node, writable by the pod's user.
   */
  emptyDir: {
    /**
     * The most the directory may hold (the pod is evicted above it), such as 1Gi.
     */
    sizeLimit: number | string;
  };
}
/**
 * A read-only file with inline content.
 */
export interface File {
  /**
   * The absolute path of the file in the main container.
   */
  path: string;
  /**
   * The file's text, as written (a YAML block scalar keeps lines). At most 64 KiB.
   */
  content: string;
}
/**
 * Metrics scraping, SLOs and alerting of this service. What is absent comes from the environment's observability defaults: the objectives of the service's tier, the scrape interval and the SLO window. Every setting can be overridden per environment (environments.<env>.observability).
 */
export interface Observability {
  /**
   * Where Prometheus scrapes this service's metrics. Absent means no scraping, hence no SLO alerts and no dashboard data.
   */
  metrics?: Metrics;
  /**
   * Which instrumentation the SLIs read. http: OpenTelemetry's http_server_request_duration_seconds histogram, errors are http_response_status_code=~"5..". grpc: go-grpc-prometheus / grpc-ecosystem's grpc_server_handling_seconds histogram, errors are grpc_code=~"Unknown|Internal|Unavailable|DataLoss|DeadlineExceeded". Absent means grpc when the metrics port's protocol is grpc, else http.
   */
  protocol?: "http" | "grpc";
  /**
   * Other metric names for the SLIs, when the service's instrumentation does not follow the protocol's defaults.
   */
  sli?: SliMetrics;
  /**
   * Objectives that replace the tier's defaults from the environment (observability.objectives.<tier>).
   */
  slo?: Slo;
  /**
   * A link the alerts carry as their runbook_url annotation: what to do when they fire.
   */
  runbook?: string;
}
/**
 * The port and path Prometheus scrapes (a ServiceMonitor for web services, a PodMonitor for workers and crons).
 */
export interface Metrics {
  /**
   * false switches scraping off (in one environment, say, through environments.<env>.observability.metrics.enabled). Absent means true.
   */
  enabled?: boolean;
  /**
   * Web: the name of one of the service's ports (http with the port shorthand). Worker and cron, which have no Service ports: the container port number the metrics listen on (it becomes the container port named metrics). Required unless enabled is false.
   */
  port?: string | number;
  /**
   * The HTTP path of the metrics. Absent means /metrics.
   */
  path?: string;
  /**
   * How often Prometheus scrapes. Absent means the environment's observability.interval (30s when it sets none).
   */
  interval?: string;
}
/**
 * The metric names the SLIs read; each absent one is the protocol's default.
 */
export interface SliMetrics {
  /**
   * Base name of the request duration histogram (without _bucket, _count, _sum), in seconds.
   */
  duration?: string;
  /**
   * The label whose value marks a failed request.
   */
  errorLabel?: string;
  /**
   * A regular expression (RE2, anchored) of the errorLabel values that count as failures.
   */
  errorValues?: string;
}
/**
 * Service level objectives over a rolling window; SLO burn-rate alerts page the owning team.
 */
export interface Slo {
  /**
   * Percent of requests that succeed, such as 99.9.
   */
  availability?: number;
  /**
   * Percent of requests faster than a threshold in seconds, such as 99 % under 0.5 s.
   */
  latency?: LatencyObjective;
  /**
   * The SLO window. Absent means the environment's observability.window (30d when it sets none).
   */
  window?: string;
}
/**
 * Percent of requests that must finish within threshold seconds.
 */
export interface LatencyObjective {
  /**
   * The latency bound in seconds; it must be a bucket boundary of the duration histogram (0.1, 0.25, 0.5, 1 ...), or the SLI cannot count requests under it.
   */
  threshold: number;
  /**
   * Percent of requests faster than threshold, such as 99.
   */
  objective: number;
}

// schemas/environment.schema.json

/**
 * What one dependency type and size becomes in this environment: managed infrastructure (claim and outputs) or a persistent volume (volume).
 */
export type DependencyClass = ClaimDependencyClass | VolumeDependencyClass;
/**
 * One output of a dependency class: exactly one of secretKey or value.
 */
export type DependencyOutput = SecretOutput | ValueOutput;

/**
 * An environment services are deployed to: its cluster, promotion order, naming, guard rails and what dependency classes become there. One file per environment at environments/<name>.yaml; owned by the platform team.
 */
export interface Environment {
  /**
   * Version of the platform file format. Always idp/v1.
   */
  apiVersion: "idp/v1";
  /**
   * What this file describes. Always Environment in environments/<name>.yaml.
   */
  kind: "Environment";
  /**
   * The environment's name.
   */
  metadata: EnvironmentMetadata;
  /**
   * Cluster, promotion order, naming, defaults, guard rails and dependency classes.
   */
  spec: EnvironmentSpec;
}
/**
 * The environment's name.
 */
export interface EnvironmentMetadata {
  /**
   * The environment name, equal to the file name without .yaml; the key services use under spec.environments.
   */
  name: string;
}
/**
 * Cluster, promotion order, naming, defaults, guard rails and dependency classes of an environment.
 */
export interface EnvironmentSpec {
  /**
   * The Kubernetes cluster this environment's manifests are applied to.
   */
  cluster: Cluster;
  /**
   * The environment whose versions are promoted into this one (idp promote). Absent for the first environment of the promotion order.
   */
  promotesFrom?: string;
  /**
   * Template for a team's namespace in this environment; {team} is replaced by the team name. The result must be a DNS-1123 label.
   */
  namespace: string;
  /**
   * The DNS domain of this environment: every route host is under it (or under a domain of the owning team).
   */
  domain: string;
  /**
   * Container registries (host and optional path prefix) images may come from in this environment.
   *
   * @minItems 1
   *
   * Items: A registry host with an optional path prefix, such as ghcr.io/acme.
   */
  registries: [string, ...string[]];
  /**
   * What a service gets when it does not say: replicas and resource requests.
   */
  defaults: EnvironmentDefaults;
  /**
   * Upper bounds for a single service in this environment. Absent means no per-service bound.
   */
  limits?: EnvironmentLimits;
  /**
   * Resource quota of each team namespace in this environment. Absent means no quota.
   */
  quota?: Quota;
  /**
   * What running in this environment costs per month, in USD: the price table `idp cost`, the plan's cost delta and the team budget rule (COST003) use. Absent means the environment costs nothing in those sums and `idp cost` marks it unpriced.
   */
  prices?: Prices;
  /**
   * What each dependency type and size becomes here: dependencyClasses[type][size]. Services may only use types and sizes defined in every environment.
   */
  dependencyClasses?: {
    /**
     * The sizes of this dependency type, by size name; a dependency without a size uses the size named default.
     */
    [k: string]: {
      [k: string]: DependencyClass;
    };
  };
  /**
   * Change freeze windows: changes to this environment are refused from the first to the last day, inclusive.
   */
  freeze?: FreezeWindow[];
  /**
   * How the GitOps controller in this environment's cluster finds and applies the rendered manifests.
   */
  gitops: GitOps;
  /**
   * How public routes reach services: a Kubernetes Ingress (default) or a Gateway API HTTPRoute. Absent means Ingress with class nginx.
   */
  routing?: Routing;
  /**
   * The External Secrets Operator SecretStore of each team namespace that secrets references (path#key) are read through, and the Vault it reads. Absent means a SecretStore named secrets in each team namespace, provided by the platform team outside this repository.
   */
  secretStore?: SecretStoreSettings;
  /**
   * Monitoring defaults of this environment. Absent means metrics on, 30s, 30d and no default objectives.
   */
  observability?: EnvironmentObservability;
}
/**
 * A Kubernetes cluster.
 */
export interface Cluster {
  /**
   * The cluster name, as the GitOps controller knows it.
   */
  name: string;
  /**
   * The cluster's API server URL (https).
   */
  server: string;
}
/**
 * Settings a service gets in this environment when it does not set them.
 */
export interface EnvironmentDefaults {
  /**
   * Pods of a service that sets neither replicas nor autoscale.
   */
  replicas: number;
  /**
   * Requests of a service that sets no resources.
   */
  resources: DefaultResources;
}
/**
 * Default CPU and memory requests per pod.
 */
export interface DefaultResources {
  /**
   * Default CPU request: cores as a number (0.1) or a quantity string ("100m").
   */
  cpu: number | string;
  /**
   * Default memory request: a quantity string such as "128Mi" (a plain number is bytes).
   */
  memory: number | string;
}
/**
 * Upper bounds for a single service in this environment.
 */
export interface EnvironmentLimits {
  /**
   * The most pods a service may ask for (replicas, or autoscale max).
   */
  maxReplicas?: number;
  /**
   * The largest CPU request or limit per pod: cores as a number or a quantity string ("4").
   */
  maxCpu?: number | string;
  /**
   * The largest memory request or limit per pod: a quantity string such as "8Gi".
   */
  maxMemory?: number | string;
}
/**
 * A resource quota per team namespace: the sum of requests over all of a team's services.
 */
export interface Quota {
  /**
   * Total CPU requests in the namespace: cores as a number or a quantity string ("40").
   */
  cpu?: number | string;
  /**
   * Total memory requests in the namespace: a quantity string such as "80Gi".
   */
  memory?: number | string;
  /**
   * Total pods in the namespace. At most 1,000,000: above that, the policy's sums of requests × pods leave exact integer arithmetic (Kubernetes' own limit, int32, is higher).
   */
  pods?: number;
}
/**
 * A monthly price table in USD. A service costs its pod's requests (main container and sidecars, or the largest init container if more, as the scheduler counts them) times its pods (replicas; autoscale.min and autoscale.max; a cron job counts one pod), priced per vCPU and per GiB, plus one price per dependency. Every dependency class the environment defines must have a price: in dependencies[type][size], or, for a volume class, its size times storage.
 */
export interface Prices {
  /**
   * USD per vCPU of requests per month.
   */
  cpu: number;
  /**
   * USD per GiB (2^30 bytes) of memory requests per month.
   */
  memory: number;
  /**
   * USD per GiB of a volume class's size per month; prices every volume class without an entry in dependencies.
   */
  storage?: number;
  /**
   * USD per month for one dependency of each class: dependencies[type][size], the names of dependencyClasses.
   */
  dependencies?: {
    /**
     * The monthly price of each size of this dependency type, by size name.
     */
    [k: string]: {
      /**
       * USD per month for one dependency of this type and size.
       */
      [k: string]: number;
    };
  };
}
/**
 * What one dependency type and size becomes in this environment when it is managed infrastructure: a claim rendered once per dependency, and the outputs services can refer to.
 */
export interface ClaimDependencyClass {
  /**
   * Whether a claim of this class holds data that is lost when the claim is deleted (a database, a cache, a bucket). `idp plan` calls a change that deletes such a claim destructive, and its check run fails until the platform acknowledges it (the idp/allow-destroy label or a PLAN001 exception). The base branch's value decides: a pull request cannot unmark a class to delete its claims quietly. Absent means false.
   */
  data?: boolean;
  /**
   * The Kubernetes object rendered for each dependency of this class (a Crossplane claim or any CRD). The platform adds metadata.name, the namespace and spec.writeConnectionSecretToRef named <service>-<dependency>.
   */
  claim: Claim;
  /**
   * What ${dependencies.NAME.OUTPUT} becomes, by output name: a key of the claim's connection secret (secret, rendered as a secretKeyRef) or a plain value.
   */
  outputs: {
    [k: string]: DependencyOutput;
  };
}
/**
 * A Kubernetes object template: apiVersion, kind, optional labels and annotations, and a free-form spec.
 */
export interface Claim {
  /**
   * The object's API group and version.
   */
  apiVersion: string;
  /**
   * The object's kind.
   */
  kind: string;
  /**
   * Labels and annotations added to the rendered object.
   */
  metadata?: ClaimMetadata;
  /**
   * The object's spec, copied as is (the platform adds writeConnectionSecretToRef).
   */
  spec: {
    [k: string]: unknown;
  };
}
/**
 * Labels and annotations of a rendered claim; its name and namespace are set by the platform.
 */
export interface ClaimMetadata {
  /**
   * Kubernetes labels, by key.
   */
  labels?: {
    /**
     * A label value: at most 63 characters.
     */
    [k: string]: string;
  };
  /**
   * Kubernetes annotations, by key.
   */
  annotations?: {
    /**
     * An annotation value.
     */
    [k: string]: string;
  };
}
/**
 * An output read from the claim's connection secret; services receive it as a secretKeyRef, never as a plain value.
 */
export interface SecretOutput {
  /**
   * The key in the claim's connection secret.
   */
  secretKey: string;
}
/**
 * An output with a plain, non-secret value.
 */
export interface ValueOutput {
  /**
   * The value, as a string (quote numbers, such as "5432").
   */
  value: string;
}
/**
 * What one dependency type and size becomes in this environment when it is a persistent volume: a PersistentVolumeClaim <service>-<dependency> (ReadWriteOnce, of this storage class and size) mounted at the dependency's path in the main container. A ReadWriteOnce volume is attached to one node, so a service with such a dependency runs one pod (replicas 1, no autoscale) and rolls out by Recreate. It has no outputs.
 */
export interface VolumeDependencyClass {
  /**
   * Whether the volume holds data that is lost when it is deleted. A deleted PersistentVolumeClaim is always destructive in `idp plan`; set it for clarity. Absent means false.
   */
  data?: boolean;
  volume: VolumeClaimTemplate;
}
/**
 * The PersistentVolumeClaim each dependency of this class gets.
 */
export interface VolumeClaimTemplate {
  /**
   * The cluster's StorageClass the volume is provisioned from.
   */
  storageClassName: string;
  /**
   * The requested capacity, as a byte quantity such as 10Gi.
   */
  size: number | string;
}
/**
 * A period in which changes to the environment are refused.
 */
export interface FreezeWindow {
  /**
   * The first frozen day, YYYY-MM-DD (UTC).
   */
  from: string;
  /**
   * The last frozen day, YYYY-MM-DD (UTC), inclusive.
   */
  to: string;
  /**
   * Why changes are frozen, shown to whoever is refused.
   */
  reason: string;
}
/**
 * Where Argo CD (or Flux) reads this repository and how it syncs.
 */
export interface GitOps {
  /**
   * The GitOps controller of the cluster: argocd (Application, AppProject, ApplicationSet) or flux (GitRepository and Kustomization). Absent means argocd.
   */
  controller?: "argocd" | "flux";
  /**
   * The URL the controller clones this repository from.
   */
  repoURL: string;
  /**
   * The branch, tag or commit the controller follows. Absent means main.
   */
  revision?: string;
  /**
   * The namespace the controller runs in, where its Applications live. Absent means argocd (flux-system for Flux).
   */
  namespace?: string;
}
/**
 * How a service's public route is rendered in this environment.
 */
export interface Routing {
  /**
   * ingress renders a networking.k8s.io Ingress; gateway renders a Gateway API HTTPRoute attached to gateway. Absent means ingress.
   */
  kind?: "ingress" | "gateway";
  /**
   * The IngressClass of rendered Ingresses. Absent means nginx.
   */
  className?: string;
  gateway?: GatewayRef;
  /**
   * The namespace the ingress controller or gateway runs in: routed services accept traffic from it in their NetworkPolicy. Absent means ingress-nginx.
   */
  controllerNamespace?: string;
  /**
   * A cert-manager ClusterIssuer that issues certificates for route hosts. Absent means routes are rendered without TLS.
   */
  tlsIssuer?: string;
  /**
   * Whether services may set expose: loadBalancer here: a Service of type LoadBalancer, a public address per service from the cloud provider, outside the ingress controller or gateway. Absent means false: expose: loadBalancer is refused.
   */
  loadBalancers?: boolean;
}
/**
 * The Gateway HTTPRoutes attach to (kind: gateway).
 */
export interface GatewayRef {
  /**
   * The Gateway's name.
   */
  name: string;
  /**
   * The Gateway's namespace.
   */
  namespace: string;
}
/**
 * How services read secrets in this environment: every team namespace gets its own External Secrets Operator SecretStore (namespaced, never a ClusterSecretStore), so an ExternalSecret can only read through the store of its own namespace, which authenticates as that team's role.
 */
export interface SecretStoreSettings {
  /**
   * The name of the SecretStore in every team namespace, and of the ServiceAccount it authenticates as. Services' ExternalSecrets reference it (kind SecretStore).
   */
  name: string;
  /**
   * How often secrets are re-read from the store, as a Go duration. Absent means 1h.
   */
  refreshInterval?: string;
  /**
   * The HashiCorp Vault each team's SecretStore reads from, rendered into manifests/<env>/_platform/. Absent means the stores are not rendered: the platform team provides a SecretStore of this name in every team namespace itself.
   */
  vault?: VaultStore;
}
/**
 * A Vault KV engine read through Vault's Kubernetes auth: each team's SecretStore logs in with the token of its own ServiceAccount, as the team's own Vault role. Vault must bind that role to that ServiceAccount and namespace, and grant it read on the team's secretPrefixes under the KV mount, nothing else.
 */
export interface VaultStore {
  /**
   * The Vault server URL (https).
   */
  server: string;
  /**
   * The mount path of the KV secrets engine; secrets references (path#key) are read below it.
   */
  path: string;
  /**
   * The KV engine version. Absent means v2.
   */
  version?: "v1" | "v2";
  /**
   * Where Vault's Kubernetes auth method for this environment's cluster is mounted.
   */
  authMountPath: string;
  /**
   * The Vault role each team's store logs in as; {team} is replaced by the team name, so every team has a role of its own. Absent means {team}.
   */
  role?: string;
}
/**
 * What monitoring services get here by default: whether Prometheus scrapes them, how often, the SLO window and the objectives per tier. A service's own observability block overrides each of them.
 */
export interface EnvironmentObservability {
  /**
   * false: this environment's cluster runs no Prometheus Operator or Grafana, so nothing of monitoring is rendered here: no ServiceMonitor, PodMonitor, PrometheusRule, dashboard ConfigMap, AlertmanagerConfig or Slack webhook ExternalSecret, and no service is scraped (as with metrics: false). Absent means true.
   */
  enabled?: boolean;
  /**
   * false: no service is scraped here, whatever the services say: no ServiceMonitor or PodMonitor, no SLO recording rules or burn-rate alerts, no request, error, latency or SLO panels. What needs no scraped application metrics still renders: each service's PrometheusRule with its kube-state-metrics alerts (crash looping, replicas unavailable, job failed), its dashboard with CPU, memory and restarts, and each team's overview dashboard and AlertmanagerConfig. enabled: false renders none of them. Absent means true.
   */
  metrics?: boolean;
  /**
   * The namespace Prometheus runs in: each service's NetworkPolicy lets it in on the metrics port. Absent means monitoring.
   */
  namespace?: string;
  /**
   * Scrape interval of services that set none. Absent means 30s.
   */
  interval?: string;
  /**
   * SLO window of services that set none. Absent means 30d.
   */
  window?: string;
  /**
   * The Grafana that loads this environment's dashboards (its sidecar reads the dashboard ConfigMaps idp render writes). The portal links each service page to the service's dashboard there. Absent means no link: the page names the dashboard's uid and ConfigMap only.
   */
  grafana?: {
    /**
     * Grafana's address, https only, without a query or fragment: a service's dashboard is <url>/d/<uid>.
     */
    url: string;
  };
  /**
   * Default objectives per tier; a tier absent here gets no SLO unless the service sets one.
   */
  objectives?: {
    /**
     * Objectives of critical services (their SLO alerts page: severity critical).
     */
    critical?: Objective;
    /**
     * Objectives of standard services (severity warning).
     */
    standard?: Objective;
    /**
     * Objectives of experimental services; usually none.
     */
    experimental?: Objective;
  };
}
/**
 * Default objectives of the services of one tier.
 */
export interface Objective {
  /**
   * Percent of requests that succeed.
   */
  availability?: number;
  /**
   * Percent of requests faster than a threshold in seconds.
   */
  latency?: DefaultLatencyObjective;
}
/**
 * Percent of requests that must finish within threshold seconds.
 */
export interface DefaultLatencyObjective {
  /**
   * The latency bound in seconds; it must be a bucket boundary of the duration histogram (0.1, 0.25, 0.5, 1 ...), or the SLI cannot count requests under it.
   */
  threshold: number;
  /**
   * Percent of requests faster than threshold, such as 99.
   */
  objective: number;
}

// schemas/team.schema.json

/**
 * A team that owns services: who is in it, where to reach it, which extra domains it may route, which secret store paths it may read and its monthly budget. One file per team at teams/<name>.yaml; owned by the platform team.
 */
export interface Team {
  /**
   * Version of the platform file format. Always idp/v1.
   */
  apiVersion: "idp/v1";
  /**
   * What this file describes. Always Team in teams/<name>.yaml.
   */
  kind: "Team";
  /**
   * The team's name.
   */
  metadata: TeamMetadata;
  /**
   * Members, GitHub team, domains, budget and contact.
   */
  spec: TeamSpec;
}
/**
 * The team's name.
 */
export interface TeamMetadata {
  /**
   * The team name, equal to the file name without .yaml; services name it in metadata.team and namespaces are made from it.
   */
  name: string;
}
/**
 * Members, GitHub team, domains, budget and contact of a team.
 */
export interface TeamSpec {
  /**
   * The GitHub team, as org/team-slug; it becomes the CODEOWNERS owner of the team's services.
   */
  github: string;
  /**
   * GitHub logins of the team's members.
   *
   * @minItems 1
   *
   * Items: A GitHub login.
   */
  members: [string, ...string[]];
  /**
   * Extra DNS names the team may use as route hosts (and their subdomains), besides each environment's domain. Absent means none.
   *
   * Items: A lowercase DNS name such as pay.acme.example.
   */
  domains?: string[];
  /**
   * The secret store paths the team's services may read, as path prefixes ending in '/': a secrets reference path#key is allowed when path/ starts with one of them. Each environment's per-team SecretStore authenticates as the team's own role, which the secret store must grant exactly these prefixes. Absent means only the team's own folder, <team>/. Listing prefixes replaces that default, so list <team>/ too when granting an extra one.
   *
   * @minItems 1
   *
   * Items: A secret store path prefix: lowercase path segments, each followed by '/', such as payments/ or shared/stripe/.
   */
  secretPrefixes?: [string, ...string[]];
  /**
   * What the team may spend, checked by the cost policy.
   */
  budget: Budget;
  /**
   * Where to reach the team.
   */
  contact: Contact;
  /**
   * Which of the contact receivers get which alert severity.
   */
  alerts?: Alerts;
}
/**
 * A team's spending limit.
 */
export interface Budget {
  /**
   * Monthly budget in USD across all environments.
   */
  monthly: number;
}
/**
 * Where to reach a team.
 */
export interface Contact {
  /**
   * The team's Slack channel, starting with '#'. Quote it in YAML: "#payments".
   */
  slack: string;
  /**
   * The team's email address, optional.
   */
  email?: string;
}
/**
 * Where the team's alerts go. The receivers are the team's contact: its Slack channel and, when it has one, its email. Absent means critical alerts to Slack and email, warnings to Slack, through the Alertmanager's global Slack webhook and SMTP settings.
 */
export interface Alerts {
  /**
   * Receivers of critical alerts (SLO fast burn of a critical service, crash loops in production). Absent means slack and email (email only when contact.email is set).
   *
   * @minItems 1
   */
  critical?: ["slack" | "email", ...("slack" | "email")[]];
  /**
   * Receivers of warnings. Absent means slack.
   *
   * @minItems 1
   */
  warning?: ["slack" | "email", ...("slack" | "email")[]];
  /**
   * A secret reference path#key to the Slack incoming-webhook URL, read through the environment's secret store (an ExternalSecret in the team namespace), never the URL itself; its path must lie under the team's secretPrefixes, like its services' secrets. Absent means the Alertmanager's global slack_api_url.
   */
  slackWebhook?: string;
}

// schemas/exceptions.schema.json

/**
 * Waivers of policy rules: policies/exceptions.yaml, a list of exceptions owned by the platform team. A matching, unexpired exception turns a denial of the rule for the target into a reported waiver; past its expiry date it is void and the rule applies again.
 */
export type PolicyExceptions = PolicyException[];

/**
 * One waiver: which rule, for which service or file, in which environments, why, approved by whom, until when.
 */
export interface PolicyException {
  /**
   * The id of the rule being waived, as it appears in findings: SEC001, REL003, COST002, ...
   */
  rule: string;
  /**
   * What the exception applies to: services/<name> for every finding about that service, or a file path relative to the repository root (environments/prod.yaml, teams/payments.yaml, ...) for findings about that file.
   */
  target: string;
  /**
   * The environments the exception applies in, by name; it waives nothing in the others, so a finding every environment reports (a team budget, COST003) stays denied from those. Absent means every environment.
   *
   * @minItems 1
   *
   * Items: An environment name, as in environments/<name>.yaml.
   */
  environments?: [string, ...string[]];
  /**
   * Why the rule cannot be met for now, and what will end the exception. Shown beside the waiver in every report.
   */
  reason: string;
  /**
   * GitHub login of the platform team member who approved the exception.
   */
  approvedBy: string;
  /**
   * The last day the exception is valid, YYYY-MM-DD (UTC). After it the exception is void, the rule applies again and the stale exception is reported.
   */
  expires: string;
}
