import type { Service } from "cdk8s-plus-28";
import type { Construct } from "constructs";
import type { ResolvedPort } from "../../model/resolved.js";
import { cdk8s, kplus } from "../cdk8s.js";
import { metadataOf, type ServiceIdentity } from "./object-metadata.js";

/** The Service in front of a web service's pods: ClusterIP, or LoadBalancer when exposed. */
export interface ServiceProps {
  identity: ServiceIdentity;
  /**
   * The ports, as resolved (the `port` shorthand is already port 80 named
   * http). Must not be empty.
   */
  ports: readonly ResolvedPort[];
  /**
   * A Service of type LoadBalancer (`expose: loadBalancer`): the cloud
   * provider gives every port a public address.
   * @default false (ClusterIP)
   */
  loadBalancer?: boolean;
}

/** `appProtocol` per port protocol; tcp has none. */
const APP_PROTOCOL: Record<ResolvedPort["protocol"], string | undefined> = {
  http: "http",
  grpc: "kubernetes.io/h2c",
  tcp: undefined,
};

/**
 * A Service named after the service, selecting its pods by the selector
 * labels, one port per declared port with its `appProtocol` (cdk8s-plus has
 * no appProtocol, so it is patched in, as is the empty `externalIPs` it
 * renders).
 */
export function addService(scope: Construct, props: ServiceProps): Service {
  const name = props.identity.service.name;
  if (props.ports.length === 0) throw new Error(`service ${name} is a web service without ports`);
  const service = new kplus.Service(scope, "service", {
    metadata: metadataOf(props.identity),
    type: props.loadBalancer ? kplus.ServiceType.LOAD_BALANCER : kplus.ServiceType.CLUSTER_IP,
    ports: props.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort })),
  });
  for (const key in props.identity.selector) service.selectLabel(key, props.identity.selector[key] as string);
  const api = cdk8s.ApiObject.of(service);
  api.addJsonPatch(cdk8s.JsonPatch.remove("/spec/externalIPs"));
  props.ports.forEach((port, i) => {
    const appProtocol = APP_PROTOCOL[port.protocol];
    if (appProtocol) api.addJsonPatch(cdk8s.JsonPatch.add(`/spec/ports/${i}/appProtocol`, appProtocol));
  });
  return service;
}

/** The port a public route goes to: the first http port. */
export function routedPort(name: string, ports: readonly ResolvedPort[]): ResolvedPort {
  const port = ports.find((p) => p.protocol === "http");
  if (!port) throw new Error(`service ${name} has a route but no http port for it to go to`);
  return port;
}
