import type { IHTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute";
import type { ApiObject } from "cdk8s";
import type { Construct } from "constructs";
import type { GatewayRef } from "../../model/types.generated.js";
import { addResource } from "../k8s.js";
import { metadataOf, type ServiceIdentity } from "./object-metadata.js";

/** A Gateway API HTTPRoute (gateway.networking.k8s.io/v1) for a service's public route. */
export interface HttpRouteProps {
  identity: ServiceIdentity;
  route: { host: string; path: string };
  /** The Gateway the route attaches to. */
  gateway: GatewayRef;
  /** The Service port the route goes to. */
  port: number;
}

/**
 * An HTTPRoute named after the service: the host, a path prefix, to the
 * routed Service port. TLS is the Gateway's business (its listeners hold the
 * certificates), so a `tlsIssuer` adds nothing here.
 */
export function addHttpRoute(scope: Construct, props: HttpRouteProps): ApiObject {
  const { identity, route } = props;
  return addResource<IHTTPRoute>(scope, "http-route", {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: metadataOf(identity),
    spec: {
      parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", ...props.gateway }],
      hostnames: [route.host],
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: route.path } }],
          backendRefs: [{ name: identity.service.name, port: props.port }],
        },
      ],
    },
  });
}
