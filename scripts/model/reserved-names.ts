import { namespaceFor } from "./environments.js";
import type { Findings } from "./findings.js";
import type { EnvironmentModel, TeamModel } from "./resolved.js";

/**
 * Namespaces that belong to Kubernetes itself or to the controllers the
 * platform relies on. A team namespace that equals one of them would put a
 * team's workloads, quota and (through its AppProject) its deploy rights into
 * a system namespace: `kube-system`, the GitOps controller's namespace, the
 * External Secrets Operator's. Names ending in `-*` are prefixes.
 */
export const RESERVED_NAMESPACES: readonly string[] = [
  "kube-*",
  "default",
  "argocd",
  "flux-system",
  "external-secrets",
  "crossplane-system",
  "cert-manager",
  "ingress-nginx",
];

/**
 * The namespaces an environment itself uses, beyond the fixed list: its
 * GitOps controller's (`gitops.namespace`, default argocd or flux-system) and
 * its routing controller's (`routing.controllerNamespace`, default
 * ingress-nginx).
 */
export function platformNamespaces(env: EnvironmentModel): string[] {
  const gitops = env.spec.gitops;
  const controller = gitops.controller ?? "argocd";
  return [
    gitops.namespace ?? (controller === "flux" ? "flux-system" : "argocd"),
    env.spec.routing?.controllerNamespace ?? "ingress-nginx",
  ];
}

/**
 * The reserved name `name` collides with, from `RESERVED_NAMESPACES` and
 * `extra` (exact names), or undefined when it is free.
 */
export function reservedMatch(name: string, extra: readonly string[] = []): string | undefined {
  for (const reserved of [...RESERVED_NAMESPACES, ...extra]) {
    if (reserved.endsWith("-*") ? name.startsWith(reserved.slice(0, -1)) : name === reserved) return reserved;
  }
  return undefined;
}

/**
 * Refuses team names and team namespaces that are system or controller
 * namespaces. A reserved team name is reported once, on the team file's
 * `metadata.name`; a free team name whose namespace in some environment is
 * reserved (the template `kube-{team}`, or `{team}` for a team named like a
 * controller namespace of that environment) is reported on the
 * environment's `spec.namespace`.
 */
export function checkReservedNames(
  environments: readonly EnvironmentModel[],
  teams: readonly TeamModel[],
  findings: Findings,
): void {
  const reservedTeams = new Set<string>();
  for (const team of teams) {
    const match = reservedMatch(team.name);
    if (!match) continue;
    reservedTeams.add(team.name);
    findings.error(
      "resolve.reserved-name",
      `team name "${team.name}" is reserved: it collides with the system or controller namespace ${match}`,
      { file: team.file, path: ["metadata", "name"] },
      {
        hint: "pick another team name (and rename the file to match); system namespaces cannot belong to a team",
      },
    );
  }
  for (const env of environments) {
    for (const team of teams) {
      if (reservedTeams.has(team.name)) continue;
      const namespace = namespaceFor(env, team.name);
      const match = reservedMatch(namespace, platformNamespaces(env));
      if (!match) continue;
      findings.error(
        "resolve.reserved-namespace",
        `the namespace template gives "${namespace}" for team ${team.name} in ${env.name}, a reserved system or controller namespace (${match})`,
        { file: env.file, path: ["spec", "namespace"] },
        {
          hint: `change the template so no team namespace is a system namespace, such as "{team}-${env.name}", or rename team ${team.name}`,
        },
      );
    }
  }
}

/**
 * Refuses a namespace template without `{team}`: every team would share one
 * namespace, and with it every other team's secrets, quota and deploy rights.
 */
export function checkNamespaceTemplate(env: EnvironmentModel, findings: Findings): void {
  const template = env.spec.namespace;
  if (template.includes("{team}")) return;
  findings.error(
    "resolve.shared-namespace",
    `the namespace template "${template}" has no {team}: every team would share one namespace in ${env.name}`,
    { file: env.file, path: ["spec", "namespace"] },
    { hint: `put {team} in it, such as "{team}-${env.name}": each team gets a namespace of its own` },
  );
}
