import { METRICS_PORT_NAME } from "../../model/observability.js";
import type { ResolvedContainer, ResolvedResources, ResolvedService } from "../../model/resolved.js";
import type {
  Container,
  EnvFromSource,
  EnvVar,
  PodTemplateSpec,
  ResourceRequirements,
  SecurityContext,
  Volume,
  VolumeMount,
} from "../k8s.js";
import { withEntry } from "../labels.js";
import { CONFIG_HASH_ANNOTATION } from "./config-hash.js";
import { type ContainerVariable, dependencyObjectName } from "./environment-variables.js";
import { fileKey } from "./files-config-map.js";
import type { ServiceIdentity } from "./object-metadata.js";
import { containerProbe } from "./probes.js";

/** The user, group and fsGroup of every pod: fixed, non-root, above the usual system ranges. */
export const POD_USER = 10001;

/** The name of the single container of a service's pods. */
export const CONTAINER_NAME = "app";

/** The emptyDir volume mounted at /tmp, writable in every container. */
const TMP_VOLUME = "tmp";

/** The volume of the files ConfigMap. */
const FILES_VOLUME = "files";

/** Seconds a pod gets between SIGTERM and SIGKILL when the service sets none (Kubernetes' default, written out). */
const TERMINATION_GRACE_PERIOD_SECONDS = 30;

/**
 * Every container's: non-root with the fixed user, no privileges, nothing but
 * /tmp and volumes writable. A fresh object each time: shared ones could be
 * serialized as YAML aliases.
 */
function containerSecurityContext(): SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: POD_USER,
    runAsGroup: POD_USER,
    privileged: false,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
  };
}

/** What a pod's containers restart on: a Deployment's always, a CronJob's Never or OnFailure. */
export type RestartPolicy = "Always" | "OnFailure" | "Never";

/** The pod template of a Deployment or CronJob. */
export interface PodTemplateProps {
  identity: ServiceIdentity;
  /** The ServiceAccount the pods run as. */
  serviceAccountName: string;
  /**
   * The ConfigMap of plain variables, read by `envFrom`.
   * @default no ConfigMap (the service has no plain variables)
   */
  configMapName?: string;
  /**
   * The Secret written by the ExternalSecret, read by `envFrom`.
   * @default no Secret (the service has no secrets)
   */
  secretName?: string;
  /**
   * The container's `env` list, in this order: variables read from
   * dependencies' connection secrets and composed values (`resolveVariables`).
   * @default none
   */
  env?: readonly ContainerVariable[];
  /**
   * The ConfigMap holding the service's `files`, mounted key by key.
   * @default no files
   */
  filesConfigMapName?: string;
  /** The configuration hash annotated on the pod template. */
  configHash: string;
  /**
   * What the container restarts on; a Deployment's pods restart always.
   * @default "Always"
   */
  restartPolicy?: RestartPolicy;
}

/**
 * A pod that meets Pod Security "restricted": non-root with a fixed user,
 * no privilege escalation, every capability dropped, RuntimeDefault seccomp,
 * a read-only root filesystem with an emptyDir at /tmp, no service account
 * token, requests for CPU and memory and a memory limit.
 *
 * The template is plain Kubernetes JSON typed by the L1 classes' props (see
 * k8s.ts) rather than cdk8s-plus's Container, Env, Volume and Probe: those
 * cost about 6x per object what plain data does, and needed JSON
 * patches (each deep-cloning the whole object) for what cdk8s-plus cannot
 * say: the pod-level seccomp profile, resource quantities exactly as written
 * (it rewrote "1Gi" as "1024Mi"), gRPC probes, and dropping its own address
 * label (we select by our own labels). Field names and types are checked at
 * compile time. Kubernetes' defaults that cdk8s-plus
 * writes out (dnsPolicy, hostNetwork, setHostnameAsFQDN, fsGroupChangePolicy,
 * terminationGracePeriodSeconds, ...) are written out here too: a manifest
 * that states them reads the same in every cluster.
 */
export function podTemplate(props: PodTemplateProps): PodTemplateSpec {
  const { service } = props.identity;
  const envFrom: EnvFromSource[] = [];
  if (props.configMapName) envFrom.push({ configMapRef: { name: props.configMapName } });
  if (props.secretName) envFrom.push({ secretRef: { name: props.secretName } });
  const env: EnvVar[] = [];
  for (const variable of props.env ?? []) {
    env.push(
      "value" in variable
        ? { name: variable.name, value: variable.value }
        : {
            name: variable.name,
            valueFrom: { secretKeyRef: { name: variable.secretName, key: variable.key } },
          },
    );
  }
  const { readiness, liveness } = service.probes;
  const scratch = scratchMounts(service);
  const persistent = persistentVolumes(props.identity, service);
  const container: Container = {
    name: CONTAINER_NAME,
    image: service.image,
    imagePullPolicy: "IfNotPresent",
    command: service.command,
    args: service.args,
    ports: containerPorts(props.identity),
    env: env.length > 0 ? env : undefined,
    envFrom: envFrom.length > 0 ? envFrom : undefined,
    volumeMounts: [
      ...scratch.mounts(),
      ...fileMounts(service, props.filesConfigMapName),
      ...persistent.map((p) => p.mount),
    ],
    resources: resourceRequirements(service.resources),
    readinessProbe: readiness === undefined ? undefined : containerProbe(service, "readiness", readiness),
    livenessProbe: liveness === undefined ? undefined : containerProbe(service, "liveness", liveness),
    securityContext: containerSecurityContext(),
  };
  const initContainers: Container[] = [
    ...service.initContainers.map((c) => extraContainer(c, undefined, scratch.mounts())),
    ...service.sidecars.map((c) => extraContainer(c, "Always", scratch.mounts())),
  ];
  return {
    metadata: {
      labels: props.identity.workloadLabels,
      annotations: withEntry(props.identity.annotations, CONFIG_HASH_ANNOTATION, props.configHash),
    },
    spec: {
      restartPolicy: props.restartPolicy ?? "Always",
      serviceAccountName: props.serviceAccountName,
      automountServiceAccountToken: false,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: POD_USER,
        runAsGroup: POD_USER,
        fsGroup: POD_USER,
        fsGroupChangePolicy: "Always",
        seccompProfile: { type: "RuntimeDefault" },
      },
      initContainers: initContainers.length > 0 ? initContainers : undefined,
      containers: [container],
      volumes: [
        ...scratch.volumes,
        ...(props.filesConfigMapName
          ? [{ name: FILES_VOLUME, configMap: { name: props.filesConfigMapName } }]
          : []),
        ...persistent.map((p) => p.volume),
      ],
      dnsPolicy: "ClusterFirst",
      hostNetwork: false,
      setHostnameAsFQDN: false,
      terminationGracePeriodSeconds:
        service.terminationGracePeriodSeconds ?? TERMINATION_GRACE_PERIOD_SECONDS,
    },
  };
}

