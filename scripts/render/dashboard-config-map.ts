import type { ApiObjectMetadata } from "cdk8s";
import * as kplus from "cdk8s-plus-28";
import type { Construct } from "constructs";
import type { GrafanaDashboard } from "../observability/dashboards.js";
import { withEntry } from "./labels.js";

/** The label Grafana's dashboard sidecar looks for (kube-prometheus-stack's default, `sidecar.dashboards.label`). */
export const GRAFANA_DASHBOARD_LABEL = "grafana_dashboard";

/** A ConfigMap holding one Grafana dashboard for the sidecar to load. */
export interface DashboardConfigMapProps {
  /** Name, namespace, labels and annotations of the ConfigMap; the sidecar label is added. */
  metadata: ApiObjectMetadata & { name: string; labels: Record<string, string> };
  /** The data key: the file name the sidecar writes, unique across the cluster (`<namespace>-<name>.json`). */
  file: string;
  dashboard: GrafanaDashboard;
}

/**
 * Adds a ConfigMap with one dashboard under `file`, labelled
 * `grafana_dashboard: "1"`; the JSON is compact (its keys in the order the
 * generator gives them), so the same dashboard always gives the same bytes.
 */
export function addDashboardConfigMap(
  scope: Construct,
  id: string,
  props: DashboardConfigMapProps,
): kplus.ConfigMap {
  return new kplus.ConfigMap(scope, id, {
    metadata: { ...props.metadata, labels: withEntry(props.metadata.labels, GRAFANA_DASHBOARD_LABEL, "1") },
    data: { [props.file]: JSON.stringify(props.dashboard) },
  });
}
