import type { IApplicationSet } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet";
import type { ApiObject } from "cdk8s";
import type { Construct } from "constructs";
import { addResource } from "../k8s.js";
import { type ObjectMetaProps, objectMeta } from "./object-meta.js";
import { automatedSyncPolicy } from "./sync-policy.js";

/** Refreshes an Application only when a commit touches its own folder. */
export const MANIFEST_GENERATE_PATHS = "argocd.argoproj.io/manifest-generate-paths";

/** Deletes an Application's resources when the Application is deleted (its service left git). */
export const RESOURCES_FINALIZER = "resources-finalizer.argocd.argoproj.io";

/** Sync options of a service Application. */
export const SERVICE_SYNC_OPTIONS: readonly string[] = [
  // the namespace is the platform Application's, with its quota and policies
  "CreateNamespace=false",
  "ServerSideApply=true",
  "PruneLast=true",
];

export interface TeamApplicationSetProps extends ObjectMetaProps {
  /** The namespace Argo CD runs in (Applications are generated there). */
  readonly namespace: string;
  /** The repository with the rendered manifests. */
  readonly repoURL: string;
  /** The branch, tag or commit followed. */
  readonly revision: string;
  /** The folders of the team's services, one Application each (`manifests/<env>/<service>`). */
  readonly servicePaths: readonly string[];
  /** Prefix of the generated Application names: `<env>-`. */
  readonly applicationPrefix: string;
  /** The team's AppProject. */
  readonly project: string;
  /** The environment's cluster API server URL. */
  readonly server: string;
  /** The team namespace. */
  readonly destinationNamespace: string;
  /** Labels of the ApplicationSet. @default none */
  readonly labels?: Record<string, string>;
  /** Labels of every generated Application (plus `idp/service`). @default none */
  readonly applicationLabels?: Record<string, string>;
}

/**
 * An Argo CD ApplicationSet (argoproj.io/v1alpha1) generating one Application
 * per service of one team with a git directory generator over exactly that
 * team's service folders. The project and destination are constants of the
 * ApplicationSet, not template values: no generated parameter can place a
 * service in another team's project or namespace.
 *
 * Generated Applications sync automatically (prune, selfHeal), carry
 * `manifest-generate-paths: .` (a commit refreshes only the Applications whose
 * folder it touches) and the resources finalizer (a service removed from git
 * has its Application and its objects deleted). Templates use Go templates
 * with `missingkey=error`.
 */
export function addTeamApplicationSet(
  scope: Construct,
  id: string,
  props: TeamApplicationSetProps,
): ApiObject {
  return addResource<IApplicationSet>(scope, id, {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "ApplicationSet",
    metadata: objectMeta(props),
    spec: {
      goTemplate: true,
      goTemplateOptions: ["missingkey=error"],
      generators: [
        {
          git: {
            repoURL: props.repoURL,
            revision: props.revision,
            directories: props.servicePaths.map((path) => ({ path })),
          },
        },
      ],
      template: {
        metadata: {
          name: `${props.applicationPrefix}{{.path.basename}}`,
          labels: { ...props.applicationLabels, "idp/service": "{{.path.basename}}" },
          annotations: { [MANIFEST_GENERATE_PATHS]: "." },
          finalizers: [RESOURCES_FINALIZER],
        },
        spec: {
          project: props.project,
          source: { repoURL: props.repoURL, targetRevision: props.revision, path: "{{.path.path}}" },
          destination: { server: props.server, namespace: props.destinationNamespace },
          syncPolicy: automatedSyncPolicy(SERVICE_SYNC_OPTIONS),
        },
      },
    },
  });
}
