import type { IExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret";
import type { ApiObject } from "cdk8s";
import type { Construct } from "constructs";
import { SECRETS_NAME_SUFFIX } from "../../model/object-names.js";
import { splitSecretReference } from "../../model/secret-reference.js";
import { addResource } from "../k8s.js";
import { metadataOf, type ServiceIdentity } from "./object-metadata.js";

/** The name suffix of the ExternalSecret and of the Secret it writes. */
export const SECRETS_SUFFIX = SECRETS_NAME_SUFFIX;

/** An External Secrets Operator ExternalSecret for a service's `secrets`. */
export interface ExternalSecretProps {
  identity: ServiceIdentity;
  /** Variable name → store reference `path#key`. */
  secrets: Record<string, string>;
  /**
   * The namespaced SecretStore of the service's namespace (the team's own
   * store, `secretStoreName(env)`).
   */
  storeName: string;
  /**
   * How often the secrets are re-read.
   * @default "1h"
   */
  refreshInterval?: string;
}

/** The spec of an ExternalSecret (external-secrets.io/v1). */
export interface ExternalSecretSpec {
  refreshInterval: string;
  /** Always kind SecretStore: the store in the ExternalSecret's own namespace. */
  secretStoreRef: { name: string; kind: "SecretStore" };
  target: { name: string; creationPolicy: "Owner" };
  data: { secretKey: string; remoteRef: { key: string; property: string } }[];
}

/**
 * The spec: one data entry per variable, `path#key` read as remote key
 * `path`, property `key`, through the SecretStore of the service's own
 * namespace (never a ClusterSecretStore, which any namespace could read
 * through), into the Secret `<service>-secrets` (owned by the ExternalSecret,
 * so it goes away with it).
 */
export function externalSecretSpec(props: ExternalSecretProps): ExternalSecretSpec {
  const data: ExternalSecretSpec["data"] = [];
  for (const name in props.secrets) {
    const { path, key } = splitSecretReference(props.secrets[name] as string);
    data.push({ secretKey: name, remoteRef: { key: path, property: key } });
  }
  return {
    refreshInterval: props.refreshInterval ?? "1h",
    secretStoreRef: { name: props.storeName, kind: "SecretStore" },
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
