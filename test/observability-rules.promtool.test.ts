/**
 * The generated alert rules, checked by the real promtool (tools/promtool.sh,
 * pinned in tools/versions.env): `promtool check rules` accepts every
 * example's rule file, and `promtool test rules` runs synthetic series
 * through them. Rule files come from prometheusRuleGroups, never copied by
 * hand, so a generator bug fails here; the series and expected alerts are
 * written from the service's inputs (metric names, labels), not from the
 * generated expressions.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { stringify } from "yaml";
import { serviceDashboard, teamDashboard } from "../scripts/observability/dashboards.js";
import type { ObservedService } from "../scripts/observability/model.js";
import { promqlString, templateText } from "../scripts/observability/promql.js";
import { type PrometheusRule, prometheusRuleGroups } from "../scripts/observability/rules.js";
import { errorBudget } from "../scripts/observability/sli.js";
import { cartGrpc, checkoutHttp, nightlyReportCron, observedExamples } from "./support/observed-services.js";
import { counterValues, installedPromtool, runPromtool } from "./support/promtool.js";

// promtool evaluates every rule once a simulated minute over up to 21 hours: seconds each, more on a busy machine.
vi.setConfig({ testTimeout: 180_000 });

let promtool = "";
const work = mkdtempSync(join(tmpdir(), "idp-promtool-"));

beforeAll(() => {
  promtool = installedPromtool();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Writes the service's groups as a Prometheus rule file (what the operator hands Prometheus) in a new folder. */
function ruleFileFor(service: ObservedService, folder: string): string {
  const dir = join(work, folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "rules.yaml"),
    stringify({ groups: prometheusRuleGroups(service) }, { lineWidth: 0 }),
  );
  return dir;
}

interface InputSeries {
  series: string;
  values: string;
}
interface AlertTest {
  eval_time: string;
  alertname: string;
  exp_alerts: Array<{ exp_labels: Record<string, string>; exp_annotations: Record<string, string> }>;
}

/** Runs `promtool test rules` on one test group against the service's rule file; returns what promtool printed. */
function promtoolTest(dir: string, name: string, input_series: InputSeries[], alert_rule_test: AlertTest[]) {
  const file = `${name}.test.yaml`;
  const test = {
    rule_files: ["rules.yaml"],
    evaluation_interval: "1m",
    tests: [{ name, interval: "1m", input_series, alert_rule_test }],
  };
  writeFileSync(join(dir, file), stringify(test, { lineWidth: 0 }));
  return runPromtool(promtool, ["test", "rules", file], dir);
}

function seriesName(metric: string, labels: Record<string, string>): string {
  return `${metric}{${Object.entries(labels)
    .map(([key, value]) => `${key}=${promqlString(value)}`)
    .join(",")}}`;
}

/** The annotations promtool must render for the generated alert (static text: templates print it unchanged). */
function annotationsOf(service: ObservedService, alertname: string, labels: Record<string, string> = {}) {
  const rule = prometheusRuleGroups(service)
    .flatMap((group) => (group.rules ?? []) as PrometheusRule[])
    .find((r) => r.alert === alertname && Object.entries(labels).every(([k, v]) => r.labels?.[k] === v));
  if (!rule?.annotations)
    throw new Error(`no ${alertname} ${JSON.stringify(labels)} rule for ${service.name}`);
  return rule.annotations;
}

function ownerLabels(service: ObservedService, severity: string) {
  return { team: service.team, service: service.name, environment: service.environment, severity };
}

