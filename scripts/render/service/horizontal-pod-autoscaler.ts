import type { ApiObject } from "cdk8s";
import type { Construct } from "constructs";
import { addKubeObject, type HpaScalingRulesV2 } from "../k8s.js";
import { metadataOf, type ServiceIdentity } from "./object-metadata.js";

// Our scale-up and scale-down policy (cdk8s-plus's defaults, which these
// autoscalers have always had): scale up at once, by up to 4 pods or 200%
// a minute, whichever is more; scale down only after 5 minutes of lower load,
// by up to `min` pods per 5 minutes.

/** Seconds of lower load before scaling up acts on it: none, it scales up at once. */
const SCALE_UP_STABILIZATION_SECONDS = 0;
/** The pods added per period at most (the larger of the two policies applies). */
const SCALE_UP_PODS = 4;
/** The percentage of the current pods added per period at most. */
const SCALE_UP_PERCENT = 200;
/** The period of the scale-up policies, in seconds. */
const SCALE_UP_PERIOD_SECONDS = 60;
/** Seconds of lower load before scaling down acts on it. */
const SCALE_DOWN_STABILIZATION_SECONDS = 300;
/** The period of the scale-down policy, in seconds; it removes at most `min` pods per period. */
const SCALE_DOWN_PERIOD_SECONDS = 300;

/** A HorizontalPodAutoscaler (autoscaling/v2) on CPU utilisation. */
export interface HorizontalPodAutoscalerProps {
  identity: ServiceIdentity;
  /** The Deployment it scales, which must have no `replicas` field. */
  target: ApiObject;
  /** The fewest pods. */
  min: number;
  /** The most pods; at least `min`. */
  max: number;
  /** Target average CPU utilisation, in percent of the CPU request. */
  cpu: number;
}

/**
 * An autoscaler named after the service, scaling its Deployment (which then
 * has no `replicas`) on average CPU utilisation, with our scale-up and
 * scale-down policy above.
 *
 * It is a cdk8s ApiObject typed by the L1 KubeHorizontalPodAutoscalerV2's
 * props (see addKubeObject): cdk8s-plus's autoscaler needs a cdk8s-plus
 * Deployment as its target, and those cost about 6x per object.
 */
export function addHorizontalPodAutoscaler(scope: Construct, props: HorizontalPodAutoscalerProps): ApiObject {
  if (props.min > props.max) {
    throw new Error(
      `autoscale of ${props.identity.service.name}: min (${props.min}) is above max (${props.max})`,
    );
  }
  const scaleUp: HpaScalingRulesV2 = {
    stabilizationWindowSeconds: SCALE_UP_STABILIZATION_SECONDS,
    selectPolicy: "Max",
    policies: [
      { type: "Pods", value: SCALE_UP_PODS, periodSeconds: SCALE_UP_PERIOD_SECONDS },
      { type: "Percent", value: SCALE_UP_PERCENT, periodSeconds: SCALE_UP_PERIOD_SECONDS },
    ],
  };
  const scaleDown: HpaScalingRulesV2 = {
    stabilizationWindowSeconds: SCALE_DOWN_STABILIZATION_SECONDS,
    selectPolicy: "Max",
    policies: [{ type: "Pods", value: props.min, periodSeconds: SCALE_DOWN_PERIOD_SECONDS }],
  };
  return addKubeObject(scope, "horizontal-pod-autoscaler", "HorizontalPodAutoscaler", {
    metadata: metadataOf(props.identity),
    spec: {
      scaleTargetRef: {
        apiVersion: props.target.apiVersion,
        kind: props.target.kind,
        name: props.target.name,
      },
      minReplicas: props.min,
      maxReplicas: props.max,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: props.cpu } },
        },
      ],
      behavior: { scaleUp, scaleDown },
    },
  });
}
