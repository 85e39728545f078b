import type { IAppProject } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject";
import type { ApiObject } from "cdk8s";
import type { Construct } from "constructs";
import type { EnvironmentSpec } from "../../model/types.generated.js";
import { addResource } from "../k8s.js";
import { type ObjectMetaProps, objectMeta } from "./object-meta.js";

/** An API group and kind, as Argo CD's resource lists name them. */
export interface GroupKind {
  group: string;
  kind: string;
}

/**
 * The namespaced kinds the service charts render, besides the dependency
 * claims: what a team's AppProject lets Argo CD create. Everything else is
 * refused, notably Secrets (External Secrets and claims write those inside
 * the cluster), Roles and RoleBindings, and the namespace's own
 * ResourceQuota, LimitRange and default-deny NetworkPolicy are owned by the
 * platform Application (a team's Application cannot take them over: Argo CD
 * tracks each object for one Application).
 */
export const SERVICE_KINDS: readonly GroupKind[] = [
  { group: "apps", kind: "Deployment" },
  { group: "", kind: "Service" },
  { group: "", kind: "ConfigMap" },
  { group: "", kind: "ServiceAccount" },
  { group: "batch", kind: "CronJob" },
  { group: "autoscaling", kind: "HorizontalPodAutoscaler" },
  { group: "policy", kind: "PodDisruptionBudget" },
  { group: "networking.k8s.io", kind: "Ingress" },
  { group: "networking.k8s.io", kind: "NetworkPolicy" },
  { group: "gateway.networking.k8s.io", kind: "HTTPRoute" },
  { group: "external-secrets.io", kind: "ExternalSecret" },
  { group: "monitoring.coreos.com", kind: "ServiceMonitor" },
  { group: "monitoring.coreos.com", kind: "PodMonitor" },
  { group: "monitoring.coreos.com", kind: "PrometheusRule" },
];

/**
 * The kinds of every dependency claim the environment's dependencyClasses
 * render (a Crossplane claim or any CRD), deduplicated, by group then kind.
 */
export function claimKinds(spec: EnvironmentSpec): GroupKind[] {
  const found = new Map<string, GroupKind>();
  for (const sizes of Object.values(spec.dependencyClasses ?? {})) {
    for (const dependencyClass of Object.values(sizes)) {
      if (!("claim" in dependencyClass)) continue; // a volume class: see volumeKinds
      const { apiVersion, kind } = dependencyClass.claim;
      const slash = apiVersion.lastIndexOf("/");
      const group = slash === -1 ? "" : apiVersion.slice(0, slash);
      found.set(`${group}/${kind}`, { group, kind });
    }
  }
  return [...found.values()].sort((a, b) => byText(a.group, b.group) || byText(a.kind, b.kind));
}

/**
 * PersistentVolumeClaim when a dependency class of the environment is a
 * volume: teams may create claims only where the platform offers volumes.
 */
export function volumeKinds(spec: EnvironmentSpec): GroupKind[] {
  const classes = Object.values(spec.dependencyClasses ?? {}).flatMap((sizes) => Object.values(sizes));
  return classes.some((c) => "volume" in c) ? [{ group: "", kind: "PersistentVolumeClaim" }] : [];
}

export interface AppProjectProps extends ObjectMetaProps {
  /** The namespace Argo CD runs in. */
  readonly namespace: string;
  /** Shown in the Argo CD UI. */
  readonly description: string;
  /** The only repository Applications of the project may read. */
  readonly repoURL: string;
  /** The environment's cluster API server URL. */
  readonly server: string;
  /** The namespaces of that cluster the project may deploy to. */
  readonly destinationNamespaces: readonly string[];
  /** Cluster-scoped kinds the project may create. @default none */
  readonly clusterResources?: readonly GroupKind[];
  /** Namespaced kinds the project may create. */
  readonly namespaceResources: readonly GroupKind[];
}

/**
 * An Argo CD AppProject (argoproj.io/v1alpha1): one source repository, an
 * explicit list of destination namespaces on one cluster, and allow-lists of
 * cluster-scoped and namespaced kinds. Allow-lists, not deny-lists: a kind
 * nobody thought of (a new CRD with cluster-wide power) is refused by default.
 */
export function addAppProject(scope: Construct, id: string, props: AppProjectProps): ApiObject {
  return addResource<IAppProject>(scope, id, {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    metadata: objectMeta(props),
    spec: {
      description: props.description,
      sourceRepos: [props.repoURL],
      destinations: props.destinationNamespaces.map((namespace) => ({ server: props.server, namespace })),
      clusterResourceWhitelist: [...(props.clusterResources ?? [])],
      namespaceResourceWhitelist: [...props.namespaceResources],
    },
  });
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
