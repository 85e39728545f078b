/**
 * The objects of one environment itself, written to `manifests/<env>/_platform/`:
 * team namespaces with their guard rails, and the GitOps controller's objects
 * that deploy `manifests/<env>/<service>/`.
 *
 * Object order (fixed; the output is deterministic and has no timestamps):
 *
 *   0. per claim kind of the environment's dependency classes, by group and kind (cluster-scoped;
 *      Argo CD sync wave -1):
 *      CompositeResourceDefinition x<plural>.<group>  Crossplane XRD with claimNames and the
 *                                               connection secret keys the outputs read
 *      CustomResourceDefinition <plural>.<group>  the claim kind, spec schema from the classes,
 *                                               writeConnectionSecretToRef required
 *      CustomResourceDefinition x<plural>.<group> the composite kind
 *   1. per team, teams by name:
 *      Namespace       namespaceFor(env, team)  Pod Security "restricted" (enforce pinned to
 *                                               v1.28, audit and warn at latest), idp/team,
 *                                               idp/environment; never pruned (Argo CD Prune=false,
 *                                               Flux prune: disabled)
 *      ResourceQuota   quota                    when environment.spec.quota sets anything:
 *                                               requests.cpu, requests.memory, limits.memory, pods
 *      LimitRange      limits                   container defaultRequest cpu/memory and default
 *                                               memory limit from spec.defaults.resources, max
 *                                               from spec.limits.maxCpu/maxMemory
 *      NetworkPolicy   default-deny             podSelector {}, Ingress and Egress, no rule
 *      ServiceAccount  secretStore.name         when spec.secretStore.vault is set: the identity
 *                                               the team's store logs in to Vault as (no token mounted)
 *      SecretStore     secretStore.name         external-secrets.io/v1, namespaced: Vault's
 *                                               Kubernetes auth as the team's own role
 *                                               (vault.role with {team}); idp/secret-prefixes
 *                                               lists the team's secretPrefixes. Services'
 *                                               ExternalSecrets reference it (kind SecretStore),
 *                                               so a namespace reads only as its own team
 *      ExternalSecret  alerting                 when the team's alerts.slackWebhook is set: the
 *                                               Slack webhook URL into the Secret alerting
 *      AlertmanagerConfig alerting              monitoring.coreos.com/v1alpha1: the team's alerts
 *                                               (team=<team>) by severity to its contact's Slack
 *                                               channel and email (alertChannels)
 *      ConfigMap       <team>-dashboard         when the team has services here: the team's
 *                                               Grafana overview dashboard (grafana_dashboard: "1")
 *      (Flux only) ServiceAccount and RoleBinding gitops-reconciler (ClusterRole admin, in the
 *                                               namespace only): the identity of the team's
 *                                               Kustomizations
 *   2. Argo CD (`gitops.controller: argocd`, the default), all in gitops.namespace (argocd):
 *      AppProject      <env>-platform           the `_platform` folder: Namespaces (the only
 *                                               cluster-scoped kind), ResourceQuota, LimitRange,
 *                                               NetworkPolicy, ServiceAccount, SecretStore,
 *                                               Argo CD's own kinds; destinations
 *                                               the team namespaces and gitops.namespace
 *      AppProject      <team>-<env>             per team, by name: sources only gitops.repoURL,
 *                                               destination only the team namespace on
 *                                               spec.cluster.server, no cluster-scoped kind, an
 *                                               allow-list of the kinds services render plus the
 *                                               environment's dependency claim kinds
 *      ApplicationSet  <team>-<env>-services    per team with services in the environment, by
 *                                               name: Applications <env>-<service>
 *      Application     <env>-platform           manifests/<env>/_platform, self-managed
 *   2'. Flux (`gitops.controller: flux`), in gitops.namespace (flux-system) unless said:
 *      GitRepository   platform                 gitops.repoURL at gitops.revision
 *      Kustomization   <env>-platform           ./manifests/<env>/_platform (Flux's own account)
 *      Kustomization   <env>-<service>          per service, by name, in the team namespace:
 *                                               ./manifests/<env>/<service>, targetNamespace the
 *                                               team namespace, serviceAccountName gitops-reconciler;
 *                                               idp/source is the environment and service files;
 *                                               dependsOn <env>-platform (claim kinds exist first)
 *
 * Every object carries `app.kubernetes.io/managed-by: idp` and `idp/environment`
 * (team objects also `idp/team`) and the annotation `idp/source` naming the
 * environment file (team objects: "environments/<env>.yaml,teams/<team>.yaml").
 *
 * Why one ApplicationSet per team, and not one per environment: an AppProject
 * per team is what confines a team to its namespace, and the git directory
 * generator cannot tell the owning team from `manifests/<env>/<service>`. Each
 * team's ApplicationSet lists that team's service folders in its git directory
 * generator and has the project and destination namespace as constants, so no
 * generator parameter can put a service into another team's project, and an
 * ApplicationSet that fails (a bad template, a git error) stops one team only.
 * The list comes from the resolved services, as deterministic as the folders
 * it names; `idp render --check` keeps the two equal. A team without services
 * in the environment gets no ApplicationSet.
 *
 * Why the names carry the environment (`<team>-<env>`, `<env>-platform`): each
 * cluster is expected to run its own Argo CD (the platform Application applies
 * the namespaces and the AppProjects to the same cluster), but suffixed names
 * stay unique if several environments are ever managed by one Argo CD, and
 * read unambiguously in its UI. The platform project is `<env>-platform`, not
 * `platform-<env>`, because that is the project of the team named platform.
 *
 * What a platform engineer applies by hand, once per cluster:
 *   1. install Argo CD into gitops.namespace (argocd), with the ApplicationSet
 *      controller, or Flux into flux-system for `controller: flux`; and the
 *      CRDs the services use: External Secrets Operator (and, in Vault, one
 *      Kubernetes-auth role per team bound to the store's ServiceAccount in the
 *      team namespace, reading only the team's secretPrefixes), Crossplane (the
 *      claim kinds are defined here), the Gateway
 *      API CRDs for `routing.kind: gateway`, and the ingress controller;
 *   2. Argo CD: give it read access to gitops.repoURL (a repository Secret),
 *      and register the cluster under the exact URL of spec.cluster.server
 *      (`argocd cluster add <context>`; the built-in https://kubernetes.default.svc
 *      does not match that URL, and AppProject destinations compare URLs);
 *      Flux: a GitRepository credential Secret if the repository is private,
 *      and kustomize-controller must allow cross-namespace source references
 *      (the default; do not set --no-cross-namespace-refs);
 *   3. `kubectl apply -f manifests/<env>/_platform/` (run it twice if the
 *      Namespaces were not created first). From then on the platform
 *      Application (or Kustomization) `<env>-platform` keeps the folder, and
 *      with it every team Application, in sync with git;
 *   4. deleting a team leaves its Namespace (never pruned): delete it by hand
 *      once it is empty. A service removed from git is deleted by the
 *      controller (Argo CD: its generated Application carries the resources
 *      finalizer; Flux: the Kustomization is pruned).
 * The platform project may create AppProjects in the Argo CD namespace, so it
 * is as powerful as Argo CD itself: `manifests/<env>/_platform/` must only
 * change through `idp render` of reviewed changes to environments/ and teams/.
 */
