import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { type ProvidedCluster, startTestCluster } from "./cluster.js";
import { CRD_ROOT, yamlFiles } from "./crds.js";

const ROOT = join(import.meta.dirname, "..", "..");

declare module "vitest" {
  export interface ProvidedContext {
    cluster: ProvidedCluster;
  }
}

/**
 * Vitest global setup of the cluster project: starts etcd and the API servers
 * (one per environment of manifests/, one for Flux) once for every cluster suite, installs upstream/crds, hands the endpoints to
 * the test files (`inject("cluster")`) and stops everything afterwards (API
 * servers before etcd). IDP_KEEP_CLUSTER=1 keeps the temporary folder (logs,
 * kubeconfigs) for a look after a failure.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), "idp-cluster-"));
  const environments = readdirSync(join(ROOT, "manifests"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const cluster = await startTestCluster(dir, environments, yamlFiles(CRD_ROOT));
  project.provide("cluster", {
    dir,
    caFile: cluster.pki.caFile,
    dryRun: Object.fromEntries(
      Object.entries(cluster.dryRun).map(([env, s]) => [env, { ...s.endpoint, kubeconfig: s.kubeconfig }]),
    ),
    gitops: { ...cluster.gitops.endpoint, kubeconfig: cluster.gitops.kubeconfig },
    crds: cluster.crds,
    readyMs: cluster.readyMs,
  });
  return async () => {
    await cluster.stop();
    if (process.env.IDP_KEEP_CLUSTER !== "1") rmSync(dir, { recursive: true, force: true });
  };
}
