import type { Namespace } from "cdk8s-plus-28";
import type { Construct } from "constructs";
import { kplus } from "../cdk8s.js";
import type { ObjectMetaProps } from "./object-meta.js";

/** The Pod Security Standard every team namespace enforces. */
export const POD_SECURITY_LEVEL = "restricted";

/**
 * The policy version `enforce` is pinned to: the Kubernetes minor the
 * manifests target (cdk8s-plus-28), so a cluster upgrade never starts
 * rejecting pods on its own. `audit` and `warn` follow `latest`, so what a
 * newer version would refuse shows up as warnings before enforce moves.
 */
export const POD_SECURITY_ENFORCE_VERSION = "v1.28";

/** A Namespace is cluster-scoped: it has no namespace of its own. */
export interface TeamNamespaceProps extends Omit<ObjectMetaProps, "namespace"> {
  /** Labels besides the Pod Security ones. @default none */
  readonly labels?: Record<string, string>;
}

/**
 * A team namespace labelled for Pod Security admission `restricted`
 * (enforce, audit and warn). The annotation
 * `argocd.argoproj.io/sync-options: Prune=false` (and Flux's
 * `kustomize.toolkit.fluxcd.io/prune: disabled`) keeps the GitOps controller
 * from deleting a namespace, and everything in it, when a team file is
 * removed: the platform team deletes it by hand once it is empty.
 */
export function addTeamNamespace(scope: Construct, id: string, props: TeamNamespaceProps): Namespace {
  return new kplus.Namespace(scope, id, {
    metadata: {
      name: props.name,
      labels: {
        ...props.labels,
        "pod-security.kubernetes.io/enforce": POD_SECURITY_LEVEL,
        "pod-security.kubernetes.io/enforce-version": POD_SECURITY_ENFORCE_VERSION,
        "pod-security.kubernetes.io/audit": POD_SECURITY_LEVEL,
        "pod-security.kubernetes.io/audit-version": "latest",
        "pod-security.kubernetes.io/warn": POD_SECURITY_LEVEL,
        "pod-security.kubernetes.io/warn-version": "latest",
      },
      annotations: {
        ...props.annotations,
        "argocd.argoproj.io/sync-options": "Prune=false",
        "kustomize.toolkit.fluxcd.io/prune": "disabled",
      },
    },
  });
}
