import type { IApplication } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import type { ApiObject } from "cdk8s";
import type { Construct } from "constructs";
import { addResource } from "../k8s.js";
import { type ObjectMetaProps, objectMeta } from "./object-meta.js";
import { automatedSyncPolicy } from "./sync-policy.js";

/** Sync options of the platform Application. */
export const PLATFORM_SYNC_OPTIONS: readonly string[] = [
  // the Namespaces are in the folder itself
  "CreateNamespace=false",
  // delete what left git only after everything else is in place
  "PruneLast=true",
];

export interface PlatformApplicationProps extends ObjectMetaProps {
  /** The namespace Argo CD runs in. */
  readonly namespace: string;
  /** The platform AppProject. */
  readonly project: string;
  readonly repoURL: string;
  readonly revision: string;
  /** `manifests/<env>/_platform`. */
  readonly path: string;
  /** The environment's cluster API server URL. */
  readonly server: string;
}

/**
 * The Argo CD Application of an environment's `_platform` folder. It manages
 * itself: once applied by hand, Argo CD keeps it, the AppProjects, the
 * ApplicationSets and the namespaces in sync with git. It has no resources
 * finalizer on purpose: deleting it leaves every namespace and service running.
 * Objects name their own namespaces; the destination namespace is Argo CD's.
 */
export function addPlatformApplication(
  scope: Construct,
  id: string,
  props: PlatformApplicationProps,
): ApiObject {
  return addResource<IApplication>(scope, id, {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      ...objectMeta(props),
      annotations: { ...props.annotations, "argocd.argoproj.io/manifest-generate-paths": "." },
    },
    spec: {
      project: props.project,
      source: { repoURL: props.repoURL, targetRevision: props.revision, path: props.path },
      destination: { server: props.server, namespace: props.namespace },
      syncPolicy: automatedSyncPolicy(PLATFORM_SYNC_OPTIONS),
    },
  });
}
