import type { Ingress, Service } from "cdk8s-plus-28";
import type { Construct } from "constructs";
import { kplus } from "../cdk8s.js";
import { withEntry } from "../labels.js";
import { metadataOf, type ServiceIdentity } from "./object-metadata.js";

/** The annotation cert-manager's ingress-shim reads to issue a route's certificate. */
export const CLUSTER_ISSUER_ANNOTATION = "cert-manager.io/cluster-issuer";

/** A networking.k8s.io/v1 Ingress for a service's public route. */
export interface IngressProps {
  identity: ServiceIdentity;
  service: Service;
  route: { host: string; path: string };
  /** The Service port the route goes to. */
  port: number;
  /**
   * The IngressClass.
   * @default "nginx"
   */
  className?: string;
  /**
   * A cert-manager ClusterIssuer: when set, the Ingress has TLS for the host
   * with the certificate in Secret `<service>-tls`.
   * @default no TLS
   */
  tlsIssuer?: string;
}

/** An Ingress named after the service: one rule, host and path prefix, to the routed Service port. */
export function addIngress(scope: Construct, props: IngressProps): Ingress {
  const { identity, route } = props;
  const metadata = metadataOf(identity);
  const tlsSecret = `${identity.service.name}-tls`;
  return new kplus.Ingress(scope, "ingress", {
    metadata: props.tlsIssuer
      ? {
          ...metadata,
          annotations: withEntry(identity.annotations, CLUSTER_ISSUER_ANNOTATION, props.tlsIssuer),
        }
      : metadata,
    className: props.className ?? "nginx",
    rules: [
      {
        host: route.host,
        path: route.path,
        pathType: kplus.HttpIngressPathType.PREFIX,
        backend: kplus.IngressBackend.fromService(props.service, { port: props.port }),
      },
    ],
    ...(props.tlsIssuer
      ? { tls: [{ hosts: [route.host], secret: kplus.Secret.fromSecretName(scope, "tls", tlsSecret) }] }
      : {}),
  });
}
