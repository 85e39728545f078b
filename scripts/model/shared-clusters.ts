import { namespaceFor } from "./environments.js";
import type { Findings } from "./findings.js";
import type { EnvironmentModel, TeamModel } from "./resolved.js";

/**
 * Environments that share a cluster (`spec.cluster.server`) must not render
 * the same objects into it: each environment's `_platform` defines the claim
 * kinds of its dependency classes (cluster-scoped CRDs and XRDs, with schemas
 * derived from that environment's classes) and its team namespaces, and two
 * GitOps applications owning one object fight over it (Argo CD reports a
 * shared resource; the schemas flip on every sync). Refused on the later
 * environment's `spec.cluster`, in promotion order.
 */
export function checkSharedClusters(
  environments: readonly EnvironmentModel[],
  teams: readonly TeamModel[],
  findings: Findings,
): void {
  const earlier = new Map<string, EnvironmentModel[]>();
  for (const env of environments) {
    const server = env.spec.cluster.server;
    const before = earlier.get(server) ?? [];
    for (const other of before) {
      const kinds = claimKinds(env).filter((kind) => claimKinds(other).includes(kind));
      const namespaces = teams
        .map((team) => namespaceFor(env, team.name))
        .filter((namespace) => teams.some((team) => namespaceFor(other, team.name) === namespace));
      const shared = [
        ...(kinds.length > 0 ? [`the claim kind${kinds.length > 1 ? "s" : ""} ${kinds.join(", ")}`] : []),
        ...(namespaces.length > 0
          ? [`the namespace${namespaces.length > 1 ? "s" : ""} ${namespaces.join(", ")}`]
          : []),
      ];
      if (shared.length === 0) continue;
      findings.error(
        "resolve.shared-cluster",
        `${env.name} and ${other.name} both run on cluster ${server} and both define ${shared.join(" and ")}: their _platform manifests would own the same objects`,
        { file: env.file, path: ["spec", "cluster", "server"] },
        {
          hint: "give each environment its own cluster, or namespace templates that differ and dependency classes of a claim kind in one of them only",
        },
      );
    }
    earlier.set(server, [...before, env]);
  }
}

/** The claim kinds (group/Kind) an environment's dependency classes define in `_platform`. */
function claimKinds(env: EnvironmentModel): string[] {
  const kinds = new Set<string>();
  for (const sizes of Object.values(env.spec.dependencyClasses ?? {})) {
    for (const dependencyClass of Object.values(sizes)) {
      // A volume class renders a core PersistentVolumeClaim: no kind of ours to share.
      if (!("claim" in dependencyClass)) continue;
      const { apiVersion, kind } = dependencyClass.claim;
      kinds.add(`${apiVersion.slice(0, Math.max(apiVersion.lastIndexOf("/"), 0))}/${kind}`);
    }
  }
  return [...kinds].sort();
}
