import type { IExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret";
import type { ApiObject } from "cdk8s";
import type { Construct } from "constructs";
import { splitSecretReference } from "../../model/secret-reference.js";
import type { SecretStoreRef } from "../../model/types.generated.js";
import { addResource } from "../k8s.js";
import { metadataOf, type ServiceIdentity } from "./object-metadata.js";

/** The name suffix of the ExternalSecret and of the Secret it writes. */
export const SECRETS_SUFFIX = "secrets";

/** An External Secrets Operator ExternalSecret for a service's `secrets`. */
export interface ExternalSecretProps {
  identity: ServiceIdentity;
  /** Variable name → store reference `path#key`. */
  secrets: Record<string, string>;
  /**
   * The store the references are read from.
   * @default { name: "platform", kind: "ClusterSecretStore", refreshInterval: "1h" }
   */
  store?: SecretStoreRef;
}

/** The spec of an ExternalSecret (external-secrets.io/v1). */
export interface ExternalSecretSpec {
  refreshInterval: string;
  secretStoreRef: { name: string; kind: NonNullable<SecretStoreRef["kind"]> };
  target: { name: string; creationPolicy: "Owner" };
  data: { secretKey: string; remoteRef: { key: string; property: string } }[];
}

/**
 * The spec: one data entry per variable, `path#key` read as remote key
 * `path`, property `key`, into the Secret `<service>-secrets` (owned by the
 * ExternalSecret, so it goes away with it).
 */
export function externalSecretSpec(props: ExternalSecretProps): ExternalSecretSpec {
  const data: ExternalSecretSpec["data"] = [];
  for (const name in props.secrets) {
    const { path, key } = splitSecretReference(props.secrets[name] as string);
    data.push({ secretKey: name, remoteRef: { key: path, property: key } });
  }
  return {
    refreshInterval: props.store?.refreshInterval ?? "1h",
    secretStoreRef: {
      name: props.store?.name ?? "platform",
      kind: props.store?.kind ?? "ClusterSecretStore",
    },
    target: { name: `${props.identity.service.name}-${SECRETS_SUFFIX}`, creationPolicy: "Owner" },
    data,
  };
}

/** The ExternalSecret `<service>-secrets`, with `spec` from {@link externalSecretSpec}. */
export function addExternalSecret(
  scope: Construct,
  identity: ServiceIdentity,
  spec: ExternalSecretSpec,
): ApiObject {
  return addResource<IExternalSecret>(scope, "external-secret", {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: metadataOf(identity, SECRETS_SUFFIX),
    spec,
  });
}