import type { Construct } from "constructs";
import { ToolError } from "../../errors.js";
import { compareNames } from "../../model/environments.js";
import { monitoringEnabled } from "../../model/observability.js";
import type { EnvironmentModel, ResolvedService, TeamModel } from "../../model/resolved.js";
import { secretPrefixesOf } from "../../model/secret-scope.js";
import { secretStoreName, vaultRole } from "../../model/secret-store.js";
import { dashboardJson } from "../../observability/dashboard-json.js";
import { teamDashboard } from "../../observability/dashboards.js";
import { synthChart } from "../chart.js";
import type { RenderContext } from "../context.js";
import { addDashboardConfigMap } from "../dashboard-config-map.js";
import type { KubeObject } from "../kube-object.js";
import { SOURCE_ANNOTATION } from "../labels.js";
import { addTeamAlertmanagerConfig } from "./alertmanager-config.js";
import { addAppProject, claimKinds, type GroupKind, SERVICE_KINDS, volumeKinds } from "./app-project.js";
import { addPlatformApplication } from "./application.js";
import { addTeamApplicationSet } from "./application-set.js";
import { addClaimDefinition } from "./claim-crds.js";
import { claimDefinitions } from "./claim-definitions.js";
import { addDefaultDeny } from "./default-deny.js";
import { addFluxKustomization, addFluxSource, addFluxTenant } from "./flux.js";
import { addTeamLimitRange } from "./limit-range.js";
import {
  FLUX_SOURCE_NAME,
  FLUX_TENANT_ACCOUNT,
  type GitOpsSettings,
  gitOpsSettings,
  platformAnnotations,
  platformApplicationName,
  platformLabels,
  platformPath,
  platformProjectName,
  serviceApplicationName,
  servicePath,
  teamAnnotations,
  teamApplicationSetName,
  teamLabels,
  teamNamespace,
  teamProjectName,
} from "./names.js";
import { addTeamNamespace } from "./namespace.js";
import { addTeamQuota } from "./resource-quota.js";
import { addTeamSecretStore } from "./secret-store.js";

