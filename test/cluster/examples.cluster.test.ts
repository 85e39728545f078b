import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { checkTree, countByKind, manifestFiles } from "./check-tree.js";
import { CRD_ROOT, readObjects, yamlFiles } from "./crds.js";
import { KubeClient } from "./kube-client.js";
import { renderedCopy, switchToFlux } from "./rendered-copy.js";
import { recordResult } from "./report.js";

const ROOT = join(import.meta.dirname, "..", "..");
const cluster = inject("cluster");
const client = new KubeClient(cluster.dryRun);
const temps: string[] = [];
const savedToday = process.env.IDP_TODAY;

/** Creates a namespace the platform installs by hand (the GitOps controller's own). */
async function ensureNamespace(name: string): Promise<void> {
  await client.discover();
  const answer = await client.apply(
    { apiVersion: "v1", kind: "Namespace", metadata: { name } },
    { dryRun: false },
  );
  expect(answer.status, answer.body.message).toBeLessThan(300);
}

beforeAll(async () => {
  process.env.IDP_TODAY = "2026-11-25";
  await ensureNamespace("argocd");
  await ensureNamespace("flux-system");
});

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  if (savedToday === undefined) delete process.env.IDP_TODAY;
  else process.env.IDP_TODAY = savedToday;
});

describe("the rendered examples against a real kube-apiserver", () => {
  it("installed every CRD under upstream/crds", () => {
    const expected = yamlFiles(CRD_ROOT)
      .flatMap(readObjects)
      .filter((o) => o.kind === "CustomResourceDefinition")
      .map((o) => o.metadata.name)
      .sort();
    expect(cluster.crds).toEqual(expected);
  });

  it("accepts every object of manifests/ (Argo CD, the committed examples) without a warning", async () => {
    const started = Date.now();
    const result = await checkTree(client, ROOT);
    recordResult("accepted-argocd", {
      tree: "manifests/ (gitops.controller argocd)",
      seconds: (Date.now() - started) / 1000,
      apiserverReadySeconds: cluster.readyMs / 1000,
      accepted: result.accepted.length,
      byKind: countByKind(result.accepted),
      problems: result.problems,
    });
    expect(result.problems).toEqual([]);
    expect(result.accepted.length).toBeGreaterThan(100);
    // the largest example (the service file with the most objects) went through whole
    const largest = manifestFiles(ROOT)
      .services.sort((a, b) => b.objects.length - a.objects.length)
      .at(0);
    const acceptedThere = result.accepted.filter((a) => a.file === largest?.file && a.mode !== "pod dry-run");
    expect(acceptedThere).toHaveLength(largest?.objects.length ?? -1);
    expect(countByKind(result.accepted)).toMatchObject({
      Namespace: expect.any(Number),
      Deployment: expect.any(Number),
    });
  });

  it("accepts every object of the examples rendered with dev switched to Flux", async () => {
    const root = await renderedCopy("idp-cluster-flux-", (r) => switchToFlux(r, "dev"));
    temps.push(root);
    const started = Date.now();
    const result = await checkTree(client, root, { environments: ["dev"] });
    const byKind = countByKind(result.accepted);
    recordResult("accepted-flux", {
      tree: "examples with environments/dev.yaml gitops.controller: flux (manifests/dev only)",
      seconds: (Date.now() - started) / 1000,
      accepted: result.accepted.length,
      byKind,
      problems: result.problems,
    });
    expect(result.problems).toEqual([]);
    expect(byKind).toMatchObject({ GitRepository: 1, Kustomization: expect.any(Number) });
  });
});
