import { createRequire } from "node:module";
import type * as K8s from "cdk8s-plus-28/lib/imports/k8s.js";

// The typed Kubernetes objects (cdk8s L1 classes) that cdk8s-plus-28 ships,
// loaded with require: imported as an ES module, Node first scans this 2.7 MB
// CommonJS file for module syntax and named exports, which cost about 70 ms
// in every thread that renders. Types come from the same file, unchanged.
const k8s = createRequire(import.meta.url)("cdk8s-plus-28/lib/imports/k8s.js") as typeof K8s;

export const IntOrString = k8s.IntOrString;
export type IntOrString = K8s.IntOrString;
export const KubeCronJob = k8s.KubeCronJob;
export type KubeCronJob = K8s.KubeCronJob;
export const KubeDeployment = k8s.KubeDeployment;
export type KubeDeployment = K8s.KubeDeployment;
export const KubeHorizontalPodAutoscalerV2 = k8s.KubeHorizontalPodAutoscalerV2;
export type KubeHorizontalPodAutoscalerV2 = K8s.KubeHorizontalPodAutoscalerV2;
export const KubeLimitRange = k8s.KubeLimitRange;
export type KubeLimitRange = K8s.KubeLimitRange;
export const KubeResourceQuota = k8s.KubeResourceQuota;
export type KubeResourceQuota = K8s.KubeResourceQuota;
export const KubeRoleBinding = k8s.KubeRoleBinding;
export type KubeRoleBinding = K8s.KubeRoleBinding;
export const Quantity = k8s.Quantity;
export type Quantity = K8s.Quantity;

export type {
  Container,
  EnvFromSource,
  EnvVar,
  HpaScalingRulesV2,
  LimitRangeItem,
  PodTemplateSpec,
  Probe,
  ResourceRequirements,
} from "cdk8s-plus-28/lib/imports/k8s.js";