/** What the platform AppProject lets the `_platform` folder create besides Namespaces. */
const PLATFORM_NAMESPACED_KINDS: readonly GroupKind[] = [
  { group: "", kind: "ResourceQuota" },
  { group: "", kind: "LimitRange" },
  { group: "networking.k8s.io", kind: "NetworkPolicy" },
  { group: "", kind: "ServiceAccount" },
  { group: "external-secrets.io", kind: "SecretStore" },
  { group: "external-secrets.io", kind: "ExternalSecret" },
  { group: "", kind: "ConfigMap" },
  { group: "monitoring.coreos.com", kind: "AlertmanagerConfig" },
  { group: "argoproj.io", kind: "AppProject" },
  { group: "argoproj.io", kind: "ApplicationSet" },
  { group: "argoproj.io", kind: "Application" },
];

/** The cluster-scoped kinds that define the claim kinds (only when the environment has dependency classes). */
const DEFINITION_KINDS: readonly GroupKind[] = [
  { group: "apiextensions.k8s.io", kind: "CustomResourceDefinition" },
  { group: "apiextensions.crossplane.io", kind: "CompositeResourceDefinition" },
];

/** Claim definitions sync before everything else, so the kinds exist before any Application uses them. */
const DEFINITION_WAVE = { "argocd.argoproj.io/sync-wave": "-1" };

/** ApplicationSets sync after the namespaces and projects they rely on. */
const APPLICATION_SET_WAVE = { "argocd.argoproj.io/sync-wave": "1" };

/**
 * Renders the objects of `manifests/<env>/_platform/` for one environment, in
 * the order documented at the top of this file, as plain JSON (serialising
 * and writing are the writer's job). Teams are all of `context.teams`; the
 * services are those of `context.services` resolved in `context.environment`.
 * Throws a ToolError if two objects would get the same kind, namespace and
 * name (a service named `platform` would take the platform Application's name).
 */
export function renderPlatform(context: RenderContext): KubeObject[] {
  const env = context.environment;
  const gitops = gitOpsSettings(env);
  const teams = [...context.teams].sort((a, b) => compareNames(a.name, b.name));
  const services = context.services
    .filter((s) => s.environment === env.name)
    .sort((a, b) => compareNames(a.name, b.name));
  const byTeam = servicesByTeam(services);
  const objects = synthChart(`platform-${env.name}`, undefined, (scope) => {
    addClaimDefinitions(scope, env, gitops);
    for (const team of teams) {
      const namespace = teamNamespace(env, team);
      const labels = teamLabels(env, team);
      const annotations = teamAnnotations(env, team);
      addTeamNamespace(scope, `team:${team.name}:namespace`, { name: namespace, labels, annotations });
      if (env.spec.quota) {
        addTeamQuota(scope, `team:${team.name}:quota`, {
          namespace,
          quota: env.spec.quota,
          labels,
          annotations,
        });
      }
      addTeamLimitRange(scope, `team:${team.name}:limits`, {
        namespace,
        defaults: env.spec.defaults,
        limits: env.spec.limits,
        labels,
        annotations,
      });
      addDefaultDeny(scope, `team:${team.name}:default-deny`, { namespace, labels, annotations });
      const vault = env.spec.secretStore?.vault;
      if (vault) {
        addTeamSecretStore(scope, `team:${team.name}:secret-store`, {
          name: secretStoreName(env),
          namespace,
          labels,
          annotations,
          vault,
          role: vaultRole(env, team.name),
          prefixes: secretPrefixesOf(team),
        });
      }
      if (monitoringEnabled(env))
        addTeamMonitoring(scope, team, env, { namespace, labels, annotations }, byTeam.get(team.name) ?? []);
      if (gitops.controller === "flux") {
        addFluxTenant(scope, `team:${team.name}:gitops`, {
          name: FLUX_TENANT_ACCOUNT,
          namespace,
          labels,
          annotations,
        });
      }
    }
    if (gitops.controller === "flux") addFluxObjects(scope, context, gitops, services);
    else addArgoObjects(scope, env, teams, gitops, byTeam);
  });
  // the Applications the ApplicationSets will generate must not collide either
  const generated =
    gitops.controller === "flux"
      ? []
      : services.map((s) => `Application ${gitops.namespace}/${serviceApplicationName(env, s.name)}`);
  checkUniqueNames(env, [...objects.map(objectKey), ...generated]);
  return objects;
}

