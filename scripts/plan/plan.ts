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
  /** "✅ ready to merge: 2 services change in 3 environments". */
  summary: string;
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
  verdict: Verdict;
  /** Findings on the head, judged by the base's policies and schemas. */
  diagnostics: Diagnostic[];
  /** Present when the change edits `policies/` or `schemas/`. */
  newPolicy?: NewPolicyFindings;
  /** Environments with changes, in promotion order. */
  environments: EnvironmentPlan[];
  /** Remarks for a reader: why something was not rendered, which rules judged. */
  notes: string[];
  /** Source texts of the head, for printing finding lines in a terminal. */
  sources: ReadonlyMap<string, string>;
}

/** The name a plan gives an environment's own objects: their folder, `manifests/<env>/_platform` (PLATFORM_FOLDER). */
export const PLATFORM_PLAN = "_platform";