describe("promtool check rules", () => {
  it.each(observedExamples)("accepts the %s example's rules, every rule counted", (_, service) => {
    const dir = ruleFileFor(service, `check-${service.name}`);
    const count = prometheusRuleGroups(service).reduce((n, group) => n + (group.rules?.length ?? 0), 0);
    const run = runPromtool(promtool, ["check", "rules", "--lint=all", "--lint-fatal", "rules.yaml"], dir);
    expect(run.output).toContain(`SUCCESS: ${count} rules found`);
    expect(run.status).toBe(0);
  });

  it("parses every query of the generated dashboards ($__rate_interval read as 5m)", () => {
    const dir = join(work, "check-dashboards");
    mkdirSync(dir, { recursive: true });
    const dashboards = [
      ...observedExamples.map(([, service]) => serviceDashboard(service)),
      teamDashboard(
        "storefront",
        "prod",
        observedExamples.map(([, service]) => service),
      ),
    ];
    const exprs = dashboards.flatMap((dashboard) =>
      ((dashboard.panels ?? []) as Array<{ targets?: Array<{ expr?: string }> }>).flatMap((panel) =>
        (panel.targets ?? []).map((target) => (target.expr ?? "").replaceAll("$__rate_interval", "5m")),
      ),
    );
    const rules = exprs.map((expr, i) => ({ record: `dashboard:query_${i}:value`, expr }));
    writeFileSync(
      join(dir, "rules.yaml"),
      stringify({ groups: [{ name: "dashboards", rules }] }, { lineWidth: 0 }),
    );
    const run = runPromtool(promtool, ["check", "rules", "rules.yaml"], dir);
    expect(run.output).toContain(`SUCCESS: ${exprs.length} rules found`);
    expect(run.status).toBe(0);
  });

  it("refuses a broken expression (the check is real)", () => {
    const dir = join(work, "check-broken");
    mkdirSync(dir, { recursive: true });
    const groups = prometheusRuleGroups(checkoutHttp);
    const rules = (groups[0]?.rules ?? []) as PrometheusRule[];
    rules[0] = { ...rules[0], record: rules[0]?.record ?? "x", expr: `${rules[0]?.expr})` };
    writeFileSync(join(dir, "rules.yaml"), stringify({ groups }, { lineWidth: 0 }));
    const run = runPromtool(promtool, ["check", "rules", "rules.yaml"], dir);
    expect(run.status).toBe(1);
    expect(run.output).toContain("FAILED");
  });
});

/**
 * Request series of a service over `minutes`: 1,000 requests a minute, of
 * which `bad(minute)` fail (availability) or are slower than the latency
 * threshold (latency).
 */
function requestSeries(
  service: ObservedService,
  kind: "availability" | "latency",
  minutes: number,
  bad: (m: number) => number,
) {
  const { sli, slo } = service.observability;
  const own = { namespace: service.namespace, service: service.name };
  const errorValue = sli.errorLabel === "grpc_code" ? "Unavailable" : "500";
  const okValue = sli.errorLabel === "grpc_code" ? "OK" : "200";
  if (kind === "availability")
    return [
      {
        series: seriesName(`${sli.duration}_count`, { ...own, [sli.errorLabel]: okValue }),
        values: counterValues(minutes, (m) => 1000 - bad(m)),
      },
      {
        series: seriesName(`${sli.duration}_count`, { ...own, [sli.errorLabel]: errorValue }),
        values: counterValues(minutes, bad),
      },
    ];
  const threshold = String(slo?.latency?.threshold);
  return [
    {
      series: seriesName(`${sli.duration}_bucket`, { ...own, le: threshold }),
      values: counterValues(minutes, (m) => 1000 - bad(m)),
    },
    {
      series: seriesName(`${sli.duration}_bucket`, { ...own, le: "+Inf" }),
      values: counterValues(minutes, () => 1000),
    },
    { series: seriesName(`${sli.duration}_count`, { ...own }), values: counterValues(minutes, () => 1000) },
  ];
}

const BASELINE = 1200; // 20 healthy hours first: the 6h, 1d and 3d windows then stay under their burn rates

