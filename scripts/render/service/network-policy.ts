import type { ApiObject } from "cdk8s";
import type { Construct } from "constructs";
import type { ResolvedDependency, ResolvedService } from "../../model/resolved.js";
import {
  addKubeObject,
  type NetworkPolicyEgressRule,
  type NetworkPolicyIngressRule,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
  type NetworkPolicySpec,
} from "../k8s.js";
import { selectorLabels } from "../labels.js";
import { metadataOf, type ServiceIdentity } from "./object-metadata.js";

/** The label Kubernetes puts on every namespace with the namespace's name. */
const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/**
 * The NetworkPolicy of one service. The platform renders a default-deny
 * policy per namespace; this one opens exactly what the service files
 * declare.
 */
export interface NetworkPolicyProps {
  identity: ServiceIdentity;
  /**
   * Whether the policy governs ingress. Workers and cron jobs listen to
   * nobody, so theirs is egress only (the namespace's default deny holds).
   * @default true
   */
  ingress?: boolean;
  /**
   * Services that list this one in `calls`: allowed in on this service's container ports.
   * @default none
   */
  callers?: readonly ResolvedService[];
  /**
   * The routing controller (ingress controller or gateway) of a routed
   * service: its namespace is allowed in on the routed container port.
   * @default not routed
   */
  routing?: { namespace: string; targetPort: number };
  /**
   * Services this one calls: allowed out to their pods on their container ports.
   * @default none
   */
  called?: readonly ResolvedService[];
  /**
   * Dependencies: allowed out to anywhere (managed infrastructure has no pod
   * to select) on the port of their `port` value output, else 443.
   * @default none
   */
  dependencies?: readonly ResolvedDependency[];
}

/** Where DNS answers: the cluster's kube-dns (or CoreDNS, which keeps the label) pods. */
const DNS_RULE: NetworkPolicyEgressRule = {
  to: [
    {
      namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: "kube-system" } },
      podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
    },
  ],
  ports: [
    { protocol: "UDP", port: 53 },
    { protocol: "TCP", port: 53 },
  ],
};

/** Port of dependencies whose class gives no numeric `port` value: HTTPS, what cloud APIs speak. */
export const DEFAULT_DEPENDENCY_PORT = 443;

const DIGITS = /^[0-9]{1,5}$/;

/** The port a dependency is reached on: its numeric `port` value output, else 443. */
export function dependencyPort(dependency: ResolvedDependency): number {
  const output = dependency.class.outputs.port;
  if (output && "value" in output && DIGITS.test(output.value)) {
    const port = Number(output.value);
    if (port >= 1 && port <= 65535) return port;
  }
  return DEFAULT_DEPENDENCY_PORT;
}

/** A NetworkPolicy (networking.k8s.io/v1) named after the service, over its pods. */
export function addNetworkPolicy(scope: Construct, props: NetworkPolicyProps): ApiObject {
  const { identity } = props;
  const service = identity.service;
  const policyTypes = props.ingress === false ? ["Egress"] : ["Ingress", "Egress"];
  const spec: NetworkPolicySpec = { podSelector: { matchLabels: identity.selector }, policyTypes };

  if (props.ingress !== false) {
    const ingress: NetworkPolicyIngressRule[] = [];
    const callers = props.callers ?? [];
    if (callers.length > 0) {
      ingress.push({ from: callers.map(podsOf), ports: containerPorts(service) });
    }
    if (props.routing) {
      ingress.push({
        from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: props.routing.namespace } } }],
        ports: [{ protocol: "TCP", port: props.routing.targetPort }],
      });
    }
    if (ingress.length > 0) spec.ingress = ingress;
  }

  const egress: NetworkPolicyEgressRule[] = [DNS_RULE];
  for (const called of props.called ?? []) {
    egress.push({ to: [podsOf(called)], ports: containerPorts(called) });
  }
  const dependencyPorts = [...new Set((props.dependencies ?? []).map(dependencyPort))].sort((a, b) => a - b);
  if (dependencyPorts.length > 0) {
    egress.push({ ports: dependencyPorts.map((port) => ({ protocol: "TCP", port })) });
  }
  spec.egress = egress;

  return addKubeObject(scope, "network-policy", "NetworkPolicy", { metadata: metadataOf(identity), spec });
}

/** The pods of `service`, wherever its namespace. */
function podsOf(service: ResolvedService): NetworkPolicyPeer {
  return {
    namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: service.namespace } },
    podSelector: { matchLabels: selectorLabels(service) },
  };
}

/** The container ports of `service` (a policy sees pod ports, after the Service translated them). */
function containerPorts(service: ResolvedService): NetworkPolicyPort[] {
  const ports: NetworkPolicyPort[] = [];
  const seen = new Set<number>();
  for (const p of service.ports) {
    if (seen.has(p.targetPort)) continue;
    seen.add(p.targetPort);
    ports.push({ protocol: "TCP", port: p.targetPort });
  }
  return ports;
}
