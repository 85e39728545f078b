import { describe, expect, it } from "vitest";
import {
  cartGrpc,
  checkoutHttp,
  emailWorker,
  nightlyReportCron,
  observedExamples,
} from "../../test/support/observed-services.js";
import type { ObservedService } from "./model.js";
import { PromqlValueError } from "./promql.js";
import { type PrometheusRule, prometheusRuleGroups } from "./rules.js";

function rulesOf(service: ObservedService): PrometheusRule[] {
  return prometheusRuleGroups(service).flatMap((group) => (group.rules ?? []) as PrometheusRule[]);
}

function alerts(service: ObservedService, name?: string): PrometheusRule[] {
  return rulesOf(service).filter(
    (rule) => rule.alert !== undefined && (name === undefined || rule.alert === name),
  );
}

function withObservability(service: ObservedService, change: Partial<ObservedService["observability"]>) {
  return { ...service, observability: { ...service.observability, ...change } };
}

describe("prometheusRuleGroups", () => {
  it.each([
    ["http", checkoutHttp, ["checkout.sli", "checkout.slo", "checkout.kubernetes"]],
    ["grpc", cartGrpc, ["cart.sli", "cart.slo", "cart.kubernetes"]],
    ["worker without an SLO", emailWorker, ["email-worker.kubernetes"]],
    ["cron without metrics", nightlyReportCron, ["nightly-report.kubernetes"]],
  ])("%s: groups %j", (_, service, names) => {
    expect(prometheusRuleGroups(service).map((group) => group.name)).toEqual(names);
  });

  it("an SLO without metrics gives no SLO rules (nothing to compute the SLIs from)", () => {
    const unscraped = withObservability(checkoutHttp, { metrics: undefined });
    expect(prometheusRuleGroups(unscraped).map((group) => group.name)).toEqual(["checkout.kubernetes"]);
  });

  it("records the error and latency ratios over the seven windows the four alert pairs read", () => {
    const records = rulesOf(checkoutHttp).flatMap((rule) => (rule.record ? [rule.record] : []));
    const windows = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"];
    expect(records).toEqual([
      ...windows.map((w) => `namespace_service:sli_error:ratio_rate${w}`),
      ...windows.map((w) => `namespace_service:sli_latency_over_threshold:ratio_rate${w}`),
    ]);
  });

  it("records only the SLIs the service has an objective for (gRPC: availability)", () => {
    const records = rulesOf(cartGrpc).flatMap((rule) => (rule.record ? [rule.record] : []));
    expect(records.every((name) => name.startsWith("namespace_service:sli_error:"))).toBe(true);
    expect(alerts(cartGrpc, "LatencyErrorBudgetBurn")).toEqual([]);
    const error = rulesOf(cartGrpc).find(
      (rule) => rule.record === "namespace_service:sli_error:ratio_rate5m",
    );
    expect(error?.expr).toContain(
      'grpc_server_handling_seconds_count{namespace="storefront",service="cart",grpc_code=~"Unknown|DeadlineExceeded|Internal|Unavailable|DataLoss"}[5m]',
    );
  });

  it("matches the latency threshold's bucket in both ways it is written (0.3; 1 and 1.0)", () => {
    const slow = (service: ObservedService) =>
      rulesOf(service).find(
        (rule) => rule.record === "namespace_service:sli_latency_over_threshold:ratio_rate5m",
      )?.expr;
    expect(slow(checkoutHttp)).toContain('le=~"0\\\\.3"');
    const wholeSecond = withObservability(checkoutHttp, {
      slo: { latency: { threshold: 1, objective: 99 }, window: "30d" },
    });
    expect(slow(wholeSecond)).toContain('le=~"1|1\\\\.0"');
  });

  it.each([
    // burn rate, long, short, severity: the SRE workbook's table for a 30-day window
    [14.4, "1h", "5m", "critical"],
    [6, "6h", "30m", "critical"],
    [3, "1d", "2h", "warning"],
    [1, "3d", "6h", "warning"],
  ])("availability: burn rate %d over %s and %s with severity %s", (rate, long, short, severity) => {
    const alert = alerts(checkoutHttp, "AvailabilityErrorBudgetBurn").find((a) => a.labels?.long === long);
    expect(alert?.labels).toEqual({
      team: "payments",
      service: "checkout",
      environment: "prod",
      severity,
      long,
      short,
    });
    const own = '{namespace="payments",service="checkout"}';
    expect(alert?.expr).toBe(
      `namespace_service:sli_error:ratio_rate${long}${own} > (${rate} * 0.001)\nand\n` +
        `namespace_service:sli_error:ratio_rate${short}${own} > (${rate} * 0.001)`,
    );
  });

  it("latency alerts compare against the latency budget (99 % → 0.01)", () => {
    const fast = alerts(checkoutHttp, "LatencyErrorBudgetBurn")[0];
    expect(fast?.expr).toContain("namespace_service:sli_latency_over_threshold:ratio_rate1h");
    expect(fast?.expr).toContain("> (14.4 * 0.01)");
    expect(fast?.annotations?.description).toContain("took longer than 0.3 s");
  });

  it("a standard service's fast burns carry its severity (warning): nothing of it pages", () => {
    expect(new Set(alerts(cartGrpc).map((a) => a.labels?.severity))).toEqual(new Set(["warning"]));
  });

  it("scales the burn rates to the SLO window (28d: 13.44, 5.6, 2.8, 0.9333)", () => {
    const fourWeeks = withObservability(cartGrpc, { slo: { availability: 99.5, window: "28d" } });
    const thresholds = alerts(fourWeeks, "AvailabilityErrorBudgetBurn").map(
      (a) => /> \(([\d.]+) \*/.exec(a.expr)?.[1],
    );
    expect(thresholds).toEqual(["13.44", "5.6", "2.8", "0.9333"]);
  });

  it.each(observedExamples)(
    "%s: every alert has team, service, environment, severity, summary, description",
    (_, s) => {
      for (const alert of alerts(s)) {
        expect(alert.labels).toMatchObject({ team: s.team, service: s.name, environment: s.environment });
        expect(["critical", "warning"]).toContain(alert.labels?.severity);
        expect(alert.annotations?.summary).toMatch(/\S/);
        expect(alert.annotations?.description).toMatch(/\S/);
        expect(alert.annotations?.runbook_url).toBe(s.observability.runbook);
      }
    },
  );

  it("kubernetes alerts: crash looping for all; replicas unavailable for web and worker; job failed for cron", () => {
    expect(
      alerts(checkoutHttp)
        .filter((a) => !a.alert?.endsWith("ErrorBudgetBurn"))
        .map((a) => a.alert),
    ).toEqual(["PodCrashLooping", "ReplicasUnavailable"]);
    expect(alerts(emailWorker).map((a) => a.alert)).toEqual(["PodCrashLooping", "ReplicasUnavailable"]);
    expect(alerts(nightlyReportCron).map((a) => a.alert)).toEqual(["PodCrashLooping", "JobFailed"]);
    expect(alerts(emailWorker, "ReplicasUnavailable")[0]?.expr).toBe(
      'kube_deployment_status_replicas_unavailable{namespace="platform",deployment="email-worker"} > 0',
    );
    expect(alerts(nightlyReportCron, "JobFailed")[0]?.expr).toContain(
      'kube_job_owner{namespace="data",owner_kind="CronJob",owner_name="nightly-report"}',
    );
  });

  it("escapes hostile values: PromQL strings, regex metacharacters in pod names, template delimiters", () => {
    const hostile: ObservedService = {
      ...checkoutHttp,
      name: 'a.b"c',
      namespace: "ns\\x",
      team: "t{{ .x }}",
      observability: { ...checkoutHttp.observability, runbook: "https://r.example/{{ printf 1 }}" },
    };
    const [crash] = alerts(hostile, "PodCrashLooping");
    expect(crash?.expr).toContain('namespace="ns\\\\x"');
    expect(crash?.expr).toContain('pod=~"a\\\\.b\\"c-[a-z0-9]+-[a-z0-9]{5}"');
    expect(crash?.labels?.team).toBe('t{{ "{{" }} .x }}');
    expect(crash?.annotations?.runbook_url).toBe('https://r.example/{{ "{{" }} printf 1 }}');
    const [burn] = alerts(hostile, "AvailabilityErrorBudgetBurn");
    expect(burn?.expr).toContain('{namespace="ns\\\\x",service="a.b\\"c"}');
  });

  it.each([
    ["duration", { duration: "http requests" }, /"http requests" is not a Prometheus metric name/],
    ["errorLabel", { errorLabel: "status-code" }, /"status-code" is not a Prometheus label name/],
    ["errorLabel", { errorLabel: "__name__" }, /not starting with __/],
  ])("refuses a %s PromQL cannot hold (%j)", (_, change, message) => {
    const broken = withObservability(checkoutHttp, { sli: { ...checkoutHttp.observability.sli, ...change } });
    expect(() => prometheusRuleGroups(broken)).toThrow(PromqlValueError);
    expect(() => prometheusRuleGroups(broken)).toThrow(message);
  });

  it("an SLO window too short for any window pair (1h) gives no SLO rules", () => {
    const hourly = withObservability(cartGrpc, { slo: { availability: 99.5, window: "1h" } });
    expect(prometheusRuleGroups(hourly).map((group) => group.name)).toEqual(["cart.kubernetes"]);
  });

  it("refuses an SLO window that is not a Prometheus duration", () => {
    const broken = withObservability(cartGrpc, { slo: { availability: 99.5, window: "a month" } });
    expect(() => prometheusRuleGroups(broken)).toThrow('"a month" is not a Prometheus duration');
  });
});
