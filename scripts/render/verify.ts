import { Application, ApplicationSet, AppProject } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1";
import { ExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1";
import { Kustomization } from "@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1";
import { GitRepository } from "@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1";
import { HTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { CronJob } from "kubernetes-models/batch/v1";
import { Ingress, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import {
  ConfigMap,
  LimitRange,
  Namespace,
  ResourceQuota,
  Secret,
  Service,
  ServiceAccount,
} from "kubernetes-models/v1";
import { type Diagnostic, error } from "../report/diagnostic.js";
import type { KubeObject } from "./kube-object.js";

interface Model {
  validate(): void;
}
type ModelClass = new (data: never) => Model;

/**
 * The kinds we render, checked against the upstream schemas of the
 * kubernetes-models packages (Kubernetes core, Argo CD, External Secrets,
 * Gateway API, Flux). Every core apiVersion here is served by Kubernetes 1.28.
 * Dependency claims are CRDs of each company's own; they have no upstream
 * schema and are counted as not verified.
 */
const MODELS: ReadonlyMap<string, ModelClass> = new Map<string, ModelClass>([
  ["v1/Namespace", Namespace as unknown as ModelClass],
  ["v1/Service", Service as unknown as ModelClass],
  ["v1/ServiceAccount", ServiceAccount as unknown as ModelClass],
  ["v1/ConfigMap", ConfigMap as unknown as ModelClass],
  ["v1/Secret", Secret as unknown as ModelClass],
  ["v1/ResourceQuota", ResourceQuota as unknown as ModelClass],
  ["v1/LimitRange", LimitRange as unknown as ModelClass],
  ["apps/v1/Deployment", Deployment as unknown as ModelClass],
  ["batch/v1/CronJob", CronJob as unknown as ModelClass],
  ["autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler as unknown as ModelClass],
  ["policy/v1/PodDisruptionBudget", PodDisruptionBudget as unknown as ModelClass],
  ["networking.k8s.io/v1/Ingress", Ingress as unknown as ModelClass],
  ["networking.k8s.io/v1/NetworkPolicy", NetworkPolicy as unknown as ModelClass],
  ["gateway.networking.k8s.io/v1/HTTPRoute", HTTPRoute as unknown as ModelClass],
  ["external-secrets.io/v1/ExternalSecret", ExternalSecret as unknown as ModelClass],
  ["argoproj.io/v1alpha1/Application", Application as unknown as ModelClass],
  ["argoproj.io/v1alpha1/AppProject", AppProject as unknown as ModelClass],
  ["argoproj.io/v1alpha1/ApplicationSet", ApplicationSet as unknown as ModelClass],
  ["source.toolkit.fluxcd.io/v1/GitRepository", GitRepository as unknown as ModelClass],
  ["kustomize.toolkit.fluxcd.io/v1/Kustomization", Kustomization as unknown as ModelClass],
]);

/** API groups whose kinds must all be known here: anything else in them is a typo or an API 1.28 does not serve. */
const CHECKED_GROUPS = new Set([
  "v1",
  "apps",
  "batch",
  "autoscaling",
  "policy",
  "networking.k8s.io",
  "gateway.networking.k8s.io",
  "external-secrets.io",
  "argoproj.io",
  "source.toolkit.fluxcd.io",
  "kustomize.toolkit.fluxcd.io",
]);

/** What verifying one file found. */
export interface Verification {
  diagnostics: Diagnostic[];
  verified: number;
  /** Objects of kinds with no upstream schema (dependency claims). */
  unverified: number;
}

/**
 * Checks rendered objects against the upstream schemas of their kinds.
 * `file` is where they are written (relative to the root) and `lines` the
 * 1-based line each object's document starts on, so findings point there.
 */
export function verifyObjects(
  file: string,
  objects: readonly KubeObject[],
  lines: readonly number[],
): Verification {
  const diagnostics: Diagnostic[] = [];
  let verified = 0;
  let unverified = 0;
  objects.forEach((object, index) => {
    const at = { line: lines[index] ?? 1, column: 1 };
    const key = `${object.apiVersion}/${object.kind}`;
    const Model = MODELS.get(key);
    const group = object.apiVersion.includes("/") ? (object.apiVersion.split("/")[0] ?? "") : "v1";
    if (!Model) {
      if (CHECKED_GROUPS.has(group)) {
        diagnostics.push(
          error(
            "verify.unknown-kind",
            `${key} is not a kind this platform renders for Kubernetes 1.28`,
            file,
            at,
          ),
        );
      } else {
        unverified++;
      }
      return;
    }
    verified++;
    try {
      new Model(structuredClone(object) as never).validate();
    } catch (caught) {
      const detail = caught instanceof Error ? caught.message : String(caught);
      diagnostics.push(
        error(
          "verify.schema",
          `${object.kind} ${object.metadata.name} does not match the upstream ${key} schema: ${detail}`,
          file,
          at,
          "this is a bug in the platform's rendering, not in your service file: report it",
        ),
      );
    }
  });
  return { diagnostics, verified, unverified };
}
