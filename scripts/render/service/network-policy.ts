import type { ApiObject } from "cdk8s";
import type { Construct } from "constructs";
import { outputsOf } from "../../model/dependencies.js";
import type { ResolvedDependency, ResolvedService } from "../../model/resolved.js";
import type { EgressRule } from "../../model/types.generated.js";
import {
  addKubeObject,
  type NetworkPolicyEgressRule,
  type NetworkPolicyIngressRule,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
  type NetworkPolicySpec,
} from "../k8s.js";
import { selectorLabels, withEntry } from "../labels.js";
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
   * A LoadBalancer Service (`expose: loadBalancer`): anyone is allowed in on
   * the container ports. The load balancer's traffic arrives from client or
   * node addresses (externalTrafficPolicy Cluster masks the client behind a
   * node), which no narrower peer could name.
   * @default false
   */
  public?: boolean;
  /**
   * Prometheus, scraping the metrics port: its namespace is allowed in on
   * that container port (also for a worker or cron job, whose policy then
   * governs ingress too).
   * @default not scraped
   */
  monitoring?: { namespace: string; targetPort: number };
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
  /**
   * Destinations outside the cluster (`egress:`): a CIDR is allowed out as an
   * ipBlock on its ports; host names, which a NetworkPolicy cannot match, are
   * allowed out on their ports to every public IPv4 address and listed in the
   * {@link EGRESS_HOSTS_ANNOTATION} annotation.
   * @default none
   */
  egress?: readonly EgressRule[];
}

/** Annotation listing the `host:port` egress entries a NetworkPolicy cannot express by name. */
export const EGRESS_HOSTS_ANNOTATION = "idp/egress-hosts";

/**
 * What a host-name egress entry opens: every IPv4 address except the
 * private (RFC 1918), shared (RFC 6598, often pod or node ranges),
 * loopback and link-local ranges (cloud metadata at 169.254.169.254). The
 * cluster and the company network stay closed; the internet is open on the
 * entry's ports only.
 */
export const PUBLIC_IPV4: NetworkPolicyPeer = {
  ipBlock: {
    cidr: "0.0.0.0/0",
    except: [
      "10.0.0.0/8",
      "100.64.0.0/10",
      "127.0.0.0/8",
      "169.254.0.0/16",
      "172.16.0.0/12",
      "192.168.0.0/16",
    ],
  },
};

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
  const output = outputsOf(dependency.class).port;
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
  const governsIngress = props.ingress !== false || props.monitoring !== undefined;
  const policyTypes = governsIngress ? ["Ingress", "Egress"] : ["Egress"];
  const spec: NetworkPolicySpec = { podSelector: { matchLabels: identity.selector }, policyTypes };

  if (governsIngress) {
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
    if (props.public) ingress.push({ ports: containerPorts(service) });
    if (props.monitoring) {
      ingress.push({
        from: [
          { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: props.monitoring.namespace } } },
        ],
        ports: [{ protocol: "TCP", port: props.monitoring.targetPort }],
      });
    }
    if (ingress.length > 0) spec.ingress = ingress;
  }

  const egress: NetworkPolicyEgressRule[] = [DNS_RULE];
  for (const called of props.called ?? []) {
    egress.push({ to: [podsOf(called)], ports: containerPorts(called) });
  }
  // Volume dependencies are mounted, not connected to: no egress for them.
  const connected = (props.dependencies ?? []).filter((d) => d.path === undefined);
  const dependencyPorts = [...new Set(connected.map(dependencyPort))].sort((a, b) => a - b);
  if (dependencyPorts.length > 0) {
    egress.push({ ports: dependencyPorts.map((port) => ({ protocol: "TCP", port })) });
  }
  egress.push(...externalEgress(props.egress ?? []));
  spec.egress = egress;

  const hosts = egressHosts(props.egress ?? []);
  const metadata = hosts
    ? {
        ...metadataOf(identity),
        annotations: withEntry(identity.annotations, EGRESS_HOSTS_ANNOTATION, hosts),
      }
    : metadataOf(identity);
  return addKubeObject(scope, "network-policy", "NetworkPolicy", { metadata, spec });
}

/**
 * One ipBlock rule per CIDR entry, in the order written, then one rule to
 * the public internet on every port a host entry names.
 */
function externalEgress(rules: readonly EgressRule[]): NetworkPolicyEgressRule[] {
  const out: NetworkPolicyEgressRule[] = [];
  const hostPorts = new Set<number>();
  for (const rule of rules) {
    if ("cidr" in rule) out.push({ to: [{ ipBlock: { cidr: rule.cidr } }], ports: tcpPorts(rule.ports) });
    else for (const port of rule.ports) hostPorts.add(port);
  }
  if (hostPorts.size > 0) out.push({ to: [PUBLIC_IPV4], ports: tcpPorts([...hostPorts]) });
  return out;
}

/** "api.stripe.com:443 hooks.slack.com:443,8443", in the order written; undefined without host entries. */
function egressHosts(rules: readonly EgressRule[]): string | undefined {
  const hosts = rules.flatMap((rule) => ("host" in rule ? [`${rule.host}:${rule.ports.join(",")}`] : []));
  return hosts.length > 0 ? hosts.join(" ") : undefined;
}

function tcpPorts(ports: readonly number[]): NetworkPolicyPort[] {
  return [...ports].sort((a, b) => a - b).map((port) => ({ protocol: "TCP", port }));
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
