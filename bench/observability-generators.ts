import { performance } from "node:perf_hooks";
import { serviceDashboard, teamDashboard } from "../scripts/observability/dashboards.js";
import type { ObservedService } from "../scripts/observability/model.js";
import { prometheusRuleGroups } from "../scripts/observability/rules.js";

/**
 * `npm run build && node dist/bench/observability-generators.js`: the cost of
 * the observability generators alone, per call, over 3,000 services of the
 * four shapes they tell apart (HTTP with two objectives, gRPC with one, a
 * scraped worker, an unscraped cron job). Prints the minimum and median of 5
 * rounds in microseconds per call; the budget is that
 * observability adds at most 25 % to `idp render` at 1,000 services.
 */
const COUNT = 3000;
const ROUNDS = 5;

function service(i: number): ObservedService {
  const http = {
    duration: "http_server_request_duration_seconds",
    errorLabel: "http_response_status_code",
    errorValues: "5..",
  };
  const base = {
    name: `service-${i}`,
    team: `team-${i % 40}`,
    namespace: `team-${i % 40}`,
    environment: "prod",
    tier: "standard" as const,
    type: "web" as const,
  };
  const metrics = { port: "http", path: "/metrics", interval: "30s" };
  switch (i % 4) {
    case 0:
      return {
        ...base,
        tier: "critical",
        observability: {
          metrics,
          protocol: "http",
          sli: http,
          slo: { availability: 99.9, latency: { threshold: 0.3, objective: 99 }, window: "30d" },
          runbook: `https://runbooks.example/${i}`,
          severity: "critical",
        },
      };
    case 1:
      return {
        ...base,
        observability: {
          metrics,
          protocol: "grpc",
          sli: {
            duration: "grpc_server_handling_seconds",
            errorLabel: "grpc_code",
            errorValues: "Internal|Unavailable",
          },
          slo: { availability: 99.5, window: "30d" },
          severity: "warning",
        },
      };
    case 2:
      return {
        ...base,
        type: "worker",
        observability: { metrics, protocol: "http", sli: http, severity: "warning" },
      };
    default:
      return { ...base, type: "cron", observability: { protocol: "http", sli: http, severity: "warning" } };
  }
}

function time(label: string, run: () => unknown): void {
  const perCall: number[] = [];
  let sink = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    for (let i = 0; i < COUNT; i++) sink += Number(Boolean(run.call(undefined) ?? i));
    perCall.push(((performance.now() - start) * 1000) / COUNT);
  }
  perCall.sort((a, b) => a - b);
  const median = perCall[Math.floor(ROUNDS / 2)] ?? 0;
  console.log(
    `${label.padEnd(34)} min ${perCall[0]?.toFixed(1)} µs  median ${median.toFixed(1)} µs per call (${COUNT} calls × ${ROUNDS}${sink > 0 ? "" : "; nothing built"})`,
  );
}

const services = Array.from({ length: COUNT }, (_, i) => service(i));
let next = 0;
const take = () => services[next++ % COUNT] as ObservedService;
time("prometheusRuleGroups", () => prometheusRuleGroups(take()));
time("serviceDashboard", () => serviceDashboard(take()));
time("teamDashboard (25 services each)", () => {
  const first = next++ % (COUNT - 25);
  return teamDashboard("team", "prod", services.slice(first, first + 25));
});
