import { ApiObject } from "cdk8s";
import * as kplus from "cdk8s-plus-28";
import type { Construct } from "constructs";
import { metadataOf, type ServiceIdentity } from "./object-metadata.js";
import type { PodTemplate } from "./pod-template.js";

/** The Deployment of a web or worker service. */
export interface DeploymentProps {
  identity: ServiceIdentity;
  template: PodTemplate;
  /**
   * A fixed pod count. Leave it out when a HorizontalPodAutoscaler scales the
   * Deployment: it then has no `replicas` field, so the autoscaler and the
   * GitOps controller do not fight over it.
   * @default no replicas field (an autoscaler owns it)
   */
  replicas?: number;
}

/** A Deployment named after the service, selecting its pods by the selector labels. */
export function addDeployment(scope: Construct, props: DeploymentProps): kplus.Deployment {
  const deployment = new kplus.Deployment(scope, "deployment", {
    ...props.template.props,
    metadata: metadataOf(props.identity),
    ...(props.replicas !== undefined ? { replicas: props.replicas } : {}),
  });
  deployment.select(kplus.LabelSelector.of({ labels: props.identity.selector }));
  props.template.patch(ApiObject.of(deployment), "/spec/template");
  return deployment;
}
