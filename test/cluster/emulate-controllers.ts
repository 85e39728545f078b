import type { KubeClient, KubeObject } from "./kube-client.js";

/**
 * Writes a ResourceQuota's status as kube-controller-manager's quota
 * controller would on an empty namespace (hard = spec.hard, used = 0): the
 * test runs no controller manager, and quota admission refuses every pod of a
 * namespace whose quota has no status yet.
 */
export async function writeQuotaStatus(client: KubeClient, quota: KubeObject): Promise<void> {
  const current = await client.get(quota);
  if (current.status !== 200)
    throw new Error(`cannot read ResourceQuota ${quota.metadata.name}: ${current.status}`);
  const hard = ((current.body.spec as { hard?: Record<string, string> } | undefined)?.hard ?? {}) as Record<
    string,
    string
  >;
  const used = Object.fromEntries(Object.keys(hard).map((key) => [key, "0"]));
  const path = `${client.path(quota, quota.metadata.name)}/status`;
  const answer = await client.send("PUT", path, { ...current.body, status: { hard, used } });
  if (answer.status !== 200)
    throw new Error(`cannot write the status of ResourceQuota ${path}: ${answer.status}`);
}

interface ClusterRole {
  metadata: { name: string; labels?: Record<string, string> };
  rules?: unknown[];
  aggregationRule?: { clusterRoleSelectors?: { matchLabels?: Record<string, string> }[] };
}

/**
 * Fills the rules of the aggregated ClusterRoles (admin, edit, view) from the
 * roles their selectors match, as kube-controller-manager's
 * clusterrole-aggregation controller would: without it `admin` grants
 * nothing, and Flux's tenant accounts (bound to `admin`) could apply nothing.
 */
export async function aggregateClusterRoles(client: KubeClient): Promise<void> {
  const list = await client.send("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles");
  const roles = (list.body.items ?? []) as ClusterRole[];
  // edit aggregates into admin and view into edit: repeat until nothing changes
  for (let round = 0; round < 3; round++) {
    for (const role of roles) {
      const selectors = role.aggregationRule?.clusterRoleSelectors ?? [];
      if (selectors.length === 0) continue;
      const rules: unknown[] = [];
      const seen = new Set<string>();
      for (const other of roles) {
        if (other === role) continue;
        const matches = selectors.some((s) =>
          Object.entries(s.matchLabels ?? {}).every(([k, v]) => other.metadata.labels?.[k] === v),
        );
        if (!matches) continue;
        for (const rule of other.rules ?? []) {
          const key = JSON.stringify(rule);
          if (!seen.has(key)) {
            seen.add(key);
            rules.push(rule);
          }
        }
      }
      role.rules = rules;
    }
  }
  for (const role of roles) {
    if (!role.aggregationRule) continue;
    const answer = await client.send(
      "PUT",
      `/apis/rbac.authorization.k8s.io/v1/clusterroles/${role.metadata.name}`,
      role,
    );
    if (answer.status !== 200) {
      throw new Error(
        `cannot aggregate ClusterRole ${role.metadata.name}: ${answer.body.message ?? answer.status}`,
      );
    }
  }
}
