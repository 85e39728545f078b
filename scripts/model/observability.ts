import type { ResolvedObservability } from "../observability/model.js";
import type { Findings } from "./findings.js";
import type { Origin } from "./merge.js";
import type { EnvironmentModel, ResolvedService } from "./resolved.js";
import type { ServiceSettings } from "./types.generated.js";

/** What a service gets when neither it nor its environment says otherwise. */
export const OBSERVABILITY_DEFAULTS = { path: "/metrics", interval: "30s", window: "30d" } as const;

/** The namespace Prometheus runs in when the environment does not name one (observability.namespace). */
export const OBSERVABILITY_NAMESPACE = "monitoring";

/**
 * False when the environment renders no monitoring objects at all
 * (`observability.enabled: false`: its cluster runs no Prometheus Operator or
 * Grafana); scraping is then off as with `metrics: false`.
 */
export function monitoringEnabled(env: Pick<EnvironmentModel, "spec">): boolean {
  return env.spec.observability?.enabled !== false;
}

/** The container port name a worker's or cron job's metrics port gets (they have no Service ports to name). */
export const METRICS_PORT_NAME = "metrics";

/**
 * The SLI metrics of each protocol: OpenTelemetry's HTTP server semantic
 * conventions (a histogram in seconds, the status code as a label), and the
 * gRPC server histogram of go-grpc-middleware's prometheus provider (the
 * codes a server, not its client, is to blame for).
 */
export const SLI_DEFAULTS: Readonly<Record<"http" | "grpc", ResolvedObservability["sli"]>> = {
  http: {
    duration: "http_server_request_duration_seconds",
    errorLabel: "http_response_status_code",
    errorValues: "5..",
  },
  grpc: {
    duration: "grpc_server_handling_seconds",
    errorLabel: "grpc_code",
    errorValues: "Unknown|Internal|Unavailable|DataLoss|DeadlineExceeded",
  },
};

/** The resolved observability, plus the container port a worker's or cron job's metrics listen on. */
export interface ServiceObservability extends ResolvedObservability {
  /** Worker and cron only: the container port named {@link METRICS_PORT_NAME}. Web services name a Service port instead. */
  containerPort?: number;
}

/**
 * Resolves the `observability` block of one service in one environment
 * against the environment's defaults: metrics only where the environment
 * scrapes and the service names a port, objectives from the tier unless the
 * service sets its own, and none of it without metrics (an SLO on series
 * nobody scrapes would only ever alert on absence). Reports a metrics port
 * the service does not have.
 */
export function resolveObservability(
  service: Pick<ResolvedService, "name" | "type" | "tier" | "ports" | "environment">,
  merged: ServiceSettings,
  env: EnvironmentModel,
  origin: (dotted: string) => Origin,
  findings: Findings,
): ServiceObservability {
  const settings = merged.observability ?? {};
  const defaults = env.spec.observability ?? {};
  const metrics = resolveMetrics(service, settings.metrics, defaults, origin, findings);
  const protocol =
    settings.protocol ??
    (service.ports.find((p) => p.name === metrics?.port)?.protocol === "grpc" ? "grpc" : "http");
  const resolved: ServiceObservability = {
    protocol,
    sli: { ...SLI_DEFAULTS[protocol], ...settings.sli },
    severity: service.tier === "critical" ? "critical" : "warning",
  };
  if (metrics) {
    resolved.metrics = { port: metrics.port, path: metrics.path, interval: metrics.interval };
    if (metrics.containerPort !== undefined) resolved.containerPort = metrics.containerPort;
    const tier = defaults.objectives?.[service.tier] ?? {};
    const availability = settings.slo?.availability ?? tier.availability;
    const latency = settings.slo?.latency ?? tier.latency;
    if (availability !== undefined || latency !== undefined) {
      resolved.slo = {
        ...(availability !== undefined ? { availability } : {}),
        ...(latency ? { latency: { threshold: latency.threshold, objective: latency.objective } } : {}),
        window: settings.slo?.window ?? defaults.window ?? OBSERVABILITY_DEFAULTS.window,
      };
    }
  }
  if (settings.runbook !== undefined) resolved.runbook = settings.runbook;
  return resolved;
}

function resolveMetrics(
  service: Pick<ResolvedService, "name" | "type" | "ports" | "environment">,
  metrics: NonNullable<ServiceSettings["observability"]>["metrics"],
  defaults: NonNullable<EnvironmentModel["spec"]["observability"]>,
  origin: (dotted: string) => Origin,
  findings: Findings,
): (NonNullable<ResolvedObservability["metrics"]> & { containerPort?: number }) | undefined {
  if (!metrics || metrics.enabled === false || defaults.metrics === false || defaults.enabled === false)
    return undefined;
  const where = { environment: service.environment };
  const port = metrics.port;
  if (port === undefined) {
    findings.error(
      "resolve.metrics-port",
      `observability.metrics of ${service.name} names no port in {env}`,
      origin("observability.metrics"),
      {
        ...where,
        hint:
          service.type === "web"
            ? `add port: with the name of one of its ports (${portNames(service)}), or enabled: false`
            : "add port: with the container port number the metrics listen on, or enabled: false",
      },
    );
    return undefined;
  }
  const scrape = {
    path: metrics.path ?? OBSERVABILITY_DEFAULTS.path,
    interval: metrics.interval ?? defaults.interval ?? OBSERVABILITY_DEFAULTS.interval,
  };
  if (service.type !== "web") {
    if (typeof port === "number") return { port: METRICS_PORT_NAME, containerPort: port, ...scrape };
    findings.error(
      "resolve.metrics-port",
      `observability.metrics.port "${port}" names a port, but ${service.name} is a ${service.type} and has no named ports`,
      origin("observability.metrics.port"),
      { ...where, hint: "give the container port number the metrics listen on, such as port: 9090" },
    );
    return undefined;
  }
  const named = service.ports.find((p) => p.name === port);
  if (typeof port === "string" && named) return { port, ...scrape };
  findings.error(
    "resolve.metrics-port",
    typeof port === "number"
      ? `observability.metrics.port ${port} is a number; a web service's metrics port is one of its ports, by name`
      : `observability.metrics.port "${port}" is not one of the ports of ${service.name}`,
    origin("observability.metrics.port"),
    { ...where, hint: `use one of its port names: ${portNames(service)}` },
  );
  return undefined;
}

function portNames(service: Pick<ResolvedService, "ports">): string {
  return service.ports.length > 0 ? service.ports.map((p) => p.name).join(", ") : "(none)";
}