/**
 * The services of each team, in the order of `services`: grouped in one pass
 * rather than filtered once per team, as teams grow in number with services.
 */
function servicesByTeam(services: readonly ResolvedService[]): Map<string, ResolvedService[]> {
  const byTeam = new Map<string, ResolvedService[]>();
  for (const service of services) {
    const owned = byTeam.get(service.team);
    if (owned) owned.push(service);
    else byTeam.set(service.team, [service]);
  }
  return byTeam;
}

/**
 * A team's monitoring in its namespace: the AlertmanagerConfig routing its
 * alerts (with the Slack webhook's ExternalSecret) and, when it owns services
 * here, its overview dashboard.
 */
function addTeamMonitoring(
  scope: Construct,
  team: TeamModel,
  env: EnvironmentModel,
  meta: { namespace: string; labels: Record<string, string>; annotations: Record<string, string> },
  owned: readonly ResolvedService[],
): void {
  const { namespace, labels, annotations } = meta;
  addTeamAlertmanagerConfig(scope, `team:${team.name}:alerting`, {
    team: team.name,
    spec: team.spec,
    namespace,
    labels,
    annotations,
    storeName: secretStoreName(env),
    ...(env.spec.secretStore?.refreshInterval
      ? { refreshInterval: env.spec.secretStore.refreshInterval }
      : {}),
  });
  if (owned.length > 0) {
    addDashboardConfigMap(scope, `team:${team.name}:dashboard`, {
      metadata: { name: `${team.name}-dashboard`, namespace, labels, annotations },
      file: `${namespace}-team-${team.name}.json`,
      json: dashboardJson(teamDashboard(team.name, env.name, [...owned])),
    });
  }
}

/**
 * The definitions of the environment's claim kinds (an XRD and the claim and
 * composite CRDs per kind), first in the folder; for Argo CD in sync wave -1,
 * before the ApplicationSets (wave 1) that create the Applications whose
 * claims use them. For Flux the service Kustomizations depend on the platform
 * Kustomization instead.
 */
function addClaimDefinitions(scope: Construct, env: EnvironmentModel, gitops: GitOpsSettings): void {
  const labels = platformLabels(env);
  const annotations =
    gitops.controller === "flux"
      ? platformAnnotations(env)
      : { ...platformAnnotations(env), ...DEFINITION_WAVE };
  for (const definition of claimDefinitions(env.spec)) {
    addClaimDefinition(scope, `claim:${definition.group}/${definition.kind}`, {
      definition,
      labels,
      annotations,
    });
  }
}

