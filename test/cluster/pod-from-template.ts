import type { KubeObject } from "./kube-client.js";

interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

/** Where each workload kind keeps its pod template. */
const TEMPLATE_PATHS: Record<string, readonly string[]> = {
  Deployment: ["spec", "template"],
  StatefulSet: ["spec", "template"],
  DaemonSet: ["spec", "template"],
  ReplicaSet: ["spec", "template"],
  Job: ["spec", "template"],
  CronJob: ["spec", "jobTemplate", "spec", "template"],
};

function dig(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * The Pod a workload's controller would create from its pod template, named
 * `<workload>-pod-check` in the workload's namespace, or undefined if `object`
 * has no pod template. Pod Security `enforce` judges Pods only (a Deployment
 * is merely warned about), and LimitRanger and ResourceQuota act on Pods, so
 * the cluster test dry-run-creates this Pod to put the template through them.
 */
export function podFromTemplate(object: KubeObject): KubeObject | undefined {
  const path = TEMPLATE_PATHS[object.kind];
  if (!path) return undefined;
  const template = dig(object, path) as PodTemplate | undefined;
  if (!template?.spec) return undefined;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `${object.metadata.name}-pod-check`,
      namespace: object.metadata.namespace,
      labels: template.metadata?.labels ?? {},
      ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
    },
    spec: template.spec,
  };
}
