import type { IRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Rule";
import type { IRuleGroup } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/RuleGroup";
import { type BurnRateAlert, burnRateAlerts, ratioWindows } from "./burn-rates.js";
import { podMatcher } from "./kube-series.js";
import type { ObservedService } from "./model.js";
import { durationMs, formatNumber, matcher, templateText } from "./promql.js";
import {
  errorBudget,
  errorRatioExpr,
  ratioRecord,
  type SliKind,
  type SliSeries,
  serviceMatchers,
  sliSeries,
  slowRatioExpr,
} from "./sli.js";

/** One group of a PrometheusRule's spec.groups (the Prometheus Operator's type). */
export type PrometheusRuleGroup = IRuleGroup;
/** One rule of a group, with its expression always a string. */
export type PrometheusRule = IRule & { expr: string };

/** An objective the service has for one SLI, in percent. */
interface Objective {
  kind: SliKind;
  percent: number;
  /** What a bad event is, for alert texts. */
  bad: string;
}

/**
 * The rule groups of a service's PrometheusRule:
 * - `<name>.sli`: recorded ratios of bad requests over the windows the SLO alerts read;
 * - `<name>.slo`: multi-window, multi-burn-rate alerts per objective (availability, latency);
 * - `<name>.kubernetes`: pod crash looping, plus replicas unavailable (web, worker) or job failed (cron),
 *   from kube-state-metrics, so a service without metrics still gets them.
 * The first two exist only when the service is scraped and has an objective.
 * Throws PromqlValueError on a metric or label name PromQL cannot hold (validation refuses those first).
 */
export function prometheusRuleGroups(service: ObservedService): PrometheusRuleGroup[] {
  const groups: PrometheusRuleGroup[] = [];
  const { metrics, slo } = service.observability;
  const objectives = metrics && slo ? objectivesOf(slo) : [];
  const alerts = slo && objectives.length > 0 ? burnRateAlerts(slo.window) : [];
  // No pair fits an SLO window of an hour or less: nothing to record or alert on.
  if (slo && alerts.length > 0) {
    const series = sliSeries(service);
    groups.push({
      name: `${service.name}.sli`,
      rules: recordingRules(series, objectives, ratioWindows(alerts)),
    });
    groups.push({ name: `${service.name}.slo`, rules: sloAlerts(service, objectives, alerts, slo.window) });
  }
  groups.push({ name: `${service.name}.kubernetes`, rules: kubernetesAlerts(service) });
  return groups;
}

function objectivesOf(slo: NonNullable<ObservedService["observability"]["slo"]>): Objective[] {
  const objectives: Objective[] = [];
  if (slo.availability !== undefined)
    objectives.push({ kind: "availability", percent: slo.availability, bad: "failed" });
  if (slo.latency)
    objectives.push({
      kind: "latency",
      percent: slo.latency.objective,
      bad: `took longer than ${formatNumber(slo.latency.threshold)} s`,
    });
  return objectives;
}

function recordingRules(series: SliSeries, objectives: Objective[], windows: string[]): PrometheusRule[] {
  const rules: PrometheusRule[] = [];
  for (const { kind } of objectives)
    for (const window of windows) {
      const expr = kind === "availability" ? errorRatioExpr(series, window) : slowRatioExpr(series, window);
      if (expr) rules.push({ record: ratioRecord(kind, window), expr });
    }
  return rules;
}

const ALERT_NAMES: Readonly<Record<SliKind, string>> = {
  availability: "AvailabilityErrorBudgetBurn",
  latency: "LatencyErrorBudgetBurn",
};

function sloAlerts(
  service: ObservedService,
  objectives: Objective[],
  alerts: readonly BurnRateAlert[],
  sloWindow: string,
): PrometheusRule[] {
  const own = serviceMatchers(service);
  const rules: PrometheusRule[] = [];
  for (const objective of objectives) {
    const budget = formatNumber(errorBudget(objective.percent));
    for (const alert of alerts) {
      const rate = formatNumber(alert.burnRate);
      const over = (window: string) =>
        `${ratioRecord(objective.kind, window)}{${own}} > (${rate} * ${budget})`;
      const severity = alert.urgency === "page" ? service.observability.severity : "warning";
      rules.push({
        alert: ALERT_NAMES[objective.kind],
        expr: `${over(alert.long)}\nand\n${over(alert.short)}`,
        labels: alertLabels(service, severity, { long: alert.long, short: alert.short }),
        annotations: annotations(service, {
          summary: `${service.name} in ${service.environment}: the ${objective.kind} error budget burns at ${rate}× the sustainable rate`,
          description:
            `More than ${rate} × ${formatNumber(Number(budget) * 100)} % of the requests to ${service.name} ` +
            `(namespace ${service.namespace}) ${objective.bad} over both the last ${alert.long} and the last ${alert.short}, ` +
            `against a ${formatNumber(objective.percent)} % ${objective.kind} objective over ${sloWindow}. ` +
            `At this rate the whole ${sloWindow} error budget is gone in ${exhaustion(sloWindow, alert)}.`,
        }),
      });
    }
  }
  return rules;
}

/** How long a full budget lasts at the alert's burn rate, for people ("2.1 days", "5 hours"). */
function exhaustion(sloWindow: string, alert: BurnRateAlert): string {
  const hours = durationMs(sloWindow) / 3_600_000 / alert.burnRate;
  return hours >= 48
    ? `${formatNumber(Math.round(hours / 2.4) / 10)} days`
    : `${formatNumber(Math.round(hours))} hours`;
}

function kubernetesAlerts(service: ObservedService): PrometheusRule[] {
  const ns = matcher("namespace", service.namespace);
  const pods = podMatcher(service);
  const rules: PrometheusRule[] = [
    {
      alert: "PodCrashLooping",
      expr: `increase(kube_pod_container_status_restarts_total{${ns},${pods}}[15m]) > 2`,
      for: "5m",
      labels: alertLabels(service, "warning"),
      annotations: annotations(service, {
        summary: `${service.name} in ${service.environment}: a container keeps restarting`,
        description: `A container of a ${service.name} pod (namespace ${service.namespace}) restarted more than twice in 15 minutes, for 5 minutes: it is crash looping. Its logs and kubectl describe pod name the cause.`,
      }),
    },
  ];
  if (service.type === "cron")
    rules.push({
      alert: "JobFailed",
      expr:
        `kube_job_status_failed{${ns}} > 0\nand on (namespace, job_name)\n` +
        `kube_job_owner{${ns},owner_kind="CronJob",${matcher("owner_name", service.name)}}`,
      labels: alertLabels(service, "warning"),
      annotations: annotations(service, {
        summary: `${service.name} in ${service.environment}: a run of the cron job failed`,
        description: `A Job of the CronJob ${service.name} (namespace ${service.namespace}) failed. The alert clears when the failed Job is deleted or leaves the job history.`,
      }),
    });
  else
    rules.push({
      alert: "ReplicasUnavailable",
      expr: `kube_deployment_status_replicas_unavailable{${ns},${matcher("deployment", service.name)}} > 0`,
      for: "15m",
      labels: alertLabels(service, "warning"),
      annotations: annotations(service, {
        summary: `${service.name} in ${service.environment}: replicas unavailable`,
        description: `The Deployment ${service.name} (namespace ${service.namespace}) has had unavailable replicas for 15 minutes: pods fail to start, to become ready, or cannot be scheduled.`,
      }),
    });
  return rules;
}

function alertLabels(
  service: ObservedService,
  severity: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  const labels: Record<string, string> = {
    team: templateText(service.team),
    service: templateText(service.name),
    environment: templateText(service.environment),
    severity,
  };
  for (const [key, value] of Object.entries(extra)) labels[key] = templateText(value);
  return labels;
}

function annotations(
  service: ObservedService,
  text: { summary: string; description: string },
): Record<string, string> {
  const out: Record<string, string> = {
    summary: templateText(text.summary),
    description: templateText(text.description),
  };
  if (service.observability.runbook) out.runbook_url = templateText(service.observability.runbook);
  return out;
}
