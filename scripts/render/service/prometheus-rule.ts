import type { IPrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import type { ApiObject } from "cdk8s";
import type { Construct } from "constructs";
import type { ResolvedObservability } from "../../observability/model.js";
import type { PrometheusRuleGroup } from "../../observability/rules.js";
import { addResource } from "../k8s.js";
import { metadataOf, type ServiceIdentity } from "./object-metadata.js";

/** The PrometheusRule of one service. */
export interface PrometheusRuleProps {
  identity: ServiceIdentity;
  /** The rule groups (prometheusRuleGroups of the observability generators). */
  groups: PrometheusRuleGroup[];
  /** The objectives and runbook, recorded in annotations for people and for `idp plan`. */
  observability: ResolvedObservability;
}

/** Annotations that state a service's objectives and runbook in words (`idp plan` reads their changes). */
export const SLO_ANNOTATIONS = {
  availability: "idp/slo-availability",
  latency: "idp/slo-latency",
  window: "idp/slo-window",
  runbook: "idp/runbook",
} as const;

/** "99.9 %", "99 % under 0.5 s" and the like: what the objectives say, readable in a manifest diff. */
export function sloAnnotations(observability: ResolvedObservability): Record<string, string> {
  const { slo, runbook } = observability;
  const annotations: Record<string, string> = {};
  if (slo?.availability !== undefined) annotations[SLO_ANNOTATIONS.availability] = `${slo.availability} %`;
  if (slo?.latency)
    annotations[SLO_ANNOTATIONS.latency] = `${slo.latency.objective} % under ${slo.latency.threshold} s`;
  if (slo) annotations[SLO_ANNOTATIONS.window] = slo.window;
  if (runbook !== undefined) annotations[SLO_ANNOTATIONS.runbook] = runbook;
  return annotations;
}

/**
 * The PrometheusRule `<service>`: its SLI recording rules, SLO burn-rate
 * alerts and basic workload alerts. Prometheus must select rules by the
 * label `app.kubernetes.io/managed-by: idp` (ruleSelector) in every namespace.
 */
export function addPrometheusRule(scope: Construct, props: PrometheusRuleProps): ApiObject {
  const metadata = metadataOf(props.identity);
  return addResource<IPrometheusRule>(scope, "prometheus-rule", {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: {
      ...metadata,
      annotations: { ...metadata.annotations, ...sloAnnotations(props.observability) },
    },
    spec: { groups: props.groups },
  });
}
