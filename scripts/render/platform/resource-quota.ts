import type { ApiObject } from "cdk8s";
import type { Construct } from "constructs";
import type { Quota } from "../../model/types.generated.js";
import { addKubeObject } from "../k8s.js";
import { type ObjectMetaProps, objectMeta } from "./object-meta.js";

/** The name of the ResourceQuota in every team namespace. */
export const QUOTA_NAME = "quota";

export interface TeamQuotaProps extends Omit<ObjectMetaProps, "name"> {
  /** The team namespace. */
  readonly namespace: string;
  /** `environment.spec.quota`. */
  readonly quota: Quota;
}

/**
 * The ResourceQuota `quota` of a team namespace: `cpu` bounds the sum of CPU
 * requests, `memory` the sum of memory requests and of memory limits (a
 * service's memory limit defaults to its request), `pods` the pod count.
 * Returns undefined when the quota sets nothing.
 */
export function addTeamQuota(scope: Construct, id: string, props: TeamQuotaProps): ApiObject | undefined {
  const { cpu, memory, pods } = props.quota;
  const hard: Record<string, string | number> = {};
  if (cpu !== undefined) hard["requests.cpu"] = cpu;
  if (memory !== undefined) {
    hard["requests.memory"] = memory;
    hard["limits.memory"] = memory;
  }
  if (pods !== undefined) hard.pods = pods;
  if (Object.keys(hard).length === 0) return undefined;
  return addKubeObject(scope, id, "ResourceQuota", {
    metadata: objectMeta({ ...props, name: QUOTA_NAME }),
    spec: { hard },
  });
}
