import type { ApiObjectMetadata } from "cdk8s";
import type { ResolvedService } from "../../model/resolved.js";
import { selectorLabels, serviceAnnotations, serviceLabels, workloadLabels } from "../labels.js";

/**
 * The labels, annotations and pod selector every object of one service
 * shares, computed once per render. Objects are named `<service>` or
 * `<service>-<suffix>`; the namespace comes from the chart.
 */
export interface ServiceIdentity {
  service: ResolvedService;
  labels: Record<string, string>;
  /** The labels of the workload and its pods: `labels` and the version. */
  workloadLabels: Record<string, string>;
  annotations: Record<string, string>;
  /** The labels selecting the service's pods (immutable, so never the version). */
  selector: Record<string, string>;
}

/** The identity of `service`'s objects. */
export function identify(service: ResolvedService): ServiceIdentity {
  return {
    service,
    labels: serviceLabels(service),
    workloadLabels: workloadLabels(service),
    annotations: serviceAnnotations(service),
    selector: selectorLabels(service),
  };
}

/** Metadata of an object named `<service>` (no suffix) or `<service>-<suffix>`. */
export function metadataOf(identity: ServiceIdentity, suffix?: string): ApiObjectMetadata {
  return {
    name: suffix ? `${identity.service.name}-${suffix}` : identity.service.name,
    labels: identity.labels,
    annotations: identity.annotations,
  };
}

/** Metadata of the service's workload (Deployment or CronJob), named `<service>`, with the version label. */
export function workloadMetadataOf(identity: ServiceIdentity): ApiObjectMetadata {
  return { ...metadataOf(identity), labels: identity.workloadLabels };
}
