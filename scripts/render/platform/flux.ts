import type { IKustomization } from "@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization";
import type { IGitRepository } from "@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/GitRepository";
import type { ApiObject } from "cdk8s";
import type { Construct } from "constructs";
import { kplus } from "../cdk8s.js";
import { addKubeObject, addResource } from "../k8s.js";
import { type ObjectMetaProps, objectMeta } from "./object-meta.js";

/** How often Flux looks for new commits. */
export const FLUX_SOURCE_INTERVAL = "1m";

/** How often Flux re-applies a folder, undoing changes made beside git. */
export const FLUX_APPLY_INTERVAL = "10m";

/**
 * The `ref` of a GitRepository for a gitops `revision`: a full commit hash
 * pins that commit, `refs/...` is used as a git reference name, and anything
 * else is a branch (`main`).
 */
export function fluxRef(revision: string): Record<string, string> {
  if (/^[0-9a-f]{40}$/.test(revision)) return { commit: revision };
  if (revision.startsWith("refs/")) return { name: revision };
  return { branch: revision };
}

export interface FluxSourceProps extends ObjectMetaProps {
  /** The namespace Flux runs in. */
  readonly namespace: string;
  readonly repoURL: string;
  readonly revision: string;
}

/** A Flux GitRepository (source.toolkit.fluxcd.io/v1) of the platform repository. */
export function addFluxSource(scope: Construct, id: string, props: FluxSourceProps): ApiObject {
  return addResource<IGitRepository>(scope, id, {
    apiVersion: "source.toolkit.fluxcd.io/v1",
    kind: "GitRepository",
    metadata: objectMeta(props),
    spec: { interval: FLUX_SOURCE_INTERVAL, url: props.repoURL, ref: fluxRef(props.revision) },
  });
}

export interface FluxKustomizationProps extends ObjectMetaProps {
  /** Where the Kustomization lives: Flux's namespace for `_platform`, the team namespace for a service. */
  readonly namespace: string;
  /** The folder applied, `./manifests/<env>/<service>`. */
  readonly path: string;
  /** The GitRepository and its namespace. */
  readonly source: { name: string; namespace: string };
  /** Every object is put in this namespace. @default the namespaces the objects name */
  readonly targetNamespace?: string;
  /** The ServiceAccount (in `namespace`) Flux impersonates. @default Flux's own account */
  readonly serviceAccountName?: string;
  /** Kustomizations that must be ready first (a service's: the platform's, which defines its claim kinds). @default none */
  readonly dependsOn?: readonly { name: string; namespace: string }[];
}

/**
 * A Flux Kustomization (kustomize.toolkit.fluxcd.io/v1) applying one folder
 * with prune (objects that left git are deleted).
 */
export function addFluxKustomization(scope: Construct, id: string, props: FluxKustomizationProps): ApiObject {
  return addResource<IKustomization>(scope, id, {
    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
    kind: "Kustomization",
    metadata: objectMeta(props),
    spec: {
      interval: FLUX_APPLY_INTERVAL,
      path: props.path,
      prune: true,
      sourceRef: { kind: "GitRepository", name: props.source.name, namespace: props.source.namespace },
      targetNamespace: props.targetNamespace,
      serviceAccountName: props.serviceAccountName,
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    },
  });
}

export interface FluxTenantProps extends ObjectMetaProps {
  /** The ServiceAccount and RoleBinding name. */
  readonly name: string;
  /** The team namespace. */
  readonly namespace: string;
}

/**
 * The account Flux impersonates for a team's Kustomizations: a ServiceAccount
 * in the team namespace bound to the built-in ClusterRole `admin` in that
 * namespace only, so a team's folder can create nothing cluster-scoped and
 * nothing in another namespace, and cannot lift its ResourceQuota or
 * LimitRange (`admin` may only read those); a Role beside it adds the
 * Prometheus Operator kinds services render.
 */
export function addFluxTenant(scope: Construct, id: string, props: FluxTenantProps): void {
  const metadata = objectMeta(props);
  new kplus.ServiceAccount(scope, `${id}-account`, { metadata, automountToken: false });
  addKubeObject(scope, `${id}-binding`, "RoleBinding", {
    metadata,
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
    subjects: [{ kind: "ServiceAccount", name: props.name, namespace: props.namespace }],
  });
  // `admin` covers the Prometheus Operator's kinds only where its installation aggregates them
  // into `admin`, which the common ones do not: the monitors and rules each service renders
  // are granted here, in the team namespace only (a real API server refused them without it).
  const monitoring = { ...metadata, name: `${props.name}${MONITORING_SUFFIX}` };
  addKubeObject(scope, `${id}-monitoring-role`, "Role", {
    metadata: monitoring,
    rules: [
      {
        apiGroups: ["monitoring.coreos.com"],
        resources: ["servicemonitors", "podmonitors", "prometheusrules"],
        verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
      },
    ],
  });
  addKubeObject(scope, `${id}-monitoring-binding`, "RoleBinding", {
    metadata: monitoring,
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: monitoring.name },
    subjects: [{ kind: "ServiceAccount", name: props.name, namespace: props.namespace }],
  });
}

/** The Role (and RoleBinding) beside the reconciler's that grants the monitoring kinds. */
export const MONITORING_SUFFIX = "-monitoring";
