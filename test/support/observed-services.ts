import type { ObservedService } from "../../scripts/observability/model.js";

/**
 * Services shaped like the examples, as resolve hands them to the
 * observability renderers: one of each kind the rules and dashboards tell
 * apart (HTTP with both objectives, gRPC with availability only, a worker
 * scraped without an objective, a cron job without metrics).
 */
export const checkoutHttp: ObservedService = {
  name: "checkout",
  team: "payments",
  namespace: "payments",
  environment: "prod",
  tier: "critical",
  type: "web",
  observability: {
    metrics: { port: "http", path: "/metrics", interval: "30s" },
    protocol: "http",
    sli: {
      duration: "http_server_request_duration_seconds",
      errorLabel: "http_response_status_code",
      errorValues: "5..",
    },
    slo: { availability: 99.9, latency: { threshold: 0.3, objective: 99 }, window: "30d" },
    runbook: "https://runbooks.acme.example/payments/checkout",
    severity: "critical",
  },
};

export const cartGrpc: ObservedService = {
  name: "cart",
  team: "storefront",
  namespace: "storefront",
  environment: "staging",
  tier: "standard",
  type: "web",
  observability: {
    metrics: { port: "grpc-metrics", path: "/metrics", interval: "30s" },
    protocol: "grpc",
    sli: {
      duration: "grpc_server_handling_seconds",
      errorLabel: "grpc_code",
      errorValues: "Unknown|DeadlineExceeded|Internal|Unavailable|DataLoss",
    },
    slo: { availability: 99.5, window: "30d" },
    severity: "warning",
  },
};

export const emailWorker: ObservedService = {
  name: "email-worker",
  team: "platform",
  namespace: "platform",
  environment: "prod",
  tier: "standard",
  type: "worker",
  observability: {
    metrics: { port: "metrics", path: "/metrics", interval: "1m" },
    protocol: "http",
    sli: {
      duration: "http_server_request_duration_seconds",
      errorLabel: "http_response_status_code",
      errorValues: "5..",
    },
    severity: "warning",
  },
};

export const nightlyReportCron: ObservedService = {
  name: "nightly-report",
  team: "data",
  namespace: "data",
  environment: "prod",
  tier: "standard",
  type: "cron",
  observability: {
    protocol: "http",
    sli: {
      duration: "http_server_request_duration_seconds",
      errorLabel: "http_response_status_code",
      errorValues: "5..",
    },
    runbook: "https://runbooks.acme.example/data/nightly-report",
    severity: "warning",
  },
};

/** The four, by a short name for test titles. */
export const observedExamples: ReadonlyArray<readonly [string, ObservedService]> = [
  ["http", checkoutHttp],
  ["grpc", cartGrpc],
  ["worker", emailWorker],
  ["cron", nightlyReportCron],
];
