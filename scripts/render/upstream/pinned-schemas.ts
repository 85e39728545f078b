import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadAll } from "js-yaml";

/** The repository's `upstream/` folder, from the source tree or from `dist/`. */
export const UPSTREAM_DIR = ((): string => {
  const here = dirname(fileURLToPath(import.meta.url));
  const fromSource = join(here, "..", "..", "..", "upstream");
  return existsSync(fromSource) ? fromSource : join(here, "..", "..", "..", "..", "upstream");
})();

/** Where the build step keeps the parsed schemas, so a run does not parse 4 MB of YAML (about 3 s). */
const BUNDLE_FILE = fileURLToPath(new URL("./pinned-schemas.bundle.json", import.meta.url));

/** One served (or not served) version of one kind, with the schema the API server validates it by. */
export interface PinnedKind {
  /** `group/version` (`v1` for the core group). */
  apiVersion: string;
  kind: string;
  /** Whether the API server serves this version (a CRD's `spec.versions[].served`). */
  served: boolean;
  /** The file under upstream/ that defines it. */
  source: string;
  /** "crd": `schema` is the version's openAPIV3Schema; "kubernetes": `schema` is a components.schemas name of `source`. */
  origin: "crd" | "kubernetes";
  schema: unknown;
  /** The CRD's scope, or "Namespaced" for Kubernetes kinds that take a namespace. */
  scope?: "Namespaced" | "Cluster";
}

/** Everything pinned under upstream/: the kinds by `apiVersion/kind`, and each Kubernetes OpenAPI file's schemas. */
export interface PinnedSchemas {
  kinds: Map<string, PinnedKind>;
  /** The API groups the pinned CRDs define (every kind in them must be one of `kinds`). */
  crdGroups: Set<string>;
  /** upstream/kubernetes/<file> → its components.schemas. */
  kubernetes: Map<string, Record<string, unknown>>;
  /** A hash of every file under upstream/ these came from (what precompiled checks are keyed by). */
  hash: string;
  /** The kinds the platform renders, by `apiVersion/kind` (sources.json: each project's and Kubernetes' `kinds`). */
  rendered: string[];
}

interface Bundle {
  hash: string;
  kinds: PinnedKind[];
  kubernetes: [string, Record<string, unknown>][];
}

interface CrdDocument {
  kind?: string;
  spec?: {
    group: string;
    scope: "Namespaced" | "Cluster";
    names: { kind: string };
    versions: { name: string; served: boolean; schema?: { openAPIV3Schema?: unknown } }[];
  };
}

/** The key of a kind in {@link PinnedSchemas.kinds}. */
export function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

/** The API group of an apiVersion ("" for the core group). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/** The CustomResourceDefinitions of one YAML text as kinds, one per version. */
export function kindsOfCrds(source: string, text: string): PinnedKind[] {
  return kindsOfCrdObjects(source, loadAll(text));
}

/** The CustomResourceDefinitions among parsed objects (others are skipped) as kinds, one per version. */
export function kindsOfCrdObjects(source: string, objects: readonly unknown[]): PinnedKind[] {
  const kinds: PinnedKind[] = [];
  for (const document of objects as CrdDocument[]) {
    if (document?.kind !== "CustomResourceDefinition" || !document.spec) continue;
    const { group, names, scope, versions } = document.spec;
    for (const version of versions) {
      kinds.push({
        apiVersion: `${group}/${version.name}`,
        kind: names.kind,
        served: version.served,
        source,
        origin: "crd",
        schema: version.schema?.openAPIV3Schema ?? {},
        scope,
      });
    }
  }
  return kinds;
}

function upstreamFiles(dir: string): string[] {
  const files: string[] = [];
  for (const project of readdirSync(join(dir, "crds"), { withFileTypes: true })) {
    if (!project.isDirectory()) continue;
    for (const file of readdirSync(join(dir, "crds", project.name)).sort()) {
      files.push(`crds/${project.name}/${file}`);
    }
  }
  for (const file of readdirSync(join(dir, "kubernetes")).sort()) files.push(`kubernetes/${file}`);
  return files.sort();
}

