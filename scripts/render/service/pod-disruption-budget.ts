import type { ApiObject } from "cdk8s";
import type { Construct } from "constructs";
import { addKubeObject } from "../k8s.js";
import { metadataOf, type ServiceIdentity } from "./object-metadata.js";

/** A PodDisruptionBudget (policy/v1), which cdk8s-plus-28 has no L2 construct for. */
export interface PodDisruptionBudgetProps {
  identity: ServiceIdentity;
  /**
   * Pods a voluntary disruption (a node drain) may take down at once.
   * An absolute count keeps drains possible at any scale, where
   * `minAvailable` equal to the replicas would block them.
   * @default 1
   */
  maxUnavailable?: number;
}

/** Whether more than one pod can run, which is when a budget means anything. */
export function needsDisruptionBudget(replicas: number | undefined, autoscale?: { max: number }): boolean {
  return (replicas ?? 0) > 1 || (autoscale?.max ?? 0) > 1;
}

/** A PodDisruptionBudget named after the service, over its pods. */
export function addPodDisruptionBudget(scope: Construct, props: PodDisruptionBudgetProps): ApiObject {
  return addKubeObject(scope, "pod-disruption-budget", "PodDisruptionBudget", {
    metadata: metadataOf(props.identity),
    spec: { maxUnavailable: props.maxUnavailable ?? 1, selector: { matchLabels: props.identity.selector } },
  });
}
