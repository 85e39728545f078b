import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./free-port.js";
import { type ServerProcess, startProcess } from "./processes.js";
import { clusterTool } from "./tools.js";

/** Flux's source-controller and kustomize-controller, running. */
export interface FluxControllers {
  processes: ServerProcess[];
  stop(): Promise<void>;
}

/**
 * Starts Flux's source-controller and kustomize-controller (built by
 * tools/cluster-tools.sh) against the API server of `kubeconfig`, as one
 * replica each: no leader election, metrics and health on free loopback
 * ports, source-controller's artifact storage in `dir` served on loopback.
 * `caFile` is trusted for HTTPS (the test's git server) through
 * SSL_CERT_FILE, which Go reads in place of the system roots.
 */
export async function startFluxControllers(options: {
  dir: string;
  kubeconfig: string;
  caFile: string;
  namespace: string;
}): Promise<FluxControllers> {
  const { dir } = options;
  const storage = join(dir, "flux-storage");
  mkdirSync(storage, { recursive: true });
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    KUBECONFIG: options.kubeconfig,
    RUNTIME_NAMESPACE: options.namespace,
    SSL_CERT_FILE: options.caFile,
  };
  const common = async () => [
    "--enable-leader-election=false",
    `--metrics-addr=127.0.0.1:${await freePort()}`,
    `--health-addr=127.0.0.1:${await freePort()}`,
    "--log-level=debug",
    "--log-encoding=console",
  ];
  const storagePort = await freePort();
  const source = startProcess(
    "source-controller",
    clusterTool("source-controller"),
    [
      ...(await common()),
      `--storage-path=${storage}`,
      `--storage-addr=127.0.0.1:${storagePort}`,
      `--storage-adv-addr=127.0.0.1:${storagePort}`,
    ],
    { log: join(dir, "source-controller.log"), env, cwd: dir },
  );
  const kustomize = startProcess(
    "kustomize-controller",
    clusterTool("kustomize-controller"),
    [...(await common()), "--requeue-dependency=2s"],
    { log: join(dir, "kustomize-controller.log"), env, cwd: dir },
  );
  const processes = [source, kustomize];
  return { processes, stop: async () => void (await Promise.all(processes.map((p) => p.stop()))) };
}
