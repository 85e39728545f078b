import { accessSync, constants } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");

/** The binaries tools/cluster-tools.sh builds into .tools/bin. */
export type ClusterTool =
  | "kube-apiserver"
  | "kubectl"
  | "etcd"
  | "source-controller"
  | "kustomize-controller";

/**
 * The path of a cluster tool built by tools/cluster-tools.sh. Throws (the
 * suite fails, it is never skipped) with what to run when it is missing.
 */
export function clusterTool(name: ClusterTool): string {
  const path = join(ROOT, ".tools", "bin", name);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(
      `${path} is missing: run bash tools/cluster-tools.sh first (it builds the cluster test's kube-apiserver, etcd and Flux controllers from the Go module proxy; the first build takes 15 to 25 minutes)`,
    );
  }
  return path;
}