describe.each([
  ["http availability (99.9 %)", checkoutHttp, "availability", "AvailabilityErrorBudgetBurn", "critical"],
  ["http latency (99 % under 0.3 s)", checkoutHttp, "latency", "LatencyErrorBudgetBurn", "critical"],
  ["grpc availability (99.5 %)", cartGrpc, "availability", "AvailabilityErrorBudgetBurn", "warning"],
] as const)("promtool test rules: %s", (title, service, kind, alertname, severity) => {
  const objective =
    kind === "availability"
      ? service.observability.slo?.availability
      : service.observability.slo?.latency?.objective;
  const budget = errorBudget(objective ?? Number.NaN);
  const dir = ruleFileFor(service, `test-${service.name}-${kind}`);
  const expected = {
    exp_labels: { namespace: service.namespace, ...ownerLabels(service, severity), long: "1h", short: "5m" },
    exp_annotations: annotationsOf(service, alertname, { long: "1h" }),
  };

  it(`pages within the hour when bad requests run at 20× the budget (${20 * budget * 100} %), and not before the 1h window confirms`, () => {
    const bad = (m: number) => (m > BASELINE ? 20 * budget * 1000 : 0);
    const run = promtoolTest(dir, "fast-burn", requestSeries(service, kind, BASELINE + 60, bad), [
      // 30 minutes in: the 5m window burns, the 1h window is at 10× only.
      { eval_time: `${BASELINE + 30}m`, alertname, exp_alerts: [] },
      // 50 minutes in: both windows over 14.4×; the 6h, 1d and 3d windows are not.
      { eval_time: `${BASELINE + 50}m`, alertname, exp_alerts: [expected] },
    ]);
    expect(run.output, title).toContain("SUCCESS");
    expect(run.status).toBe(0);
  });

  // Exactly at the objective the 1× (3d/6h) ticket sits on its threshold, where the order Prometheus
  // sums series in decides the last bit: the test runs just inside the objective (95 % of the budget).
  it(`stays silent at the objective (${budget * 95} % bad requests for ${BASELINE + 60} minutes)`, () => {
    const run = promtoolTest(
      dir,
      "at-objective",
      requestSeries(service, kind, BASELINE + 60, () => 0.95 * budget * 1000),
      [60, 360, BASELINE + 60].map((m) => ({ eval_time: `${m}m`, alertname, exp_alerts: [] })),
    );
    expect(run.output).toContain("SUCCESS");
    expect(run.status).toBe(0);
  });

  it("each window pair fires exactly above its burn rate (steady bad ratios just under and over 1, 3, 6 and 14.4)", () => {
    // The SRE workbook's table for a 30-day window: burn rate, windows, and whether it pages.
    const table = [
      { rate: 14.4, long: "1h", short: "5m", severity },
      { rate: 6, long: "6h", short: "30m", severity },
      { rate: 3, long: "1d", short: "2h", severity: "warning" },
      { rate: 1, long: "3d", short: "6h", severity: "warning" },
    ];
    const tests = [0.9, 1.1, 2.9, 3.1, 5.8, 6.2, 14, 15].map((multiple) => ({
      name: `steady ${multiple}x`,
      interval: "1m",
      input_series: requestSeries(service, kind, 70, () => multiple * budget * 1000),
      alert_rule_test: [
        {
          eval_time: "65m",
          alertname,
          exp_alerts: table
            .filter((row) => multiple > row.rate)
            .map((row) => ({
              exp_labels: {
                namespace: service.namespace,
                ...ownerLabels(service, row.severity),
                long: row.long,
                short: row.short,
              },
              exp_annotations: annotationsOf(service, alertname, { long: row.long }),
            })),
        },
      ],
    }));
    writeFileSync(
      join(dir, "thresholds.test.yaml"),
      stringify({ rule_files: ["rules.yaml"], evaluation_interval: "1m", tests }, { lineWidth: 0 }),
    );
    const run = runPromtool(promtool, ["test", "rules", "thresholds.test.yaml"], dir);
    expect(run.output).toContain("SUCCESS");
    expect(run.status).toBe(0);
  });

  it("the test is real: promtool fails when the expected page does not come", () => {
    const run = promtoolTest(
      dir,
      "no-burn",
      requestSeries(service, kind, 120, () => 0),
      [{ eval_time: "110m", alertname, exp_alerts: [expected] }],
    );
    expect(run.status).toBe(1);
    expect(run.output).toContain("FAILED");
  });
});

