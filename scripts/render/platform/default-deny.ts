import type { NetworkPolicy } from "cdk8s-plus-28";
import type { Construct } from "constructs";
import { DEFAULT_DENY_NAME } from "../../model/object-names.js";
import { kplus } from "../cdk8s.js";
import { type ObjectMetaProps, objectMeta } from "./object-meta.js";

/** The name of the deny-all NetworkPolicy in every team namespace (the model reserves it). */
export { DEFAULT_DENY_NAME };

export interface DefaultDenyProps extends Omit<ObjectMetaProps, "name"> {
  /** The team namespace. */
  readonly namespace: string;
}

/**
 * A NetworkPolicy `default-deny` selecting every pod of the namespace (the
 * construct's default selector, `podSelector: {}`) with
 * both policy types and no rule: nothing goes in or out unless a service's
 * own policy allows it (its callers, the ingress controller, DNS, its calls).
 */
export function addDefaultDeny(scope: Construct, id: string, props: DefaultDenyProps): NetworkPolicy {
  return new kplus.NetworkPolicy(scope, id, {
    metadata: objectMeta({ ...props, name: DEFAULT_DENY_NAME }),
    ingress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
    egress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
  });
}
