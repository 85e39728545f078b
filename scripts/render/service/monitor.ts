import type { IPodMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor";
import type { IServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import type { ApiObject } from "cdk8s";
import type { Construct } from "constructs";
import type { ResolvedObservability } from "../../observability/model.js";
import { addResource } from "../k8s.js";
import { metadataOf, type ServiceIdentity } from "./object-metadata.js";

/** A ServiceMonitor or PodMonitor: how Prometheus finds and scrapes one service's metrics. */
export interface MonitorProps {
  identity: ServiceIdentity;
  /** The resolved scrape settings: port name, path and interval. */
  metrics: NonNullable<ResolvedObservability["metrics"]>;
}

/**
 * The ServiceMonitor `<service>` of a web service: scrapes the endpoints of
 * its Service on the named port. The Prometheus Operator labels every series
 * with `namespace` and `service` (the Kubernetes Service's name, which is the
 * service's name), which the SLI rules and dashboards select by.
 */
export function addServiceMonitor(scope: Construct, props: MonitorProps): ApiObject {
  const { identity, metrics } = props;
  return addResource<IServiceMonitor>(scope, "service-monitor", {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: metadataOf(identity),
    spec: {
      selector: { matchLabels: identity.selector },
      endpoints: [{ port: metrics.port, path: metrics.path, interval: metrics.interval }],
    },
  });
}

/**
 * The PodMonitor `<service>` of a worker or cron job, which has no Service:
 * scrapes its pods on the named container port. A PodMonitor gives no
 * `service` label of its own, so a relabeling sets it to the service's name,
 * making its series look like a ServiceMonitor's to the rules and dashboards.
 */
export function addPodMonitor(scope: Construct, props: MonitorProps): ApiObject {
  const { identity, metrics } = props;
  return addResource<IPodMonitor>(scope, "pod-monitor", {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: metadataOf(identity),
    spec: {
      selector: { matchLabels: identity.selector },
      podMetricsEndpoints: [
        {
          port: metrics.port,
          path: metrics.path,
          interval: metrics.interval,
          relabelings: [{ action: "replace", targetLabel: "service", replacement: identity.service.name }],
        },
      ],
    },
  });
}
