import { type ApiObject, JsonPatch } from "cdk8s";
import * as kplus from "cdk8s-plus-28";
import { Quantity } from "cdk8s-plus-28/lib/imports/k8s.js";
import type { Construct } from "constructs";
import { CONFIG_HASH_ANNOTATION } from "./config-hash.js";
import type { SecretKeyVariable } from "./environment-variables.js";
import type { ServiceIdentity } from "./object-metadata.js";
import { containerProbe } from "./probes.js";

/** The user, group and fsGroup of every pod: fixed, non-root, above the usual system ranges. */
export const POD_USER = 10001;

/** The name of the single container of a service's pods. */
export const CONTAINER_NAME = "app";

/** The pod template of a Deployment or CronJob. */
export interface PodTemplateProps {
  identity: ServiceIdentity;
  serviceAccount: kplus.ServiceAccount;
  /**
   * The ConfigMap of plain variables, read by `envFrom`.
   * @default no ConfigMap (the service has no plain variables)
   */
  configMap?: kplus.ConfigMap;
  /**
   * The Secret written by the ExternalSecret, read by `envFrom`.
   * @default no Secret (the service has no secrets)
   */
  secretName?: string;
  /**
   * Variables read from dependencies' connection secrets.
   * @default none
   */
  secretKeys?: readonly SecretKeyVariable[];
  /** The configuration hash annotated on the pod template. */
  configHash: string;
  /**
   * What the container restarts on; a Deployment's pods restart always.
   * @default kplus.RestartPolicy.ALWAYS
   */
  restartPolicy?: kplus.RestartPolicy;
}

/** What a workload construct needs: its pod props, and the patches for what cdk8s-plus cannot say. */
export interface PodTemplate {
  props: Pick<
    kplus.DeploymentProps,
    | "serviceAccount"
    | "automountServiceAccountToken"
    | "podMetadata"
    | "securityContext"
    | "containers"
    | "volumes"
    | "restartPolicy"
    | "select"
  >;
  /**
   * Patches the rendered template at `pointer` (a JSON pointer, such as
   * "/spec/template"): drops cdk8s-plus's address label (we select by our
   * own labels), adds the pod-level seccomp profile, the exact resource
   * quantities and gRPC probes.
   */
  patch(api: ApiObject, pointer: string): void;
}

/**
 * A pod that meets Pod Security "restricted": non-root with a fixed user,
 * no privilege escalation, every capability dropped, RuntimeDefault seccomp,
 * a read-only root filesystem with an emptyDir at /tmp, no service account
 * token, requests for CPU and memory and a memory limit.
 */
export function podTemplate(scope: Construct, props: PodTemplateProps): PodTemplate {
  const { service } = props.identity;
  const envFrom: kplus.EnvFrom[] = [];
  if (props.configMap) envFrom.push(kplus.Env.fromConfigMap(props.configMap));
  if (props.secretName) {
    envFrom.push(kplus.Env.fromSecret(kplus.Secret.fromSecretName(scope, "env-secret", props.secretName)));
  }
  const envVariables: Record<string, kplus.EnvValue> = {};
  for (const variable of props.secretKeys ?? []) {
    const secret = kplus.Secret.fromSecretName(scope, `secret-${variable.name}`, variable.secretName);
    envVariables[variable.name] = kplus.EnvValue.fromSecretValue({ secret, key: variable.key });
  }
  const tmp = kplus.Volume.fromEmptyDir(scope, "tmp", "tmp");
  const { readiness: readinessProbe, liveness: livenessProbe } = service.probes;
  const readiness =
    readinessProbe === undefined ? undefined : containerProbe(service, "readiness", readinessProbe);
  const liveness =
    livenessProbe === undefined ? undefined : containerProbe(service, "liveness", livenessProbe);
  const container: kplus.ContainerProps = {
    name: CONTAINER_NAME,
    image: service.image,
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    ...(service.command ? { command: service.command } : {}),
    ...(service.args ? { args: service.args } : {}),
    ports: service.ports.map((p) => ({ name: p.name, number: p.targetPort })),
    envFrom,
    envVariables,
    volumeMounts: [{ path: "/tmp", volume: tmp }],
    // Quantities are patched in exactly as written: cdk8s-plus would rewrite "1Gi" as "1024Mi".
    resources: {},
    ...(readiness?.kind === "plus" ? { readiness: readiness.probe } : {}),
    ...(liveness?.kind === "plus" ? { liveness: liveness.probe } : {}),
    securityContext: {
      ensureNonRoot: true,
      user: POD_USER,
      group: POD_USER,
      privileged: false,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: [kplus.Capability.ALL] },
    },
  };
  // The Deployment and CronJob of cdk8s-plus are Kube* objects, whose typed
  // conversion runs after the patches and reads quantities as Quantity
  // objects: a plain string patched in would come out empty.
  const { cpu, memory, limits } = service.resources;
  const resources = {
    requests: { cpu: Quantity.fromString(cpu), memory: Quantity.fromString(memory) },
    limits: limits.cpu
      ? { cpu: Quantity.fromString(limits.cpu), memory: Quantity.fromString(limits.memory) }
      : { memory: Quantity.fromString(limits.memory) },
  };
  return {
    props: {
      select: false,
      serviceAccount: props.serviceAccount,
      automountServiceAccountToken: false,
      podMetadata: {
        labels: props.identity.labels,
        annotations: { ...props.identity.annotations, [CONFIG_HASH_ANNOTATION]: props.configHash },
      },
      securityContext: { ensureNonRoot: true, user: POD_USER, group: POD_USER, fsGroup: POD_USER },
      containers: [container],
      volumes: [tmp],
      restartPolicy: props.restartPolicy ?? kplus.RestartPolicy.ALWAYS,
    },
    patch(api, pointer) {
      api.addJsonPatch(
        JsonPatch.remove(`${pointer}/metadata/labels/cdk8s.io~1metadata.addr`),
        JsonPatch.add(`${pointer}/spec/securityContext/seccompProfile`, { type: "RuntimeDefault" }),
        JsonPatch.add(`${pointer}/spec/containers/0/resources`, resources),
      );
      if (readiness?.kind === "json") {
        api.addJsonPatch(JsonPatch.add(`${pointer}/spec/containers/0/readinessProbe`, readiness.json));
      }
      if (liveness?.kind === "json") {
        api.addJsonPatch(JsonPatch.add(`${pointer}/spec/containers/0/livenessProbe`, liveness.json));
      }
    },
  };
}
