import { namespaceFor } from "../../model/environments.js";
import { FLUX_TENANT_ACCOUNT } from "../../model/object-names.js";
import type { EnvironmentModel, TeamModel } from "../../model/resolved.js";
import { ENVIRONMENT_LABEL, SOURCE_ANNOTATION, TEAM_LABEL, withEntry } from "../labels.js";

/**
 * The names of every platform object of an environment, in one place so the
 * objects that refer to each other (an Application and its AppProject, a
 * Kustomization and its GitRepository) cannot drift apart. The table with the
 * reasons is at the top of platform-chart.ts.
 */

/** The GitOps settings of an environment with their documented defaults filled in. */
export interface GitOpsSettings {
  controller: "argocd" | "flux";
  repoURL: string;
  /** Absent in the file means main. */
  revision: string;
  /** Absent in the file means argocd (flux-system for Flux). */
  namespace: string;
}

/** `environment.spec.gitops` with its defaults. */
export function gitOpsSettings(env: EnvironmentModel): GitOpsSettings {
  const gitops = env.spec.gitops;
  const controller = gitops.controller ?? "argocd";
  return {
    controller,
    repoURL: gitops.repoURL,
    revision: gitops.revision ?? "main",
    namespace: gitops.namespace ?? (controller === "flux" ? "flux-system" : "argocd"),
  };
}

/** The folder of an environment's own objects, relative to the repository root. */
export function platformPath(env: EnvironmentModel): string {
  return `manifests/${env.name}/_platform`;
}

/** The folder of one service's rendered manifests, relative to the repository root. */
export function servicePath(env: EnvironmentModel, service: string): string {
  return `manifests/${env.name}/${service}`;
}

/** The AppProject of a team's services: `<team>-<env>`. */
export function teamProjectName(env: EnvironmentModel, team: string): string {
  return `${team}-${env.name}`;
}

/**
 * The AppProject of the `_platform` objects: `<env>-platform`, environment
 * first so it never equals the project of a team named `platform`
 * (`platform-<env>`).
 */
export function platformProjectName(env: EnvironmentModel): string {
  return `${env.name}-platform`;
}

/** The ApplicationSet generating a team's Applications: `<team>-<env>-services`. */
export function teamApplicationSetName(env: EnvironmentModel, team: string): string {
  return `${team}-${env.name}-services`;
}

/** The Application of the `_platform` folder (and the Flux Kustomization of it): `<env>-platform`. */
export function platformApplicationName(env: EnvironmentModel): string {
  return `${env.name}-platform`;
}

/** The Application (or Flux Kustomization) of one service: `<env>-<service>`. */
export function serviceApplicationName(env: EnvironmentModel, service: string): string {
  return `${env.name}-${service}`;
}

/** The Flux GitRepository every Kustomization of the cluster reads: `platform`. */
export const FLUX_SOURCE_NAME = "platform";

/** The ServiceAccount (and its RoleBinding) Flux impersonates in a team namespace: `gitops-reconciler` (the model reserves it). */
export { FLUX_TENANT_ACCOUNT };

/** Labels of every platform object of an environment. */
export function platformLabels(env: EnvironmentModel): Record<string, string> {
  return { "app.kubernetes.io/managed-by": "idp", [ENVIRONMENT_LABEL]: env.name };
}

/** Labels of a platform object that belongs to one team. */
export function teamLabels(env: EnvironmentModel, team: TeamModel): Record<string, string> {
  return withEntry(platformLabels(env), TEAM_LABEL, team.name);
}

/** `idp/source`: the environment file that an environment-wide object comes from. */
export function platformAnnotations(env: EnvironmentModel): Record<string, string> {
  return { [SOURCE_ANNOTATION]: env.file };
}

/**
 * `idp/source` of a team object: the environment file and the team file,
 * comma-separated (both decide what it looks like).
 */
export function teamAnnotations(env: EnvironmentModel, team: TeamModel): Record<string, string> {
  return { [SOURCE_ANNOTATION]: `${env.file},${team.file}` };
}

/** The team's namespace in this environment (the environment's `namespace` template). */
export function teamNamespace(env: EnvironmentModel, team: TeamModel): string {
  return namespaceFor(env, team.name);
}
