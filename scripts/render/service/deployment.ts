import type { ApiObject } from "cdk8s";
import type { Construct } from "constructs";
import { addKubeObject, type PodTemplateSpec } from "../k8s.js";
import { type ServiceIdentity, workloadMetadataOf } from "./object-metadata.js";

/** Seconds a new pod must be ready before it counts as available (Kubernetes' default, written out). */
const MIN_READY_SECONDS = 0;

/** Seconds a rollout may go without progress before it counts as failed (Kubernetes' default). */
const PROGRESS_DEADLINE_SECONDS = 600;

/** At most a quarter of the pods extra, and a quarter unavailable, during a rollout. */
const MAX_SURGE = "25%";
const MAX_UNAVAILABLE = "25%";

/** The Deployment of a web or worker service. */
export interface DeploymentProps {
  identity: ServiceIdentity;
  /** The pod template, from `podTemplate`. */
  template: PodTemplateSpec;
  /**
   * A fixed pod count. Leave it out when a HorizontalPodAutoscaler scales the
   * Deployment: it then has no `replicas` field, so the autoscaler and the
   * GitOps controller do not fight over it.
   * @default no replicas field (an autoscaler owns it)
   */
  replicas?: number;
  /**
   * Replace the pod rather than roll: the old pod lets go of a ReadWriteOnce
   * volume before the new one mounts it (a surge pod on another node would
   * wait forever on the attachment).
   * @default false (rolling update)
   */
  recreate?: boolean;
}

/**
 * A Deployment named after the service, selecting its pods by the selector
 * labels, rolling out 25% surge / 25% unavailable (or Recreate, see `recreate`).
 *
 * It is a cdk8s ApiObject typed by the L1 KubeDeployment's props (see
 * addKubeObject), not cdk8s-plus's Deployment: cdk8s-plus's pod machinery
 * cost about 6x per object, and its output needed JSON patches (seccomp,
 * exact quantities, gRPC probes, its address label). The defaults
 * cdk8s-plus wrote (minReadySeconds, progressDeadlineSeconds, strategy) are
 * written out the same.
 */
export function addDeployment(scope: Construct, props: DeploymentProps): ApiObject {
  return addKubeObject(scope, "deployment", "Deployment", {
    metadata: workloadMetadataOf(props.identity),
    spec: {
      replicas: props.replicas,
      minReadySeconds: MIN_READY_SECONDS,
      progressDeadlineSeconds: PROGRESS_DEADLINE_SECONDS,
      selector: { matchLabels: props.identity.selector },
      strategy: props.recreate
        ? { type: "Recreate" }
        : {
            type: "RollingUpdate",
            rollingUpdate: {
              maxSurge: MAX_SURGE,
              maxUnavailable: MAX_UNAVAILABLE,
            },
          },
      template: props.template,
    },
  });
}