function parseUpstream(files: readonly string[], texts: readonly string[]): Bundle {
  const kinds: PinnedKind[] = [];
  const kubernetes: Bundle["kubernetes"] = [];
  files.forEach((file, index) => {
    const text = texts[index] as string;
    if (file.startsWith("crds/")) {
      kinds.push(...kindsOfCrds(`upstream/${file}`, text));
      return;
    }
    const schemas = (JSON.parse(text) as { components: { schemas: Record<string, unknown> } }).components
      .schemas;
    kubernetes.push([file.slice("kubernetes/".length), schemas]);
    for (const [name, schema] of Object.entries(schemas)) {
      const gvks = (
        schema as { "x-kubernetes-group-version-kind"?: { group: string; version: string; kind: string }[] }
      )["x-kubernetes-group-version-kind"];
      for (const gvk of gvks ?? []) {
        const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
        // A kind is declared in every file that reaches it (DeleteOptions, Status...): keep its own group's file.
        const own =
          file ===
          `kubernetes/${gvk.group ? `apis__${gvk.group}__${gvk.version}` : `api__${gvk.version}`}.json`;
        if (!own) continue;
        kinds.push({
          apiVersion,
          kind: gvk.kind,
          served: true,
          source: `upstream/${file}`,
          origin: "kubernetes",
          schema: name,
        });
      }
    }
  });
  return { hash: "", kinds, kubernetes };
}

let cached: PinnedSchemas | undefined;

/**
 * The pinned upstream schemas (upstream/crds and upstream/kubernetes), read
 * once per process: from the build's bundle when it was made from exactly
 * these files, else parsed from the YAML.
 */
export function readPinnedSchemas(dir: string = UPSTREAM_DIR): PinnedSchemas {
  if (cached && dir === UPSTREAM_DIR) return cached;
  const files = upstreamFiles(dir);
  const texts = files.map((file) => readFileSync(join(dir, file), "utf8"));
  const hash = hashOf(files, texts);
  let bundle: Bundle | undefined;
  if (dir === UPSTREAM_DIR && existsSync(BUNDLE_FILE)) {
    const stored = JSON.parse(readFileSync(BUNDLE_FILE, "utf8")) as Bundle;
    if (stored.hash === hash) bundle = stored;
  }
  bundle ??= parseUpstream(files, texts);
  const result: PinnedSchemas = {
    kinds: new Map(bundle.kinds.map((kind) => [kindKey(kind.apiVersion, kind.kind), kind])),
    crdGroups: new Set(
      bundle.kinds.filter((kind) => kind.origin === "crd").map((kind) => groupOf(kind.apiVersion)),
    ),
    kubernetes: new Map(bundle.kubernetes),
    hash,
    rendered: renderedKinds(dir),
  };
  if (dir === UPSTREAM_DIR) cached = result;
  return result;
}

/** Build step: writes the parsed schemas beside this module, keyed by a hash of the files they came from. */
export function writePinnedSchemasBundle(dir: string = UPSTREAM_DIR): void {
  const files = upstreamFiles(dir);
  const texts = files.map((file) => readFileSync(join(dir, file), "utf8"));
  const bundle = parseUpstream(files, texts);
  bundle.hash = hashOf(files, texts);
  writeFileSync(BUNDLE_FILE, JSON.stringify(bundle));
}

function renderedKinds(dir: string): string[] {
  const sources = JSON.parse(readFileSync(join(dir, "crds", "sources.json"), "utf8")) as {
    projects: { kinds?: string[] }[];
    kubernetes: { kinds?: string[] };
  };
  return [...sources.projects, sources.kubernetes].flatMap((project) => project.kinds ?? []);
}

function hashOf(files: readonly string[], texts: readonly string[]): string {
  const hash = createHash("sha256");
  files.forEach((file, index) => {
    hash
      .update(file)
      .update("\0")
      .update(texts[index] as string)
      .update("\0");
  });
  return hash.digest("hex");
}
