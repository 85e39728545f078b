import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./free-port.js";
import { KubeClient, type KubeEndpoint } from "./kube-client.js";
import type { TestPki } from "./pki.js";
import { PollAbort, poll } from "./poll.js";
import { exitedEarly, type ServerProcess, startProcess } from "./processes.js";
import { clusterTool } from "./tools.js";

/** A running kube-apiserver. */
export interface ApiServer {
  endpoint: KubeEndpoint;
  process: ServerProcess;
}

/** The admission plugins the rendered objects must get past. */
export const ADMISSION_PLUGINS = [
  "NamespaceLifecycle",
  "LimitRanger",
  "ServiceAccount",
  "PodSecurity",
  "ResourceQuota",
  "DefaultStorageClass",
  "MutatingAdmissionWebhook",
  "ValidatingAdmissionWebhook",
  "ValidatingAdmissionPolicy",
] as const;

/**
 * Starts kube-apiserver on 127.0.0.1 (a free port) against `etcdUrl`, keeping
 * its data under `etcdPrefix` so that several servers can share one etcd,
 * with RBAC, the admission plugins above, token authentication and the
 * service-account keys of `pki`; waits until /readyz answers ok. There is no
 * kube-controller-manager: tests write what its controllers would (see
 * emulate-controllers.ts).
 */
export async function startApiServer(options: {
  dir: string;
  name: string;
  etcdUrl: string;
  pki: TestPki;
}): Promise<ApiServer> {
  const { dir, name, pki } = options;
  const port = await freePort();
  const certDir = join(dir, `${name}-certs`);
  mkdirSync(certDir, { recursive: true });
  const process = startProcess(
    name,
    clusterTool("kube-apiserver"),
    [
      ...["--etcd-servers", options.etcdUrl, "--etcd-prefix", `/registry-${name}`],
      ...["--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1", "--secure-port", String(port)],
      // the default reconciler wants to publish a routable address; loopback is refused
      "--endpoint-reconciler-type=none",
      ...["--cert-dir", certDir, "--tls-cert-file", pki.certFile, "--tls-private-key-file", pki.keyFile],
      ...["--token-auth-file", pki.tokenFile, "--anonymous-auth=false"],
      ...["--service-account-key-file", pki.serviceAccountPublicKey],
      ...["--service-account-signing-key-file", pki.serviceAccountPrivateKey],
      ...["--service-account-issuer", "https://kubernetes.default.svc.cluster.local"],
      ...["--service-cluster-ip-range", "10.96.0.0/16"],
      ...["--authorization-mode", "Node,RBAC"],
      ...["--enable-admission-plugins", ADMISSION_PLUGINS.join(",")],
      "--profiling=false",
    ],
    { log: join(dir, `${name}.log`) },
  );
  const endpoint: KubeEndpoint = { server: `https://127.0.0.1:${port}`, token: pki.token, ca: pki.ca };
  const client = new KubeClient(endpoint);
  await poll(
    `${name} to be ready`,
    async () => {
      const early = exitedEarly(process);
      if (early) throw new PollAbort(early);
      const ready = await client.send("GET", "/readyz");
      return ready.status === 200 ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  return { endpoint, process };
}
