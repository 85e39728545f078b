import type { ApiObjectMetadata } from "cdk8s";
import type { ConfigMap } from "cdk8s-plus-28";
import type { Construct } from "constructs";
import { kplus } from "./cdk8s.js";
import { withEntry } from "./labels.js";

/** The label Grafana's dashboard sidecar looks for (kube-prometheus-stack's default, `sidecar.dashboards.label`). */
export const GRAFANA_DASHBOARD_LABEL = "grafana_dashboard";

/** A ConfigMap holding one Grafana dashboard for the sidecar to load. */
export interface DashboardConfigMapProps {
  /** Name, namespace, labels and annotations of the ConfigMap; the sidecar label is added. */
  metadata: ApiObjectMetadata & { name: string; labels: Record<string, string> };
  /** The data key: the file name the sidecar writes, unique across the cluster (`<namespace>-<name>.json`). */
  file: string;
  /** The dashboard's JSON text (scripts/observability/dashboard-json.ts). */
  json: string;
}

/**
 * Adds a ConfigMap with one dashboard under `file`, labelled
 * `grafana_dashboard: "1"`. The JSON text is given, not built here: service
 * dashboards come from a template per shape (serviceDashboardJson).
 */
export function addDashboardConfigMap(
  scope: Construct,
  id: string,
  props: DashboardConfigMapProps,
): ConfigMap {
  return new kplus.ConfigMap(scope, id, {
    metadata: { ...props.metadata, labels: withEntry(props.metadata.labels, GRAFANA_DASHBOARD_LABEL, "1") },
    data: { [props.file]: props.json },
  });
}
