import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseAllDocuments } from "yaml";
import { type KubeClient, type KubeObject, refusal } from "./kube-client.js";
import { poll } from "./poll.js";

const ROOT = join(import.meta.dirname, "..", "..");

/** The folder of pinned upstream CRDs (upstream/crds/<project>/...). */
export const CRD_ROOT = join(ROOT, "upstream", "crds");

/** Every YAML file under `dir`, sorted, recursively. */
export function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.ya?ml$/.test(entry.name)) files.push(join(entry.parentPath, entry.name));
  }
  return files.sort();
}

/** The objects of a multi-document YAML file (empty documents dropped). */
export function readObjects(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(file, "utf8"))
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((object): object is KubeObject => object !== null && typeof object === "object");
}

/**
 * Waits until the CustomResourceDefinition `name` is Established (a large one,
 * such as Argo CD's ApplicationSet, takes seconds on a busy machine).
 */
export async function waitEstablished(client: KubeClient, name: string): Promise<void> {
  await poll(
    `CustomResourceDefinition ${name} to be Established`,
    async () => {
      const crd = await client.send("GET", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      const conditions = ((crd.body.status as { conditions?: { type: string; status: string }[] } | undefined)
        ?.conditions ?? []) as { type: string; status: string }[];
      return conditions.some((c) => c.type === "Established" && c.status === "True") ? true : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 100 },
  );
}

/**
 * Installs (for real, server-side apply, strict field validation) every
 * CustomResourceDefinition in `files`, waits until each is Established and
 * refreshes the client's discovery. Throws naming the file and CRD the server
 * refused or warned about. Returns the names installed.
 */
export async function installCrds(client: KubeClient, files: readonly string[]): Promise<string[]> {
  await client.discover();
  const names: string[] = [];
  const problems: string[] = [];
  await Promise.all(
    files.flatMap((file) =>
      readObjects(file)
        .filter((o) => o.kind === "CustomResourceDefinition")
        .map(async (crd) => {
          const answer = await client.apply(crd, { dryRun: false });
          const where = `${relative(ROOT, file)}: CustomResourceDefinition ${crd.metadata.name}`;
          if (answer.status >= 300) problems.push(`${where}: ${refusal(answer)}`);
          for (const warning of answer.warnings) problems.push(`${where}: warning: ${warning}`);
          names.push(crd.metadata.name);
        }),
    ),
  );
  if (problems.length > 0) throw new Error(`the API server refused CRDs:\n${problems.join("\n")}`);
  await Promise.all(names.map((name) => waitEstablished(client, name)));
  await client.discover();
  return names.sort();
}
