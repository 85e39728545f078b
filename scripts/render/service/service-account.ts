import type { ServiceAccount } from "cdk8s-plus-28";
import type { Construct } from "constructs";
import { kplus } from "../cdk8s.js";
import { metadataOf, type ServiceIdentity } from "./object-metadata.js";

/** The ServiceAccount a service's pods run as. */
export interface ServiceAccountProps {
  identity: ServiceIdentity;
  /**
   * Whether pods get an API token mounted. Application pods do not talk to
   * the Kubernetes API, and a mounted token is a credential to steal.
   * @default false
   */
  automountToken?: boolean;
}

/** A ServiceAccount named after the service, so its pods never run as `default`. */
export function addServiceAccount(scope: Construct, props: ServiceAccountProps): ServiceAccount {
  return new kplus.ServiceAccount(scope, "service-account", {
    metadata: metadataOf(props.identity),
    automountToken: props.automountToken ?? false,
  });
}
