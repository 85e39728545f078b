import * as kplus from "cdk8s-plus-28";
import type { Construct } from "constructs";
import { metadataOf, type ServiceIdentity } from "./object-metadata.js";

/** A HorizontalPodAutoscaler (autoscaling/v2) on CPU utilisation. */
export interface HorizontalPodAutoscalerProps {
  identity: ServiceIdentity;
  target: kplus.Deployment;
  /** The fewest pods. */
  min: number;
  /** The most pods; at least `min`. */
  max: number;
  /** Target average CPU utilisation, in percent of the CPU request. */
  cpu: number;
}

/** An autoscaler named after the service, scaling its Deployment (which then has no `replicas`). */
export function addHorizontalPodAutoscaler(
  scope: Construct,
  props: HorizontalPodAutoscalerProps,
): kplus.HorizontalPodAutoscaler {
  if (props.min > props.max) {
    throw new Error(
      `autoscale of ${props.identity.service.name}: min (${props.min}) is above max (${props.max})`,
    );
  }
  return new kplus.HorizontalPodAutoscaler(scope, "horizontal-pod-autoscaler", {
    metadata: metadataOf(props.identity),
    target: props.target,
    minReplicas: props.min,
    maxReplicas: props.max,
    metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(props.cpu))],
  });
}
