import type { CostChange } from "../cost/cost-delta.js";
import type { Diagnostic } from "../report/diagnostic.js";

/** What happens to one object, one service's manifest or one finding between the base and the head. */
export type ChangeStatus = "added" | "changed" | "removed";

/** One Kubernetes object that differs between the base and the head. */
export interface ObjectChange {
  kind: string;
  name: string;
  namespace?: string;
  status: ChangeStatus;
  /** Short field-level phrases for a person: "replicas 2 → 3", "new route shop.acme.example". */
  summary: string[];
}

/** One rendered manifest (a service's, or an environment's `_platform`) that differs. */
export interface ServicePlan {
  /** The service name, or `_platform` for the environment's own objects. */
  name: string;
  status: ChangeStatus;
  objects: ObjectChange[];
  /** Unified diff of `manifests/<env>/<name>/manifest.yaml`, base → head. */
  diff: string;
}

/** Everything that changes in one environment. */
export interface EnvironmentPlan {
  name: string;
  services: ServicePlan[];
}

/** The one-line answer at the top of a plan. */
export interface Verdict {
  /** False when an error blocks the change. */
  ok: boolean;
  /**
   * True when the change destroys something (see Destruction): the check run
   * fails until the platform acknowledges it, even when `ok`.
   */
  destructive?: boolean;
  /** "✅ ready to merge: 2 services change in 3 environments", "⚠ destructive: …". */
  summary: string;
}

/** One object whose deletion loses something: a Namespace, a data claim, a PersistentVolumeClaim. */
export interface DestroyedObject {
  environment: string;
  /** The service whose manifest held it, or `_platform`. */
  manifest: string;
  kind: string;
  name: string;
  namespace?: string;
  /** Why it matters, for a person: "deleting a Namespace deletes everything in it". */
  reason: string;
}

/** An environment that loses more of its objects than the platform allows in one change. */
export interface MassRemoval {
  environment: string;
  /** Objects the change deletes there. */
  removed: number;
  /** Objects the base has there. */
  total: number;
}

/** How a destructive change was acknowledged by the platform team, from the base branch. */
export interface DestructionAcknowledgement {
  /** Only exceptions are read by the plan; labels are read by `idp comment` from the API. */
  by: "exception";
  /** "policies/exceptions.yaml entry 1 (approved by carol until 2027-01-31)". */
  detail: string;
}

/**
 * What a change destroys, judged with the base's dependency classes (which hold data)
 * and the base's limit (`plan.destructivePercent` in policies/governance.yaml).
 */
export interface Destruction {
  objects: DestroyedObject[];
  massRemovals: MassRemoval[];
  /** The share of an environment's objects one change may delete, in percent. */
  limitPercent: number;
  /** Present when every destroyed thing is covered by an exception of the base. */
  acknowledged?: DestructionAcknowledgement;
}

/** What the head's own (changed) policies and schemas would say, for information only. */
export interface NewPolicyFindings {
  /** Every finding with the head's policies and schemas. */
  diagnostics: Diagnostic[];
  /** Findings the new policies add, compared with the judging (base) ones. */
  added: Diagnostic[];
  /** Findings of the judging policies that the new ones no longer report. */
  removed: Diagnostic[];
}

/** The outcome of `idp plan`: what a change does, judged by the base's rules. */
export interface Plan {
  /** The ref the change is compared with, as given. */
  base: string;
  /** The merge base: the commit the change left `base` at. */
  baseSha: string;
  /** HEAD (the working tree is what is planned; it may carry uncommitted edits). */
  headSha: string;
  /** True when the working tree differs from HEAD: what is planned is not the commit `headSha`. */
  workingTree?: boolean;
  verdict: Verdict;
  /** Present when the change destroys something (see Destruction). */
  destruction?: Destruction;
  /** Findings on the head, judged by the base's policies and schemas. */
  diagnostics: Diagnostic[];
  /** Present when the change edits `policies/` or `schemas/`. */
  newPolicy?: NewPolicyFindings;
  /** Environments with changes, in promotion order. */
  environments: EnvironmentPlan[];
  /** What the change does to the monthly cost; absent when the head does not validate. */
  cost?: CostChange;
  /** Remarks for a reader: why something was not rendered, which rules judged. */
  notes: string[];
  /** Source texts of the head, for printing finding lines in a terminal. */
  sources: ReadonlyMap<string, string>;
}

/** The name a plan gives an environment's own objects: their folder, `manifests/<env>/_platform` (PLATFORM_FOLDER). */
export const PLATFORM_PLAN = "_platform";

/** How every plan output names an object: `Deployment shop-dev/cart`, `Namespace shop-dev` (cluster-scoped). */
export function objectLabel(object: { kind: string; name: string; namespace?: string }): string {
  return `${object.kind} ${object.namespace ? `${object.namespace}/` : ""}${object.name}`;
}

/** How every plan output names what is planned: the commit, or the working tree when it has uncommitted edits. */
export function headLabel(plan: Pick<Plan, "headSha" | "workingTree">): string {
  const sha = plan.headSha.slice(0, 7);
  return plan.workingTree ? `working tree (not committed; HEAD is ${sha})` : sha;
}
