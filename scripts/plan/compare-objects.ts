import type { KubeObject } from "../render/kube-object.js";
import type { ObjectChange } from "./plan.js";
import { diffJson } from "./structural-diff.js";
import { summarizeAdded, summarizeChange, summarizeRemoved } from "./summarize.js";

/**
 * The objects that differ between two renders of one manifest, matched by
 * kind, namespace and name: changed and added ones in the head's order, then
 * removed ones in the base's order. Unchanged objects are left out.
 */
export function compareObjects(before: readonly KubeObject[], after: readonly KubeObject[]): ObjectChange[] {
  const old = new Map(before.map((object) => [identity(object), object]));
  const seen = new Set<string>();
  const changes: ObjectChange[] = [];
  for (const object of after) {
    const key = identity(object);
    seen.add(key);
    const previous = old.get(key);
    if (!previous) changes.push(describe(object, "added", summarizeAdded(object)));
    else if (diffJson(previous, object).length > 0)
      changes.push(describe(object, "changed", summarizeChange(object.kind, previous, object)));
  }
  for (const object of before) {
    if (!seen.has(identity(object))) changes.push(describe(object, "removed", summarizeRemoved(object)));
  }
  return changes;
}

function identity(object: KubeObject): string {
  return `${object.kind}\u0000${object.metadata.namespace ?? ""}\u0000${object.metadata.name}`;
}

function describe(object: KubeObject, status: ObjectChange["status"], summary: string[]): ObjectChange {
  return {
    kind: object.kind,
    name: object.metadata.name,
    ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
    status,
    summary,
  };
}
