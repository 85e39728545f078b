import type { KubeObject } from "../render/kube-object.js";

const NAMESPACE_LABEL = "kubernetes.io/metadata.name";
const INSTANCE_LABEL = "app.kubernetes.io/instance";

/**
 * What a NetworkPolicy change means for a reviewer: which workloads it now
 * lets in or out, and which it no longer does ("lets in nightly-report
 * (namespace data-dev)"). A new `calls:` entry in one team's service changes
 * the callee's NetworkPolicy, which another team owns: this is the phrase
 * that team's reviewers read. Empty when the set of peers did not change.
 */
export function networkPeerPhrases(before: KubeObject, after: KubeObject): string[] {
  const phrases: string[] = [];
  for (const [direction, rules, field] of [
    ["in", "ingress", "from"],
    ["out to", "egress", "to"],
  ] as const) {
    const old = peers(before, rules, field);
    const now = peers(after, rules, field);
    for (const peer of now) if (!old.has(peer)) phrases.push(`lets ${direction} ${peer}`);
    for (const peer of old) if (!now.has(peer)) phrases.push(`no longer lets ${direction} ${peer}`);
  }
  return phrases;
}

/** True for a leaf path inside the ingress or egress peers that networkPeerPhrases describes. */
export function isPeerPath(path: readonly (string | number)[]): boolean {
  return (
    path[0] === "spec" &&
    (path[1] === "ingress" || path[1] === "egress") &&
    (path[3] === "from" || path[3] === "to" || path[3] === "ports" || path.length <= 3)
  );
}

function peers(object: KubeObject, rules: "ingress" | "egress", field: "from" | "to"): Set<string> {
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  const list = Array.isArray(spec[rules]) ? (spec[rules] as Record<string, unknown>[]) : [];
  const found = new Set<string>();
  for (const rule of list) {
    const entries = Array.isArray(rule?.[field]) ? (rule[field] as Record<string, unknown>[]) : [];
    for (const entry of entries) found.add(describePeer(entry));
  }
  return found;
}

function describePeer(entry: Record<string, unknown>): string {
  const block = entry.ipBlock as { cidr?: unknown; except?: unknown } | undefined;
  if (block && typeof block.cidr === "string") {
    const except = Array.isArray(block.except) ? block.except.length : 0;
    return except > 0 ? `${block.cidr} except ${except} private ranges` : block.cidr;
  }
  const namespace = label(entry.namespaceSelector, NAMESPACE_LABEL);
  const workload = label(entry.podSelector, INSTANCE_LABEL);
  if (workload && namespace) return `${workload} (namespace ${namespace})`;
  if (workload) return workload;
  if (namespace) return `namespace ${namespace}`;
  return JSON.stringify(entry).slice(0, 60);
}

function label(selector: unknown, key: string): string | undefined {
  const labels = (selector as { matchLabels?: Record<string, unknown> } | undefined)?.matchLabels;
  const value = labels?.[key];
  return typeof value === "string" ? value : undefined;
}
