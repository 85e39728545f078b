import type { EnvironmentModel } from "./resolved.js";

/** The SecretStore name in each team namespace when the environment declares no `secretStore`. */
export const DEFAULT_SECRET_STORE_NAME = "secrets";

/** How often ExternalSecrets re-read the store when the environment does not say. */
export const DEFAULT_SECRET_REFRESH = "1h";

/**
 * The name of the namespaced SecretStore (and of the ServiceAccount it logs
 * in as) in every team namespace of `env`: `secretStore.name`, or
 * `secrets`. Services' ExternalSecrets reference it with kind SecretStore,
 * never a ClusterSecretStore, so a service can only read through the store
 * of its own team's namespace.
 */
export function secretStoreName(env: EnvironmentModel): string {
  return env.spec.secretStore?.name ?? DEFAULT_SECRET_STORE_NAME;
}

/** The Vault role team `team`'s store logs in as: `vault.role` (default `{team}`) with the team's name. */
export function vaultRole(env: EnvironmentModel, team: string): string {
  return (env.spec.secretStore?.vault?.role ?? "{team}").replaceAll("{team}", team);
}
