import type { ApiObject } from "cdk8s";
import type * as K8s from "cdk8s-plus-28/lib/imports/k8s.js";
import type { Construct } from "constructs";
import { cdk8s } from "./cdk8s.js";

/**
 * Kubernetes JSON as the typed props of cdk8s-plus-28's L1 classes describe
 * it: fields under their Kubernetes names (`setHostnameAsFQDN` where the
 * props say `setHostnameAsFqdn`), and the number-or-string unions
 * (IntOrString, Quantity) as the plain number or string they stand for.
 * Field names and types are checked at compile time as with the L1 classes.
 */
export type Json<T> = T extends K8s.IntOrString | K8s.Quantity
  ? IsUnion<T> extends true
    ? string | number
    : JsonObject<T>
  : T extends readonly (infer Item)[]
    ? Json<Item>[]
    : T extends object
      ? JsonObject<T>
      : T;

// Writable: the objects are data we build up, not the L1 classes' read-only props.
type JsonObject<T> = {
  -readonly [Field in keyof T as Field extends keyof typeof KUBERNETES_NAMES
    ? (typeof KUBERNETES_NAMES)[Field]
    : Field]: Json<T[Field]>;
};

/**
 * The fields whose TypeScript name in the L1 props differs from the
 * Kubernetes one (acronyms camel-cased, `$` and `x-kubernetes-` dropped),
 * as the L1 classes' `toJson` maps them. A test reads the mapping from
 * cdk8s-plus-28's generated code, so an upgrade that adds one fails there.
 */
export const KUBERNETES_NAMES = {
  clientIp: "clientIP",
  clusterIp: "clusterIP",
  datasetUuid: "datasetUUID",
  diskUri: "diskURI",
  downwardApi: "downwardAPI",
  externalId: "externalID",
  hostIp: "hostIP",
  hostIpc: "hostIPC",
  hostPid: "hostPID",
  insecureSkipTlsVerify: "insecureSkipTLSVerify",
  loadBalancerIp: "loadBalancerIP",
  nodeId: "nodeID",
  nonResourceUrLs: "nonResourceURLs",
  openApiv3Schema: "openAPIV3Schema",
  pdId: "pdID",
  podCidr: "podCIDR",
  podCidRs: "podCIDRs",
  providerId: "providerID",
  ref: "$ref",
  scaleIo: "scaleIO",
  schema: "$schema",
  setHostnameAsFqdn: "setHostnameAsFQDN",
  storagePolicyId: "storagePolicyID",
  targetCpuUtilizationPercentage: "targetCPUUtilizationPercentage",
  targetWwNs: "targetWWNs",
  volumeId: "volumeID",
  xKubernetesEmbeddedResource: "x-kubernetes-embedded-resource",
  xKubernetesIntOrString: "x-kubernetes-int-or-string",
  xKubernetesListMapKeys: "x-kubernetes-list-map-keys",
  xKubernetesListType: "x-kubernetes-list-type",
  xKubernetesMapType: "x-kubernetes-map-type",
  xKubernetesPreserveUnknownFields: "x-kubernetes-preserve-unknown-fields",
  xKubernetesValidations: "x-kubernetes-validations",
} as const;

// A type with a `value: string | number` field is structurally an IntOrString;
// only the unions themselves (which IntOrString and Quantity are assignable to) count.
type IsUnion<T> = [K8s.IntOrString] extends [T] ? true : [K8s.Quantity] extends [T] ? true : false;

