import { isDeepStrictEqual } from "node:util";
import { loadAll } from "js-yaml";

/** A Kubernetes object as parsed from YAML. */
export type KubeObjectData = Record<string, unknown>;

/**
 * Annotations whose values each tool computes its own way (idp hashes the
 * ConfigMap data and ExternalSecret spec its own way; a Helm chart hashes what
 * it can see): compared for presence only.
 */
export const COMPUTED_ANNOTATIONS: readonly string[] = ["idp/config-hash"];

/** What comparing two renderings of the same objects found. */
export interface ObjectComparison {
  /** Objects found in both, equal as data (computed annotations aside). */
  identical: number;
  /** Objects found in both that differ, with the first differing paths of each. */
  differing: { key: string; paths: string[] }[];
  /** Objects only the first rendering has. */
  onlyInFirst: string[];
  /** Objects only the second rendering has. */
  onlyInSecond: string[];
  /** Objects per kind in the first rendering. */
  kinds: Record<string, number>;
}

/** Every non-empty document of a multi-document YAML text. */
export function parseObjects(text: string): KubeObjectData[] {
  return loadAll(text).filter(
    (document): document is KubeObjectData => typeof document === "object" && document !== null,
  );
}

/** `apiVersion/kind namespace/name`: what identifies an object in a cluster. */
export function objectKey(object: KubeObjectData): string {
  const metadata = (object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  return `${String(object.apiVersion)}/${String(object.kind)} ${String(metadata.namespace ?? "")}/${String(metadata.name)}`;
}

/**
 * Compares two renderings object by object, keyed by {@link objectKey}, as
 * data (key order and YAML style do not matter; list order does). Values of
 * {@link COMPUTED_ANNOTATIONS} anywhere in an object are replaced by a
 * marker first, so only their presence counts. A key that appears twice in
 * one rendering is reported as differing.
 */
export function compareObjects(
  first: readonly KubeObjectData[],
  second: readonly KubeObjectData[],
  maxPaths = 5,
): ObjectComparison {
  const index = (objects: readonly KubeObjectData[]) => {
    const byKey = new Map<string, KubeObjectData>();
    const duplicates = new Set<string>();
    for (const object of objects) {
      const key = objectKey(object);
      if (byKey.has(key)) duplicates.add(key);
      byKey.set(key, maskComputed(object) as KubeObjectData);
    }
    return { byKey, duplicates };
  };
  const a = index(first);
  const b = index(second);
  const kinds: Record<string, number> = {};
  for (const object of first) kinds[String(object.kind)] = (kinds[String(object.kind)] ?? 0) + 1;
  const result: ObjectComparison = { identical: 0, differing: [], onlyInFirst: [], onlyInSecond: [], kinds };
  for (const [key, object] of a.byKey) {
    const other = b.byKey.get(key);
    if (other === undefined) result.onlyInFirst.push(key);
    else if (a.duplicates.has(key) || b.duplicates.has(key))
      result.differing.push({ key, paths: ["(the key appears more than once)"] });
    else if (isDeepStrictEqual(object, other)) result.identical += 1;
    else result.differing.push({ key, paths: differences(object, other, "", maxPaths) });
  }
  for (const key of b.byKey.keys()) if (!a.byKey.has(key)) result.onlyInSecond.push(key);
  return result;
}

/** A deep copy with every computed annotation's value replaced by a marker. */
function maskComputed(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => maskComputed(item));
  if (typeof value !== "object" || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    copy[name] =
      key === "annotations" && COMPUTED_ANNOTATIONS.includes(name) ? "(computed)" : maskComputed(item, name);
  }
  return copy;
}

/** Up to `max` JSON-pointer-like paths where `a` and `b` differ, each with both values. */
export function differences(a: unknown, b: unknown, at: string, max: number): string[] {
  const found: string[] = [];
  const walk = (x: unknown, y: unknown, where: string) => {
    if (found.length >= max || isDeepStrictEqual(x, y)) return;
    const bothArrays = Array.isArray(x) && Array.isArray(y);
    const bothObjects =
      !bothArrays && typeof x === "object" && typeof y === "object" && x !== null && y !== null;
    if (bothArrays && x.length === y.length) {
      for (const [i, item] of x.entries()) walk(item, y[i], `${where}/${i}`);
    } else if (bothObjects && !Array.isArray(x) && !Array.isArray(y)) {
      const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
      for (const k of keys)
        walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${where}/${k}`);
    } else {
      found.push(`${where || "/"}: ${JSON.stringify(x) ?? "(absent)"} ≠ ${JSON.stringify(y) ?? "(absent)"}`);
    }
  };
  walk(a, b, at);
  return found;
}
