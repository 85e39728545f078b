import type { ISecretStore } from "@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore";
import type { Construct } from "constructs";
import type { VaultStore } from "../../model/types.generated.js";
import { kplus } from "../cdk8s.js";
import { addResource } from "../k8s.js";
import { type ObjectMetaProps, objectMeta } from "./object-meta.js";

/** The annotation listing the secret path prefixes the team's store is meant to read. */
export const SECRET_PREFIXES_ANNOTATION = "idp/secret-prefixes";

/** A team's own SecretStore and the ServiceAccount it logs in to Vault as. */
export interface TeamSecretStoreProps extends ObjectMetaProps {
  /** The environment's Vault. */
  readonly vault: VaultStore;
  /** The Vault role of this team (`vaultRole(env, team)`). */
  readonly role: string;
  /** The team's secret path prefixes, recorded on the store for whoever configures the role. */
  readonly prefixes: readonly string[];
}

/**
 * Renders, in the team namespace, a ServiceAccount `<name>` (no token
 * mounted anywhere) and an External Secrets Operator SecretStore `<name>`
 * (external-secrets.io/v1, namespaced) reading `vault.path` on
 * `vault.server` with Vault's Kubernetes auth: it logs in with a token of
 * that ServiceAccount as the team's own `role`. Vault binds the role to the
 * ServiceAccount and namespace, so no other namespace's store can log in as
 * it, and grants the role read on the team's prefixes (listed in the
 * `idp/secret-prefixes` annotation, comma-separated), so the cluster enforces
 * what `resolve.secret-scope` checks.
 */
export function addTeamSecretStore(scope: Construct, id: string, props: TeamSecretStoreProps): void {
  new kplus.ServiceAccount(scope, `${id}-account`, { metadata: objectMeta(props), automountToken: false });
  const metadata = objectMeta({
    ...props,
    annotations: { ...props.annotations, [SECRET_PREFIXES_ANNOTATION]: props.prefixes.join(",") },
  });
  addResource<ISecretStore>(scope, id, {
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata,
    spec: {
      provider: {
        vault: {
          server: props.vault.server,
          path: props.vault.path,
          version: props.vault.version ?? "v2",
          auth: {
            kubernetes: {
              mountPath: props.vault.authMountPath,
              role: props.role,
              serviceAccountRef: { name: props.name },
            },
          },
        },
      },
    },
  });
}