describe("promtool test rules: kube-state-metrics alerts", () => {
  const ksm = { job: "kube-state-metrics", service: "kube-state-metrics" };

  it("PodCrashLooping fires for the service's pod, not for the pod of checkout-v2 beside it", () => {
    const dir = ruleFileFor(checkoutHttp, "test-crash");
    const pod = { namespace: "payments", pod: "checkout-7d9f8c6b5-x2x4z", container: "app", ...ksm };
    const other = { ...pod, pod: "checkout-v2-5d8f7b6c9-abcde" };
    const restarts = counterValues(40, (m) => (m >= 5 && m % 2 === 0 ? 1 : 0)); // a restart every 2 minutes
    const run = promtoolTest(
      dir,
      "crash-looping",
      [
        { series: seriesName("kube_pod_container_status_restarts_total", pod), values: restarts },
        { series: seriesName("kube_pod_container_status_restarts_total", other), values: restarts },
      ],
      [
        { eval_time: "4m", alertname: "PodCrashLooping", exp_alerts: [] },
        {
          eval_time: "30m",
          alertname: "PodCrashLooping",
          exp_alerts: [
            {
              exp_labels: { ...pod, ...ownerLabels(checkoutHttp, "warning") },
              exp_annotations: annotationsOf(checkoutHttp, "PodCrashLooping"),
            },
          ],
        },
      ],
    );
    expect(run.output).toContain("SUCCESS");
    expect(run.status).toBe(0);
  });

  it("ReplicasUnavailable fires after 15 minutes of an unavailable replica", () => {
    const dir = ruleFileFor(checkoutHttp, "test-replicas");
    const labels = { namespace: "payments", deployment: "checkout", ...ksm };
    const run = promtoolTest(
      dir,
      "replicas-unavailable",
      [
        {
          series: seriesName("kube_deployment_status_replicas_unavailable", labels),
          values: "0 0 0 0 0 1x40",
        },
      ],
      [
        { eval_time: "15m", alertname: "ReplicasUnavailable", exp_alerts: [] },
        {
          eval_time: "25m",
          alertname: "ReplicasUnavailable",
          exp_alerts: [
            {
              exp_labels: { ...labels, ...ownerLabels(checkoutHttp, "warning") },
              exp_annotations: annotationsOf(checkoutHttp, "ReplicasUnavailable"),
            },
          ],
        },
      ],
    );
    expect(run.output).toContain("SUCCESS");
    expect(run.status).toBe(0);
  });

  it("JobFailed fires for a failed Job of the CronJob, not for another CronJob's", () => {
    const dir = ruleFileFor(nightlyReportCron, "test-job");
    const failed = {
      namespace: "data",
      job_name: "nightly-report-29012345",
      reason: "BackoffLimitExceeded",
      ...ksm,
    };
    const otherFailed = { ...failed, job_name: "nightly-report-copy-29012345" };
    const owner = (job: string, cron: string) =>
      seriesName("kube_job_owner", {
        namespace: "data",
        job_name: job,
        owner_kind: "CronJob",
        owner_name: cron,
        owner_is_controller: "true",
        ...ksm,
      });
    const run = promtoolTest(
      dir,
      "job-failed",
      [
        { series: seriesName("kube_job_status_failed", failed), values: "0 0 0 0 0 1x20" },
        { series: owner(failed.job_name, "nightly-report"), values: "1x25" },
        { series: seriesName("kube_job_status_failed", otherFailed), values: "1x25" },
        { series: owner(otherFailed.job_name, "nightly-report-copy"), values: "1x25" },
      ],
      [
        { eval_time: "3m", alertname: "JobFailed", exp_alerts: [] },
        {
          eval_time: "10m",
          alertname: "JobFailed",
          exp_alerts: [
            {
              exp_labels: { ...failed, ...ownerLabels(nightlyReportCron, "warning") },
              exp_annotations: annotationsOf(nightlyReportCron, "JobFailed"),
            },
          ],
        },
      ],
    );
    expect(run.output).toContain("SUCCESS");
    expect(run.status).toBe(0);
  });
});

describe("promtool test rules: escaping", () => {
  const hostile = [
    'a"b',
    "back\\slash",
    "new\nline\ttab",
    "{{ .x }} and }}",
    "$1 ${x}",
    "é 日本 🙂",
    "bell\u0007",
    "'single' `tick`",
  ];

  it("a value quoted with promqlString matches the series and templateText prints itself", () => {
    const dir = join(work, "test-escaping");
    mkdirSync(dir, { recursive: true });
    const rules = hostile.map((value, i) => ({
      alert: `RoundTrip${i}`,
      expr: `roundtrip{v=${promqlString(value)}}`,
      labels: { literal: templateText(value) },
      annotations: { fromLabel: "{{ $labels.v }}", literal: templateText(value) },
    }));
    writeFileSync(join(dir, "rules.yaml"), stringify({ groups: [{ name: "roundtrip", rules }] }));
    const run = promtoolTest(
      dir,
      "roundtrip",
      hostile.map((value) => ({ series: seriesName("roundtrip", { v: value }), values: "1x5" })),
      hostile.map((value, i) => ({
        eval_time: "2m",
        alertname: `RoundTrip${i}`,
        exp_alerts: [
          { exp_labels: { v: value, literal: value }, exp_annotations: { fromLabel: value, literal: value } },
        ],
      })),
    );
    expect(run.output).toContain("SUCCESS");
    expect(run.status).toBe(0);
  });
});
