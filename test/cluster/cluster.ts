import { join } from "node:path";
import { type ApiServer, startApiServer } from "./apiserver.js";
import { installCrds } from "./crds.js";
import { aggregateClusterRoles } from "./emulate-controllers.js";
import { type Etcd, startEtcd } from "./etcd.js";
import { KubeClient, type KubeEndpoint } from "./kube-client.js";
import { writeKubeconfig } from "./kubeconfig.js";
import { createPki, type TestPki } from "./pki.js";

/** What the cluster suites share: API servers on one etcd, each under its own prefix. */
export interface TestCluster {
  dir: string;
  pki: TestPki;
  etcd: Etcd;
  /**
   * Per environment, a server that checks its rendered tree (namespaces and
   * _platform applied, everything else dry-run). One per environment, as in
   * production (each environment names its own cluster): the claim CRDs of
   * two environments have one name and different schemas.
   */
  dryRun: Record<string, ApiServer & { kubeconfig: string }>;
  /** Where the Flux controllers apply a merged commit; nothing else touches it. */
  gitops: ApiServer & { kubeconfig: string };
  /** The CRDs installed on both servers. */
  crds: string[];
  /** Milliseconds from starting etcd to both API servers answering /readyz. */
  readyMs: number;
  /** Stops the API servers, then etcd. */
  stop(): Promise<void>;
}

/** The parts of a test cluster the test files receive (plain data). */
export interface ProvidedCluster {
  dir: string;
  caFile: string;
  dryRun: Record<string, KubeEndpoint & { kubeconfig: string }>;
  gitops: KubeEndpoint & { kubeconfig: string };
  crds: string[];
  readyMs: number;
}

/**
 * Starts etcd and kube-apiservers on loopback in `dir` (in parallel,
 * separated by their etcd prefix): one `dry-run-<env>` per name of
 * `environments` and one `gitops`; installs `crdFiles` into each and fills the
 * aggregated ClusterRoles of `gitops`. If anything fails, whatever started is
 * stopped before the error is thrown.
 */
export async function startTestCluster(
  dir: string,
  environments: readonly string[],
  crdFiles: readonly string[],
): Promise<TestCluster> {
  const started = Date.now();
  const pki = createPki(dir);
  const etcd = await startEtcd(dir);
  const servers: ApiServer[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.process.stop()));
    await etcd.process.stop();
  };
  try {
    const names = ["gitops", ...environments.map((env) => `dry-run-${env}`)];
    const servers_ = await Promise.all(
      names.map(async (name) => {
        const server = await startApiServer({ dir, name, etcdUrl: etcd.url, pki });
        servers.push(server);
        return { ...server, kubeconfig: writeKubeconfig(join(dir, `${name}.kubeconfig`), server.endpoint) };
      }),
    );
    const [gitops, ...dryRuns] = servers_;
    if (!gitops) throw new Error("the gitops API server did not start");
    const readyMs = Date.now() - started;
    const [crds] = await Promise.all(servers_.map((s) => installCrds(new KubeClient(s.endpoint), crdFiles)));
    await aggregateClusterRoles(new KubeClient(gitops.endpoint));
    const dryRun = Object.fromEntries(
      environments.map((env, i) => [env, dryRuns[i] as (typeof servers_)[0]]),
    );
    return { dir, pki, etcd, dryRun, gitops, crds: crds ?? [], readyMs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
