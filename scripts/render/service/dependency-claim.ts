import type { ApiObject } from "cdk8s";
import type { Construct } from "constructs";
import { claimClassOf, volumeOf } from "../../model/dependencies.js";
import type { ResolvedDependency } from "../../model/resolved.js";
import { cdk8s } from "../cdk8s.js";
import { addKubeObject } from "../k8s.js";
import { dependencyObjectName } from "./environment-variables.js";
import type { ServiceIdentity } from "./object-metadata.js";

/** The claim of one dependency, as its environment's dependency class describes it. */
export interface DependencyClaimProps {
  identity: ServiceIdentity;
  dependency: ResolvedDependency;
}

/**
 * A volume class's PersistentVolumeClaim `<service>-<dependency>`
 * (ReadWriteOnce, the class's storage class and size), or else the class's claim (a Crossplane claim or any CRD) named
 * `<service>-<dependency>`, with `spec.writeConnectionSecretToRef` naming the
 * Secret of the same name that secret outputs are read from. The class's
 * labels and annotations are kept; the service's win on a clash. The class
 * is never mutated: its spec is copied one level here, and cdk8s resolves
 * the rest into fresh objects when the chart is synthesised.
 */
export function addDependencyClaim(scope: Construct, props: DependencyClaimProps): ApiObject {
  const { identity, dependency } = props;
  const name = dependencyObjectName(identity.service, dependency.name);
  const volume = volumeOf(dependency.class);
  if (volume) {
    // A volume class: a ReadWriteOnce PersistentVolumeClaim, mounted by the pod template.
    return addKubeObject(scope, `claim-${dependency.name}`, "PersistentVolumeClaim", {
      metadata: { name, labels: identity.labels, annotations: identity.annotations },
      spec: {
        accessModes: ["ReadWriteOnce"],
        storageClassName: volume.storageClassName,
        resources: { requests: { storage: String(volume.size) } },
      },
    });
  }
  const claim = claimClassOf(dependency.class)?.claim;
  if (!claim) throw new Error(`dependency ${dependency.name} has neither a claim nor a volume`);
  return new cdk8s.ApiObject(scope, `claim-${dependency.name}`, {
    apiVersion: claim.apiVersion,
    kind: claim.kind,
    metadata: {
      name,
      labels: claim.metadata?.labels ? { ...claim.metadata.labels, ...identity.labels } : identity.labels,
      annotations: claim.metadata?.annotations
        ? { ...claim.metadata.annotations, ...identity.annotations }
        : identity.annotations,
    },
    spec: { ...claim.spec, writeConnectionSecretToRef: { name } },
  });
}