/**
 * /tmp and the service's scratch volumes (`scratch-0`, ...): the pod's
 * volumes, and fresh mount lists for each container (a shared list could be
 * serialized as a YAML alias).
 */
function scratchMounts(service: ResolvedService): { volumes: Volume[]; mounts: () => VolumeMount[] } {
  const volumes: Volume[] = [{ name: TMP_VOLUME, emptyDir: {} }];
  const paths = ["/tmp"];
  service.volumes.forEach((volume, index) => {
    volumes.push({ name: `scratch-${index}`, emptyDir: { sizeLimit: volume.emptyDir.sizeLimit } });
    paths.push(volume.path);
  });
  return {
    volumes,
    mounts: () => volumes.map((v, i) => ({ name: v.name, mountPath: paths[i] as string })),
  };
}

/**
 * Each volume dependency's PersistentVolumeClaim as volume `volume-<n>` (a
 * dependency name could exceed a volume name's 63 characters, or clash with
 * tmp and files), mounted at its path in the main container only.
 */
function persistentVolumes(
  identity: ServiceIdentity,
  service: ResolvedService,
): { volume: Volume; mount: VolumeMount }[] {
  return service.dependencies
    .filter((d) => d.path !== undefined)
    .map((d, index) => ({
      volume: {
        name: `volume-${index}`,
        persistentVolumeClaim: { claimName: dependencyObjectName(identity.service, d.name) },
      },
      mount: { name: `volume-${index}`, mountPath: d.path as string },
    }));
}

/** Each file read-only at its path, by subPath of its key in the files ConfigMap. */
function fileMounts(service: ResolvedService, configMapName: string | undefined): VolumeMount[] {
  if (!configMapName) return [];
  return service.files.map((file, index) => ({
    name: FILES_VOLUME,
    mountPath: file.path,
    subPath: fileKey(index),
    readOnly: true,
  }));
}

/**
 * The container ports, named as the service's ports (none when it has none);
 * a worker's or cron job's metrics port is the container port named metrics,
 * which its PodMonitor scrapes. Two ports on one container port are
 * refused, as cdk8s-plus refused them.
 */
function containerPorts(identity: ServiceIdentity): Container["ports"] {
  const { service } = identity;
  const metricsPort = service.observability.metrics ? service.observability.containerPort : undefined;
  if (metricsPort !== undefined) return [{ name: METRICS_PORT_NAME, containerPort: metricsPort }];
  if (service.ports.length === 0) return undefined;
  const seen = new Set<number>();
  return service.ports.map((port) => {
    if (seen.has(port.targetPort)) {
      throw new Error(`${service.name} has two ports on container port ${port.targetPort}`);
    }
    seen.add(port.targetPort);
    return { name: port.name, containerPort: port.targetPort };
  });
}

/**
 * An init container, or with restartPolicy Always a native sidecar: the main
 * container's security context, the /tmp volume, its own image, command,
 * plain env and resources. `restartPolicy` on a container is Kubernetes 1.29+
 * (GA in 1.33), newer than the 1.28 types, hence the widened type.
 */
function extraContainer(
  container: ResolvedContainer,
  restartPolicy: "Always" | undefined,
  volumeMounts: VolumeMount[],
): Container {
  const env = Object.entries(container.env).map(([name, value]) => ({ name, value }));
  const rendered: Container & { restartPolicy?: "Always" } = {
    name: container.name,
    image: container.image,
    imagePullPolicy: "IfNotPresent",
    command: container.command,
    args: container.args,
    env: env.length > 0 ? env : undefined,
    volumeMounts,
    resources: resourceRequirements(container.resources),
    securityContext: containerSecurityContext(),
    restartPolicy,
  };
  return rendered;
}

/** Requests and limits exactly as written in the service file ("1Gi" stays "1Gi"). */
function resourceRequirements(resources: ResolvedResources): ResourceRequirements {
  const { cpu, memory, limits } = resources;
  return {
    requests: { cpu, memory },
    limits: limits.cpu ? { cpu: limits.cpu, memory: limits.memory } : { memory: limits.memory },
  };
}
