import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { readObjects, waitEstablished } from "./crds.js";
import { writeQuotaStatus } from "./emulate-controllers.js";
import { type KubeClient, type KubeObject, type KubeResponse, refusal } from "./kube-client.js";
import { podFromTemplate } from "./pod-from-template.js";
import { mapLimit } from "./pool.js";

/** How the API server took one object. */
export type CheckMode = "applied" | "dry-run" | "pod dry-run";

/** One object the API server accepted without a warning. */
export interface Accepted {
  file: string;
  kind: string;
  name: string;
  mode: CheckMode;
}

/** The outcome of checking a rendered tree. */
export interface TreeCheck {
  accepted: Accepted[];
  /** Every refusal and warning: `<file>: <Kind> <namespace>/<name>: <message>`. */
  problems: string[];
  /** Warnings matched by `tolerate`, in the same form: known, listed, not failures. */
  tolerated: string[];
}

/** A manifest file and its objects. */
interface ManifestFile {
  file: string;
  objects: KubeObject[];
}

const PARALLEL = 8;

/**
 * The manifest files of `root`/manifests (of `environments` only, if given),
 * split into `_platform` files and service files, each sorted.
 */
export function manifestFiles(
  root: string,
  environments?: readonly string[],
): { platform: ManifestFile[]; services: ManifestFile[] } {
  const platform: ManifestFile[] = [];
  const services: ManifestFile[] = [];
  const manifests = join(root, "manifests");
  for (const env of readdirSync(manifests, { withFileTypes: true })) {
    if (!env.isDirectory() || (environments && !environments.includes(env.name))) continue;
    for (const folder of readdirSync(join(manifests, env.name), { withFileTypes: true })) {
      const file = join(manifests, env.name, folder.name, "manifest.yaml");
      if (!folder.isDirectory() || !existsSync(file)) continue;
      const entry = { file: relative(root, file), objects: readObjects(file) };
      (folder.name === "_platform" ? platform : services).push(entry);
    }
  }
  const byFile = (a: ManifestFile, b: ManifestFile) => a.file.localeCompare(b.file);
  return { platform: platform.sort(byFile), services: services.sort(byFile) };
}

function describe(object: KubeObject): string {
  const namespace = object.metadata.namespace ? `${object.metadata.namespace}/` : "";
  return `${object.kind} ${namespace}${object.metadata.name}`;
}

/**
 * Checks a rendered tree (`root`/manifests) against a real API server, the
 * way a GitOps controller would meet it:
 *
 *   1. every Namespace of every `_platform` file is applied for real;
 *   2. CustomResourceDefinitions in `_platform` are applied and awaited;
 *   3. the other `_platform` objects are applied for real (a ResourceQuota
 *      then gets the status the quota controller would write);
 *   4. services' ServiceAccounts are applied for real (a Pod must name an
 *      existing account), every other service object is server-side
 *      dry-run applied;
 *   5. a Pod from each workload's pod template is dry-run created in its
 *      namespace, under its Pod Security label, LimitRange and quota.
 *
 * Every request is a server-side apply by field manager `idp` with strict
 * field validation; any refusal and any warning is a problem naming the file
 * and the object, except warnings matched by `tolerate` (listed apart). A
 * kind the server does not serve (no CRD) is a problem too.
 */
export async function checkTree(
  client: KubeClient,
  root: string,
  options: { environments?: readonly string[]; tolerate?: readonly RegExp[] } = {},
): Promise<TreeCheck> {
  await client.discover();
  const { platform, services } = manifestFiles(root, options.environments);
  const result: TreeCheck = { accepted: [], problems: [], tolerated: [] };
  const tolerated = (warning: string) => (options.tolerate ?? []).some((pattern) => pattern.test(warning));

  const submit = async (
    file: string,
    object: KubeObject,
    mode: CheckMode,
    send: () => Promise<KubeResponse>,
  ): Promise<boolean> => {
    let answer: KubeResponse;
    try {
      answer = await send();
    } catch (error) {
      result.problems.push(`${file}: ${describe(object)}: ${(error as Error).message}`);
      return false;
    }
    if (answer.status >= 300) {
      result.problems.push(`${file}: ${describe(object)}: refused (${mode}): ${refusal(answer)}`);
      return false;
    }
    let warned = false;
    for (const warning of answer.warnings) {
      const line = `${file}: ${describe(object)}: warning (${mode}): ${warning}`;
      if (tolerated(warning)) result.tolerated.push(line);
      else {
        result.problems.push(line);
        warned = true;
      }
    }
    if (warned) return false;
    result.accepted.push({ file, kind: object.kind, name: object.metadata.name, mode });
    return true;
  };
  const all = (files: ManifestFile[], keep: (o: KubeObject) => boolean) =>
    files.flatMap(({ file, objects }) => objects.filter(keep).map((object) => ({ file, object })));
  const applyAll = (items: { file: string; object: KubeObject }[], dryRun: boolean) =>
    mapLimit(items, PARALLEL, ({ file, object }) =>
      submit(file, object, dryRun ? "dry-run" : "applied", () => client.apply(object, { dryRun })),
    );

  await applyAll(
    all(platform, (o) => o.kind === "Namespace"),
    false,
  );
  const crds = all(platform, (o) => o.kind === "CustomResourceDefinition");
  if (crds.length > 0) {
    await applyAll(crds, false);
    await Promise.all(crds.map(({ object }) => waitEstablished(client, object.metadata.name)));
    await client.discover();
  }
  const rest = all(platform, (o) => o.kind !== "Namespace" && o.kind !== "CustomResourceDefinition");
  await applyAll(rest, false);
  await mapLimit(
    rest.filter(({ object }) => object.kind === "ResourceQuota"),
    PARALLEL,
    ({ object }) => writeQuotaStatus(client, object),
  );

  await applyAll(
    all(services, (o) => o.kind === "ServiceAccount"),
    false,
  );
  await applyAll(
    all(services, (o) => o.kind !== "ServiceAccount"),
    true,
  );
  const pods = all(services, () => true).flatMap(({ file, object }) => {
    const pod = podFromTemplate(object);
    return pod ? [{ file, object: pod, owner: object }] : [];
  });
  await mapLimit(pods, PARALLEL, ({ file, object, owner }) =>
    submit(file, { ...object, kind: "Pod" }, "pod dry-run", async () => {
      const answer = await client.create(object, { dryRun: true });
      if (answer.status >= 300)
        answer.body.message = `Pod from ${owner.kind} ${owner.metadata.name}: ${refusal(answer)}`;
      return answer;
    }),
  );
  return result;
}

/** Accepted objects counted per kind (pods from templates as `Pod (from template)`), sorted by kind. */
export function countByKind(accepted: readonly Accepted[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of accepted) {
    const key = a.mode === "pod dry-run" ? "Pod (from template)" : a.kind;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
