import type { ApiObject } from "cdk8s";
import type { Construct } from "constructs";
import type { EnvironmentDefaults, EnvironmentLimits } from "../../model/types.generated.js";
import { addKubeObject, type LimitRangeItem } from "../k8s.js";
import { type ObjectMetaProps, objectMeta } from "./object-meta.js";

/** The name of the LimitRange in every team namespace. */
export const LIMIT_RANGE_NAME = "limits";

export interface TeamLimitRangeProps extends Omit<ObjectMetaProps, "name"> {
  /** The team namespace. */
  readonly namespace: string;
  /** `environment.spec.defaults`: requests (and the memory limit) of a container that sets none. */
  readonly defaults?: EnvironmentDefaults;
  /** `environment.spec.limits`: the largest CPU and memory per container. @default no maximum */
  readonly limits?: EnvironmentLimits;
}

/**
 * The LimitRange `limits` of a team namespace, for containers the platform did
 * not render (a debug pod, an operator's job): `defaultRequest` is the
 * environment's default cpu and memory, `default` (the limit) is the default
 * memory, matching the service rule "memory limit = request, no CPU limit";
 * `max` is `limits.maxCpu`/`maxMemory`. Kubernetes gives a container without
 * a CPU limit `max.cpu` as its limit, the ceiling the environment allows a
 * service anyway. Returns undefined when there is nothing to set.
 */
export function addTeamLimitRange(
  scope: Construct,
  id: string,
  props: TeamLimitRangeProps,
): ApiObject | undefined {
  const resources = props.defaults?.resources;
  const item: LimitRangeItem = { type: "Container" };
  if (resources) {
    item.defaultRequest = { cpu: resources.cpu, memory: resources.memory };
    item.default = { memory: resources.memory };
  }
  const max: Record<string, string | number> = {};
  if (props.limits?.maxCpu !== undefined) max.cpu = props.limits.maxCpu;
  if (props.limits?.maxMemory !== undefined) max.memory = props.limits.maxMemory;
  if (Object.keys(max).length > 0) item.max = max;
  if (!item.defaultRequest && !item.max) return undefined;
  return addKubeObject(scope, id, "LimitRange", {
    metadata: objectMeta({ ...props, name: LIMIT_RANGE_NAME }),
    spec: { limits: [item] },
  });
}