/** The objects rendered from the L1 props, each with its apiVersion and kind. */
const KINDS = {
  CronJob: { apiVersion: "batch/v1", kind: "CronJob" },
  Deployment: { apiVersion: "apps/v1", kind: "Deployment" },
  HorizontalPodAutoscaler: { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler" },
  LimitRange: { apiVersion: "v1", kind: "LimitRange" },
  NetworkPolicy: { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy" },
  PersistentVolumeClaim: { apiVersion: "v1", kind: "PersistentVolumeClaim" },
  PodDisruptionBudget: { apiVersion: "policy/v1", kind: "PodDisruptionBudget" },
  ResourceQuota: { apiVersion: "v1", kind: "ResourceQuota" },
  Role: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role" },
  RoleBinding: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding" },
} as const satisfies Record<keyof KindProps, { apiVersion: string; kind: string }>;

/** The props of each kind, from the L1 class of that kind. */
interface KindProps {
  CronJob: K8s.KubeCronJobProps;
  Deployment: K8s.KubeDeploymentProps;
  HorizontalPodAutoscaler: K8s.KubeHorizontalPodAutoscalerV2Props;
  LimitRange: K8s.KubeLimitRangeProps;
  NetworkPolicy: K8s.KubeNetworkPolicyProps;
  PersistentVolumeClaim: K8s.KubePersistentVolumeClaimProps;
  PodDisruptionBudget: K8s.KubePodDisruptionBudgetProps;
  ResourceQuota: K8s.KubeResourceQuotaProps;
  Role: K8s.KubeRoleProps;
  RoleBinding: K8s.KubeRoleBindingProps;
}

/**
 * Adds a Kubernetes object of `kind`, typed by the props of its L1 class,
 * as a cdk8s ApiObject.
 *
 * Not the L1 class itself: its `toJson` walks the synthesized object once
 * more to map TypeScript field names to Kubernetes ones and to unwrap
 * IntOrString and Quantity, rebuilding every nested object key by key; here
 * {@link Json} states the Kubernetes names and plain values at compile time
 * instead. That walk of the Deployments alone took 0.23 s of the 1.8 s of
 * building 1,000 services × 3 environments in one thread (CPU profile).
 * Synthesis is cdk8s's (tokens resolved, patches applied, validations run),
 * and the output is byte-identical (the examples' goldens, and a generated
 * 1,000-service repository compared file by file).
 */
export function addKubeObject<Kind extends keyof KindProps>(
  scope: Construct,
  id: string,
  kind: Kind,
  props: Json<KindProps[Kind]>,
): ApiObject {
  return new cdk8s.ApiObject(scope, id, { ...KINDS[kind], ...props });
}

export type Container = Json<K8s.Container>;
export type EnvFromSource = Json<K8s.EnvFromSource>;
export type EnvVar = Json<K8s.EnvVar>;
export type HttpHeader = Json<K8s.HttpHeader>;
export type HpaScalingRulesV2 = Json<K8s.HpaScalingRulesV2>;
export type LimitRangeItem = Json<K8s.LimitRangeItem>;
export type NetworkPolicyEgressRule = Json<K8s.NetworkPolicyEgressRule>;
export type NetworkPolicyIngressRule = Json<K8s.NetworkPolicyIngressRule>;
export type NetworkPolicyPeer = Json<K8s.NetworkPolicyPeer>;
export type NetworkPolicyPort = Json<K8s.NetworkPolicyPort>;
export type NetworkPolicySpec = Json<K8s.NetworkPolicySpec>;
export type PodTemplateSpec = Json<K8s.PodTemplateSpec>;
export type Probe = Json<K8s.Probe>;
export type ResourceRequirements = Json<K8s.ResourceRequirements>;
export type SecurityContext = Json<K8s.SecurityContext>;
export type Volume = Json<K8s.Volume>;
export type VolumeMount = Json<K8s.VolumeMount>;

/** An object with the type and object meta every Kubernetes resource has. */
interface Resource {
  apiVersion: string;
  kind: string;
  metadata?: object;
}

/**
 * Adds a custom resource (Argo CD, External Secrets, Gateway API, Flux) as a
 * cdk8s ApiObject, typed by its kubernetes-models interface: the upstream
 * CRD schema that `idp render --verify` checks it against at run time. That
 * check allows fields the schema does not know; the type refuses them at
 * compile time, so a misspelt field cannot reach a cluster, which would drop
 * it or refuse the object.
 */
export function addResource<Typed extends Resource>(
  scope: Construct,
  id: string,
  resource: Typed,
): ApiObject {
  return new cdk8s.ApiObject(scope, id, resource);
}
