import type { Findings } from "./findings.js";
import type { Origin } from "./merge.js";
import type { ResolvedService } from "./resolved.js";

/**
 * A volume dependency is a ReadWriteOnce PersistentVolumeClaim: one node
 * mounts it at a time, so a second pod on another node would hang in
 * ContainerCreating (Multi-Attach error) and an autoscaler could never scale
 * out. A service with one therefore runs exactly one pod, and says so: more
 * replicas or autoscale is refused, not quietly rendered.
 */
export function checkVolumeReplicas(
  service: ResolvedService,
  origin: (dotted: string) => Origin,
  findings: Findings,
): void {
  const volume = service.dependencies.find((d) => d.path !== undefined);
  // A cron job runs one pod per run (concurrencyPolicy Forbid): replicas do not apply.
  if (!volume || service.type === "cron") return;
  const hint =
    "a volume dependency attaches to one pod: set replicas: 1 (without autoscale), or keep shared data in a database or bucket dependency";
  const where = (field: string): Origin => {
    const set = origin(field);
    // Set by the environment's defaults (prod runs 2): the dependency is the line to change.
    return set.file === service.file ? set : origin(`dependencies.${volume.name}.path`);
  };
  if (service.autoscale) {
    findings.error(
      "resolve.volume-replicas",
      `autoscale runs up to ${service.autoscale.max} pods, but dependency ${volume.name} is a ReadWriteOnce volume that one pod mounts`,
      where("autoscale"),
      { environment: service.environment, hint },
    );
  } else if ((service.replicas ?? 1) > 1) {
    findings.error(
      "resolve.volume-replicas",
      `replicas is ${service.replicas} in {env}, but dependency ${volume.name} is a ReadWriteOnce volume that one pod mounts`,
      where("replicas"),
      { environment: service.environment, hint },
    );
  }
}
