import type { ObservedService } from "./model.js";
import { matcher, regexLiteral } from "./promql.js";

/**
 * `pod=~"…"`: the pods of the service's Deployment (<name>-<pod-template-hash>-<5>) or
 * of its CronJob's Jobs (<name>-<minutes>-<5>), for kube-state-metrics and cAdvisor series.
 * One segment between, so service "api" does not match the pods of "api-gateway";
 * names are at most 40 characters, so Kubernetes never truncates these pod names.
 */
export function podMatcher(service: Pick<ObservedService, "name">): string {
  return matcher("pod", `${regexLiteral(service.name)}-[a-z0-9]+-[a-z0-9]{5}`, "=~");
}