function addArgoObjects(
  scope: Construct,
  env: EnvironmentModel,
  teams: readonly TeamModel[],
  gitops: GitOpsSettings,
  byTeam: ReadonlyMap<string, readonly ResolvedService[]>,
): void {
  const server = env.spec.cluster.server;
  const labels = platformLabels(env);
  const annotations = platformAnnotations(env);
  addAppProject(scope, "environment:platform-project", {
    name: platformProjectName(env),
    namespace: gitops.namespace,
    description: `The _platform objects of ${env.name}: team namespaces, quotas and Argo CD projects (${env.file})`,
    repoURL: gitops.repoURL,
    server,
    destinationNamespaces: [gitops.namespace, ...teams.map((t) => teamNamespace(env, t))],
    clusterResources: [
      { group: "", kind: "Namespace" },
      ...(claimKinds(env.spec).length > 0 ? DEFINITION_KINDS : []),
    ],
    namespaceResources: PLATFORM_NAMESPACED_KINDS,
    labels,
    annotations,
  });
  const serviceKinds = [...SERVICE_KINDS, ...volumeKinds(env.spec), ...claimKinds(env.spec)];
  for (const team of teams) {
    addAppProject(scope, `team:${team.name}:project`, {
      name: teamProjectName(env, team.name),
      namespace: gitops.namespace,
      description: `Services of team ${team.name} in ${env.name}`,
      repoURL: gitops.repoURL,
      server,
      destinationNamespaces: [teamNamespace(env, team)],
      clusterResources: [],
      namespaceResources: serviceKinds,
      labels: teamLabels(env, team),
      annotations: teamAnnotations(env, team),
    });
  }
  for (const team of teams) {
    const owned = byTeam.get(team.name) ?? [];
    if (owned.length === 0) continue;
    addTeamApplicationSet(scope, `team:${team.name}:services`, {
      name: teamApplicationSetName(env, team.name),
      namespace: gitops.namespace,
      repoURL: gitops.repoURL,
      revision: gitops.revision,
      servicePaths: owned.map((s) => servicePath(env, s.name)),
      applicationPrefix: `${env.name}-`,
      project: teamProjectName(env, team.name),
      server,
      destinationNamespace: teamNamespace(env, team),
      labels: teamLabels(env, team),
      applicationLabels: teamLabels(env, team),
      annotations: { ...teamAnnotations(env, team), ...APPLICATION_SET_WAVE },
    });
  }
  addPlatformApplication(scope, "environment:platform-application", {
    name: platformApplicationName(env),
    namespace: gitops.namespace,
    project: platformProjectName(env),
    repoURL: gitops.repoURL,
    revision: gitops.revision,
    path: platformPath(env),
    server,
    labels,
    annotations,
  });
}

function addFluxObjects(
  scope: Construct,
  context: RenderContext,
  gitops: GitOpsSettings,
  services: readonly ResolvedService[],
): void {
  const env = context.environment;
  const labels = platformLabels(env);
  const annotations = platformAnnotations(env);
  const source = { name: FLUX_SOURCE_NAME, namespace: gitops.namespace };
  addFluxSource(scope, "environment:flux-source", {
    ...source,
    repoURL: gitops.repoURL,
    revision: gitops.revision,
    labels,
    annotations,
  });
  addFluxKustomization(scope, "environment:platform-kustomization", {
    name: platformApplicationName(env),
    namespace: gitops.namespace,
    path: `./${platformPath(env)}`,
    source,
    labels,
    annotations,
  });
  const teams = new Map(context.teams.map((t) => [t.name, t]));
  for (const service of services) {
    const team = teams.get(service.team);
    addFluxKustomization(scope, `service:${service.name}:kustomization`, {
      name: serviceApplicationName(env, service.name),
      namespace: service.namespace,
      path: `./${servicePath(env, service.name)}`,
      source,
      targetNamespace: service.namespace,
      serviceAccountName: FLUX_TENANT_ACCOUNT,
      dependsOn: [{ name: platformApplicationName(env), namespace: gitops.namespace }],
      labels: { ...(team ? teamLabels(env, team) : labels), "idp/service": service.name },
      annotations: { [SOURCE_ANNOTATION]: `${env.file},${service.file}` },
    });
  }
}

function objectKey(object: KubeObject): string {
  return `${object.kind} ${object.metadata.namespace ?? ""}/${object.metadata.name}`;
}

/**
 * Two objects with one kind, namespace and name would silently replace each
 * other in the cluster: a service named `platform` would generate the
 * Application `<env>-platform`, the platform Application's name.
 */
function checkUniqueNames(env: EnvironmentModel, keys: readonly string[]): void {
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) {
      throw new ToolError(
        `two objects of environment ${env.name} would both be ${key}; rename the service or team whose name makes it`,
      );
    }
    seen.add(key);
  }
}
