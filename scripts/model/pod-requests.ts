import { parseQuantity } from "./quantity.js";
import type { ResolvedService } from "./resolved.js";

/**
 * What the scheduler reserves for one pod (cores, bytes): the main container
 * and the sidecars together, or the largest init container if that is more
 * (init containers run one at a time, before the sidecars start). The quota
 * rule (COST002) and `idp cost` count a pod the same way.
 */
export function podRequests(service: ResolvedService): { cpu: number; memory: number } {
  const sum = (what: "cpu" | "memory") =>
    [service.resources, ...service.sidecars.map((c) => c.resources)].reduce(
      (total, r) => total + (parseQuantity(r[what]) ?? 0),
      0,
    );
  const largestInit = (what: "cpu" | "memory") =>
    Math.max(0, ...service.initContainers.map((c) => parseQuantity(c.resources[what]) ?? 0));
  return {
    cpu: Math.max(sum("cpu"), largestInit("cpu")),
    memory: Math.max(sum("memory"), largestInit("memory")),
  };
}

/**
 * Pods a service runs at its smallest and largest scale: its replicas, or
 * autoscale.min and max; a cron job counts one pod (one run at a time), as
 * the quota rule (COST002) counts it.
 */
export function podCounts(service: ResolvedService): { min: number; max: number } {
  if (service.type === "cron") return { min: 1, max: 1 };
  if (service.autoscale) return { min: service.autoscale.min, max: service.autoscale.max };
  const replicas = service.replicas ?? 1;
  return { min: replicas, max: replicas };
}
