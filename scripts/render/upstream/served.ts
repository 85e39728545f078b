import type { KubeObject } from "../kube-object.js";
import { groupOf, kindKey, type PinnedKind, type PinnedSchemas } from "./pinned-schemas.js";

/** Whether an API group is Kubernetes' own (no dot, or `*.k8s.io` that no pinned CRD defines). */
export function isKubernetesGroup(group: string, pinned: PinnedSchemas): boolean {
  return !group.includes(".") || (group.endsWith(".k8s.io") && !pinned.crdGroups.has(group));
}

/** How an object's apiVersion/kind is served: by a pinned schema, a CRD the platform renders, or nothing. */
export type Served =
  | { by: "pinned" | "rendered"; kind: PinnedKind }
  | { by: "none"; reason: string; hint: string };

/**
 * Finds what serves `object`'s apiVersion and kind: the pinned Kubernetes
 * version for Kubernetes' own groups, the pinned CRDs for their groups, and
 * for any other group a CRD the platform renders (`rendered`, by
 * `apiVersion/kind`), such as the claim kinds of dependency classes.
 */
export function servedBy(
  object: Pick<KubeObject, "apiVersion" | "kind">,
  pinned: PinnedSchemas,
  rendered: ReadonlyMap<string, PinnedKind>,
): Served {
  const key = kindKey(object.apiVersion, object.kind);
  const group = groupOf(object.apiVersion);
  const known = pinned.kinds.get(key) ?? rendered.get(key);
  const by = pinned.kinds.has(key) ? "pinned" : "rendered";
  if (known?.served) return { by, kind: known };
  if (known) {
    return {
      by: "none",
      reason: `${key} is defined by ${known.source} but that version is not served`,
      hint: "render a version the CRD serves (spec.versions[].served: true)",
    };
  }
  if (isKubernetesGroup(group, pinned)) {
    return {
      by: "none",
      reason: `${key} is not served by the pinned Kubernetes version (upstream/kubernetes)`,
      hint: "render an apiVersion that Kubernetes serves, or pin the kind in upstream/crds/sources.json (kubernetes.kinds) and run npm run crds:refresh",
    };
  }
  if (pinned.crdGroups.has(group)) {
    return {
      by: "none",
      reason: `${key} is not served by the pinned CRDs of ${group} (upstream/crds)`,
      hint: "render an apiVersion those CRDs serve",
    };
  }
  return {
    by: "none",
    reason: `${key} is defined by no pinned CRD and no CRD the platform renders`,
    hint: "define the kind in the environment's dependency classes, or pin its CRD in upstream/crds/sources.json",
  };
}
