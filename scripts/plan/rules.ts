/**
 * Which rules `idp plan --rules` runs on a change. `base-and-head` (the
 * default): the base's schemas and policies judge, and when the change edits
 * `schemas/` or `policies/` its own are also run, for information.
 * `base-only`: the change is read as data only; its own schemas are never
 * compiled and its own policy never evaluated (the privileged comment job
 * plans a pull request this way).
 */
export type PlanRules = "base-and-head" | "base-only";

/** Every value of PlanRules, for parsing `--rules`. */
export const PLAN_RULES: readonly PlanRules[] = ["base-and-head", "base-only"];
