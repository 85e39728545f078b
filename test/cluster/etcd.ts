import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./free-port.js";
import { poll } from "./poll.js";
import { exitedEarly, type ServerProcess, startProcess } from "./processes.js";
import { clusterTool } from "./tools.js";

/** A running etcd: its client URL and process. */
export interface Etcd {
  url: string;
  process: ServerProcess;
}

/**
 * Starts a single-member etcd on loopback with its data in `dir` (no fsync:
 * the data dies with the test) and waits until /health answers true.
 */
export async function startEtcd(dir: string): Promise<Etcd> {
  const [client, peer] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${client}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  mkdirSync(join(dir, "etcd"), { recursive: true });
  const process = startProcess(
    "etcd",
    clusterTool("etcd"),
    [
      ...["--name", "test", "--data-dir", join(dir, "etcd")],
      ...["--listen-client-urls", url, "--advertise-client-urls", url],
      ...["--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl],
      ...["--initial-cluster", `test=${peerUrl}`, "--unsafe-no-fsync", "--log-level", "warn"],
    ],
    { log: join(dir, "etcd.log") },
  );
  await poll(
    "etcd to report healthy",
    async () => {
      const early = exitedEarly(process);
      if (early) throw early;
      const response = await fetch(`${url}/health`);
      const body = (await response.json()) as { health?: string };
      return body.health === "true" ? true : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 50 },
  );
  return { url, process };
}
