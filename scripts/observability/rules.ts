import type { IRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Rule";
import type { IRuleGroup } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/RuleGroup";
import type { ObservedService } from "./model.js";

/** One group of a PrometheusRule's spec.groups (the Prometheus Operator's type). */
export type PrometheusRuleGroup = IRuleGroup;
/** One rule of a group, with its expression always a string. */
export type PrometheusRule = IRule & { expr: string };

/**
 * SEAM, replaced by the observability-rules branch on merge: the rule
 * groups of a service's PrometheusRule. This stand-in gives only a crash
 * loop alert, so the render wiring has something real to carry.
 */
export function prometheusRuleGroups(service: ObservedService): PrometheusRuleGroup[] {
  const rule: PrometheusRule = {
    alert: "PodCrashLooping",
    expr: `increase(kube_pod_container_status_restarts_total{namespace="${service.namespace}",pod=~"${service.name}-.*"}[15m]) > 3`,
    for: "5m",
    labels: {
      team: service.team,
      service: service.name,
      environment: service.environment,
      severity: service.observability.severity,
    },
    annotations: {
      summary: `${service.name} restarts repeatedly`,
      ...(service.observability.runbook ? { runbook_url: service.observability.runbook } : {}),
    },
  };
  return [{ name: `${service.name}.kubernetes`, rules: [rule] }];
}
