/**
 * How every Argo CD Application of the platform syncs: automatically, deleting
 * what left git (prune) and undoing changes made beside git (selfHeal), with
 * a bounded retry so a claim whose CRD is still being installed converges on
 * its own.
 */
export function automatedSyncPolicy(syncOptions: readonly string[]): Record<string, unknown> {
  return {
    automated: { prune: true, selfHeal: true },
    syncOptions: [...syncOptions],
    retry: { limit: 5, backoff: { duration: "10s", factor: 2, maxDuration: "3m" } },
  };
}
