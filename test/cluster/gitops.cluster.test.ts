import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { readObjects } from "./crds.js";
import { type FluxControllers, startFluxControllers } from "./flux-controllers.js";
import { type GitHttpServer, startGitHttpServer } from "./git-http-server.js";
import { KubeClient, type KubeObject } from "./kube-client.js";
import {
  createPlatformRepository,
  gitAsync,
  type PlatformRepository,
  shopService,
} from "./platform-repository.js";
import { poll } from "./poll.js";
import { recordResult } from "./report.js";

const cluster = inject("cluster");
const client = new KubeClient(cluster.gitops);
const FLUX_NAMESPACE = "flux-system";
const NAMESPACE = "shop-dev";
const dir = mkdtempSync(join(tmpdir(), "idp-cluster-flux-"));
const latencies: Record<string, number> = {};
let gitServer: GitHttpServer | undefined;
let controllers: FluxControllers | undefined;
let repository: PlatformRepository;

const deployment = (name: string): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: NAMESPACE },
});

/** The image of Deployment `name`, or undefined while it does not exist. */
async function imageOf(name: string): Promise<string | undefined> {
  const answer = await client.get(deployment(name));
  if (answer.status === 404) return undefined;
  if (answer.status !== 200) throw new Error(`reading Deployment ${name}: ${answer.status}`);
  const spec = answer.body.spec as { template: { spec: { containers: { image: string }[] } } };
  return spec.template.spec.containers[0]?.image;
}

/** Asks source-controller to fetch now, as `flux reconcile source git` does. */
async function requestReconcile(): Promise<void> {
  const answer = await client.send(
    "PATCH",
    `/apis/source.toolkit.fluxcd.io/v1/namespaces/${FLUX_NAMESPACE}/gitrepositories/platform`,
    { metadata: { annotations: { "reconcile.fluxcd.io/requestedAt": new Date().toISOString() } } },
    "application/merge-patch+json",
  );
  expect(answer.status, answer.body.message).toBe(200);
}

/** Commits, pushes, asks Flux to look, and polls until `done`; records the latency under `what`. */
async function mergeAndWait(what: string, message: string, done: () => Promise<boolean>): Promise<void> {
  await repository.renderCommitPush(message);
  const started = Date.now();
  await requestReconcile();
  try {
    await poll(what, async () => ((await done()) ? true : undefined), { timeoutMs: 90_000, intervalMs: 100 });
  } catch (error) {
    const logs = (controllers?.processes ?? []).map((p) => `--- ${p.name} (${p.log}):\n${p.tail(15)}`);
    throw new Error(`${(error as Error).message}\n${logs.join("\n")}`);
  }
  latencies[what] = (Date.now() - started) / 1000;
}

beforeAll(async () => {
  await client.discover();
  expect(
    client.resource("source.toolkit.fluxcd.io/v1", "GitRepository") &&
      client.resource("kustomize.toolkit.fluxcd.io/v1", "Kustomization"),
    "the Flux CRDs (upstream/crds) must be installed",
  ).toBeTruthy();
  const served = join(dir, "served");
  mkdirSync(served);
  gitServer = await startGitHttpServer({
    projectRoot: served,
    certFile: join(cluster.dir, "server.crt"),
    keyFile: join(cluster.dir, "server.key"),
  });
  repository = createPlatformRepository({
    work: join(dir, "work"),
    served,
    repoURL: `${gitServer.url}/platform.git`,
    namespace: FLUX_NAMESPACE,
  });
  repository.setService("steady", shopService("steady", "worker", "ghcr.io/example/steady:1.0.0"));
  await repository.renderCommitPush("platform with one service");
  // what a platform engineer does once per cluster: Flux's namespace, then `kubectl apply -f _platform`
  const namespace = { apiVersion: "v1", kind: "Namespace", metadata: { name: FLUX_NAMESPACE } };
  expect((await client.apply(namespace, { dryRun: false })).status).toBeLessThan(300);
  const platform = readObjects(join(repository.work, "manifests", "dev", "_platform", "manifest.yaml"));
  for (const object of [
    ...platform.filter((o) => o.kind === "Namespace"),
    ...platform.filter((o) => o.kind !== "Namespace"),
  ]) {
    const answer = await client.apply(object, { dryRun: false });
    expect(answer.status, `${object.kind} ${object.metadata.name}: ${answer.body.message}`).toBeLessThan(300);
  }
  const started = Date.now();
  controllers = await startFluxControllers({
    dir,
    kubeconfig: cluster.gitops.kubeconfig,
    caFile: cluster.caFile,
    namespace: FLUX_NAMESPACE,
  });
  await poll(
    "Flux to apply the first commit (Deployment steady)",
    async () => ((await imageOf("steady")) ? true : undefined),
    {
      timeoutMs: 120_000,
      intervalMs: 200,
    },
  ).catch((error: Error) => {
    const logs = (controllers?.processes ?? []).map((p) => `--- ${p.name} (${p.log}):\n${p.tail(20)}`);
    throw new Error(`${error.message}\n${logs.join("\n")}`);
  });
  latencies["controllers started to first commit applied"] = (Date.now() - started) / 1000;
});

afterAll(async () => {
  await controllers?.stop();
  await gitServer?.close();
  recordResult("flux", { latencySeconds: latencies });
  if (process.env.IDP_KEEP_CLUSTER !== "1") rmSync(dir, { recursive: true, force: true });
});

describe("Flux applies a merge to a real API server", () => {
  it("serves the repository over HTTPS with git's smart protocol", async () => {
    const heads = await gitAsync(dir, ["ls-remote", `${gitServer?.url}/platform.git`], cluster.caFile);
    expect(heads).toMatch(/^[0-9a-f]{40}\trefs\/heads\/main$/m);
  });

  it("a new service's Deployment appears", async () => {
    repository.setService("hello", shopService("hello", "web", "ghcr.io/example/hello:1.0.0"));
    await mergeAndWait(
      "apply (new service)",
      "add hello",
      async () => (await imageOf("hello")) !== undefined,
    );
    expect(await imageOf("hello")).toBe("ghcr.io/example/hello:1.0.0");
  });

  it("a changed image reaches the Deployment", async () => {
    repository.setService("hello", shopService("hello", "web", "ghcr.io/example/hello:1.1.0"));
    await mergeAndWait(
      "update (image)",
      "hello 1.1.0",
      async () => (await imageOf("hello")) === "ghcr.io/example/hello:1.1.0",
    );
  });

  it("a deleted service is pruned, and only it", async () => {
    repository.setService("hello", undefined);
    await mergeAndWait(
      "prune (service deleted)",
      "remove hello",
      async () => (await imageOf("hello")) === undefined,
    );
    expect(await imageOf("steady")).toBe("ghcr.io/example/steady:1.0.0");
  });
});
