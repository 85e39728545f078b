import { join } from "node:path";
import { type ApiServer, startApiServer } from "./apiserver.js";
import { installCrds } from "./crds.js";
import { aggregateClusterRoles } from "./emulate-controllers.js";
import { type Etcd, startEtcd } from "./etcd.js";
import { KubeClient, type KubeEndpoint } from "./kube-client.js";
import { writeKubeconfig } from "./kubeconfig.js";
import { createPki, type TestPki } from "./pki.js";

/** What the cluster suites share: one API server per job, both on one etcd. */
export interface TestCluster {
  dir: string;
  pki: TestPki;
  etcd: Etcd;
  /** Checks rendered trees (namespaces and _platform applied, everything else dry-run). */
  dryRun: ApiServer & { kubeconfig: string };
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
  dryRun: KubeEndpoint & { kubeconfig: string };
  gitops: KubeEndpoint & { kubeconfig: string };
  crds: string[];
  readyMs: number;
}

/**
 * Starts etcd and two kube-apiservers on loopback in `dir` (in parallel,
 * separated by their etcd prefix), installs `crdFiles` into both and fills
 * the aggregated ClusterRoles. If anything fails, whatever started is stopped
 * before the error is thrown.
 */
export async function startTestCluster(dir: string, crdFiles: readonly string[]): Promise<TestCluster> {
  const started = Date.now();
  const pki = createPki(dir);
  const etcd = await startEtcd(dir);
  const servers: ApiServer[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.process.stop()));
    await etcd.process.stop();
  };
  try {
    const [dryRun, gitops] = await Promise.all(
      ["dry-run", "gitops"].map(async (name) => {
        const server = await startApiServer({ dir, name, etcdUrl: etcd.url, pki });
        servers.push(server);
        return { ...server, kubeconfig: writeKubeconfig(join(dir, `${name}.kubeconfig`), server.endpoint) };
      }),
    );
    if (!dryRun || !gitops) throw new Error("an API server did not start");
    const readyMs = Date.now() - started;
    const [crds] = await Promise.all([
      installCrds(new KubeClient(dryRun.endpoint), crdFiles),
      installCrds(new KubeClient(gitops.endpoint), crdFiles),
    ]);
    await aggregateClusterRoles(new KubeClient(gitops.endpoint));
    return { dir, pki, etcd, dryRun, gitops, crds: crds ?? [], readyMs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
