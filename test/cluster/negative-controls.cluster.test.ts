import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { stringify } from "yaml";
import { checkTree } from "./check-tree.js";
import { KubeClient } from "./kube-client.js";

// any environment's server: the controls bring their own namespace
const endpoint = Object.values(inject("cluster").dryRun)[0];
if (!endpoint) throw new Error("the cluster setup started no dry-run API server");
const client = new KubeClient(endpoint);
const NS = "negative-controls";
const root = mkdtempSync(join(tmpdir(), "idp-cluster-negative-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const restricted = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

function deployment(
  name: string,
  container: Record<string, unknown>,
  extraSpec: Record<string, unknown> = {},
) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: NS },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          serviceAccountName: "negative",
          containers: [
            {
              name: "app",
              image: "ghcr.io/acme/app:1.0.0",
              resources: { requests: { cpu: "10m" } },
              ...container,
            },
          ],
        },
      },
      ...extraSpec,
    },
  };
}

function writeManifest(folder: string, objects: unknown[]): void {
  mkdirSync(join(root, "manifests", "neg", folder), { recursive: true });
  writeFileSync(
    join(root, "manifests", "neg", folder, "manifest.yaml"),
    objects.map((o) => stringify(o)).join("---\n"),
  );
}

describe("negative controls: a rejection by the API server fails the check, naming file and object", () => {
  it("surfaces an unknown field, a Pod Security violation, a wrong enum value and an unserved kind", async () => {
    writeManifest("_platform", [
      {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: {
          name: NS,
          labels: {
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/enforce-version": "v1.28",
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/warn-version": "latest",
          },
        },
      },
    ]);
    writeManifest("bad", [
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "negative", namespace: NS } },
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "fine", namespace: NS }, data: { a: "b" } },
      deployment("unknown-field", { securityContext: restricted }, { replicass: 2 }),
      deployment("no-security-context", {}),
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "wrong-enum", namespace: NS },
        spec: { type: "Loadbalancer", selector: { app: "x" }, ports: [{ port: 80 }] },
      },
      { apiVersion: "example.test/v1", kind: "Unserved", metadata: { name: "nothing", namespace: NS } },
    ]);
    const result = await checkTree(client, root);
    const file = "manifests/neg/bad/manifest.yaml";
    const about = (object: string) => result.problems.filter((p) => p.startsWith(`${file}: ${object}:`));

    expect(about(`Deployment ${NS}/unknown-field`)).toEqual([
      expect.stringMatching(/refused \(dry-run\): .*replicass/),
    ]);
    expect(about(`Deployment ${NS}/no-security-context`)).toEqual([
      expect.stringMatching(/warning \(dry-run\): would violate PodSecurity "restricted:latest"/),
    ]);
    expect(about(`Pod ${NS}/no-security-context-pod-check`)).toEqual([
      expect.stringMatching(
        /refused \(pod dry-run\): Pod from Deployment no-security-context: .*violates PodSecurity "restricted:v1.28"/,
      ),
    ]);
    expect(about(`Service ${NS}/wrong-enum`)).toEqual([
      expect.stringMatching(/refused \(dry-run\): .*Unsupported value: "Loadbalancer"/),
    ]);
    expect(about(`Unserved ${NS}/nothing`)).toEqual([
      expect.stringContaining("the API server serves no Unserved in example.test/v1 (no CRD installed)"),
    ]);
    // the valid objects passed, so the refusals above are about the fields, not the setup
    expect(result.accepted.map((a) => `${a.kind} ${a.name} ${a.mode}`).sort()).toEqual([
      "ConfigMap fine dry-run",
      "Namespace negative-controls applied",
      "Pod unknown-field-pod-check pod dry-run",
      "ServiceAccount negative applied",
    ]);
    expect(result.problems).toHaveLength(5);
  });
});
