import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadAll } from "js-yaml";
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../scripts/render/kube-object.js";
import {
  kindsOfCrds,
  type PinnedKind,
  readPinnedSchemas,
} from "../scripts/render/upstream/pinned-schemas.js";
import { servedBy } from "../scripts/render/upstream/served.js";

const ROOT = join(import.meta.dirname, "..");
const pinned = readPinnedSchemas();

/** Every rendered manifest of a tree, by environment: [relative file, objects]. */
function manifestsOf(tree: string): Map<string, [string, KubeObject[]][]> {
  const byEnvironment = new Map<string, [string, KubeObject[]][]>();
  for (const environment of readdirSync(join(ROOT, tree), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()) {
    const files: [string, KubeObject[]][] = [];
    for (const folder of readdirSync(join(ROOT, tree, environment)).sort()) {
      const file = `${tree}/${environment}/${folder}/manifest.yaml`;
      files.push([file, (loadAll(readFileSync(join(ROOT, file), "utf8")) as KubeObject[]).filter(Boolean)]);
    }
    byEnvironment.set(environment, files);
  }
  return byEnvironment;
}

/** The kinds the CRDs rendered into an environment's _platform define. */
function renderedCrds(tree: string, environment: string): Map<string, PinnedKind> {
  const file = `${tree}/${environment}/_platform/manifest.yaml`;
  const kinds = kindsOfCrds(file, readFileSync(join(ROOT, file), "utf8"));
  return new Map(kinds.map((kind) => [`${kind.apiVersion}/${kind.kind}`, kind]));
}

describe.each(["manifests", "test/golden"])("every object rendered in %s", (tree) => {
  it("has an apiVersion and kind that the pinned CRDs, Kubernetes version or rendered CRDs serve", () => {
    const unserved: string[] = [];
    for (const [environment, files] of manifestsOf(tree)) {
      const rendered = renderedCrds(tree, environment);
      for (const [file, objects] of files) {
        for (const object of objects) {
          const served = servedBy(object, pinned, rendered);
          if (served.by === "none")
            unserved.push(`${file}: ${object.kind} ${object.metadata.name}: ${served.reason}`);
        }
      }
    }
    expect(unserved).toEqual([]);
  });
});

describe("servedBy", () => {
  const none = new Map<string, PinnedKind>();
  it.each([
    ["apps/v1", "Deployment", "pinned"],
    ["external-secrets.io/v1", "ExternalSecret", "pinned"],
    ["external-secrets.io/v1beta1", "ExternalSecret", "none"],
    ["apps/v2", "Deployment", "none"],
    ["gateway.networking.k8s.io/v1", "HTTPRoute", "pinned"],
    ["gateway.networking.k8s.io/v1", "Mesh", "none"],
    ["database.acme.io/v1alpha1", "PostgreSQLInstance", "none"],
  ])("%s %s: %s", (apiVersion, kind, by) => {
    expect(servedBy({ apiVersion, kind }, pinned, none).by).toBe(by);
  });
});
