/**
 * What the observability renderers read of one service in one environment:
 * resolve produces it (ResolvedService.observability), the rules, monitors,
 * dashboards and plan read it. Shared contract between resolve and the
 * renderers; change it in one place.
 */
export interface ResolvedObservability {
  /** Where Prometheus scrapes metrics; absent when scraping is off for this service here. */
  metrics?: {
    /** The name of one of the service's ports. */
    port: string;
    /** HTTP path, e.g. "/metrics". */
    path: string;
    /** Prometheus duration, e.g. "30s". */
    interval: string;
  };
  /** Which instrumentation the SLIs read: OpenTelemetry HTTP semantic conventions or gRPC server metrics. */
  protocol: "http" | "grpc";
  /** Metric names the SLIs use (defaults per protocol, overridable). */
  sli: {
    /** Histogram base name (without _bucket/_count/_sum), e.g. "http_server_request_duration_seconds". */
    duration: string;
    /** Label whose value marks a failed request, and the regex of failing values, e.g. http_response_status_code =~ "5.." */
    errorLabel: string;
    errorValues: string;
  };
  /** Objectives; absent when the service has none here (e.g. an experimental tier or metrics off). */
  slo?: {
    /** Percent of requests that succeed, e.g. 99.9. */
    availability?: number;
    /** Percent of requests faster than `threshold` seconds (a histogram bucket boundary). */
    latency?: { threshold: number; objective: number };
    /** SLO window, Prometheus duration, e.g. "30d". */
    window: string;
  };
  /** A link the alerts carry as their runbook_url annotation. */
  runbook?: string;
  /** Severity the SLO alerts page with: "critical" for the critical tier, else "warning". */
  severity: "critical" | "warning";
}

/**
 * Series of a service carry these labels (the ServiceMonitor or PodMonitor
 * guarantees them): namespace="<namespace>", service="<service name>".
 * kube-state-metrics series are matched by namespace plus deployment / job_name / pod.
 */
export interface ObservedService {
  name: string;
  team: string;
  namespace: string;
  environment: string;
  tier: "critical" | "standard" | "experimental";
  type: "web" | "worker" | "cron";
  observability: ResolvedObservability;
}
