import type { IPrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import type { ApiObject } from "cdk8s";
import type { Construct } from "constructs";
import type { PrometheusRuleGroup } from "../../observability/rules.js";
import { addResource } from "../k8s.js";
import { metadataOf, type ServiceIdentity } from "./object-metadata.js";

/** The PrometheusRule of one service. */
export interface PrometheusRuleProps {
  identity: ServiceIdentity;
  /** The rule groups (prometheusRuleGroups of the observability generators). */
  groups: PrometheusRuleGroup[];
}

/**
 * The PrometheusRule `<service>`: its SLI recording rules, SLO burn-rate
 * alerts and basic workload alerts. Prometheus must select rules by the
 * label `app.kubernetes.io/managed-by: idp` (ruleSelector) in every namespace.
 */
export function addPrometheusRule(scope: Construct, props: PrometheusRuleProps): ApiObject {
  return addResource<IPrometheusRule>(scope, "prometheus-rule", {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: metadataOf(props.identity),
    spec: { groups: props.groups },
  });
}
