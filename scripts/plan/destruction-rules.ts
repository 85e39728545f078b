import { existsSync } from "node:fs";
import { join } from "node:path";
import { readRepositoryFile } from "../model/load.js";
import type { SchemaValidators } from "../model/schema.js";
import { GOVERNANCE_FILE, readExceptionLimits } from "../policy/exception-limits.js";
import { findException, readExceptions } from "../policy/exceptions.js";
import { DESTRUCTION_RULE, destructionTargets } from "./destruction.js";
import type { Destruction } from "./plan.js";

/** The share of an environment's objects one change may delete when governance.yaml does not say. */
export const DEFAULT_DESTRUCTIVE_PERCENT = 25;

/** `plan.destructivePercent` of the base's governance file, and a note when it is not usable. */
export interface DestructionLimit {
  percent: number;
  note?: string;
}

/**
 * Reads `plan.destructivePercent` (a whole number from 1 to 100) from
 * `policies/governance.yaml` under `root`, which is the base: a change
 * cannot raise the limit it is judged by. A missing file or key means the
 * default; a wrong value means the default and a note saying so.
 */
export function readDestructionLimit(root: string): DestructionLimit {
  const fallback = { percent: DEFAULT_DESTRUCTIVE_PERCENT };
  if (!existsSync(join(root, GOVERNANCE_FILE))) return fallback;
  const { document } = readRepositoryFile(root, GOVERNANCE_FILE);
  const value = (document?.value as { plan?: { destructivePercent?: unknown } } | null)?.plan
    ?.destructivePercent;
  if (value === undefined) return fallback;
  if (typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 100)
    return { percent: value };
  return {
    ...fallback,
    note: `${GOVERNANCE_FILE} of the base sets plan.destructivePercent to something other than a whole number from 1 to 100; the default ${DEFAULT_DESTRUCTIVE_PERCENT} % applies`,
  };
}

/** What acknowledging by exception needs: the base's exceptions and who may approve them. */
export interface ExceptionSource {
  /** The base's export: its policies/exceptions.yaml and governance.yaml are read, never the change's. */
  baseRoot: string;
  /** The head: exception targets must exist there. */
  headRoot: string;
  validators: SchemaValidators;
  /** The platform team's members on the base. */
  approvers: readonly string[];
  today: string;
  /** environment name → its file (environments/<name>.yaml). */
  environmentFile: (environment: string) => string;
}

/**
 * The destruction, acknowledged when every destroyed thing is covered by an
 * unexpired PLAN001 exception of the base approved by a platform member
 * (held to the same rules as every exception: approver, expiry, maxDays).
 * The target is the environment's file (covers everything in it) or the
 * service (covers its claims). The change's own exceptions file never
 * counts: a pull request cannot acknowledge its own destruction.
 */
export function acknowledgeByException(destruction: Destruction, source: ExceptionSource): Destruction {
  const { entries } = readExceptions(source.baseRoot, source.validators, {
    rules: new Set([DESTRUCTION_RULE]),
    today: source.today,
    targetRoot: source.headRoot,
    approvers: source.approvers,
    maxDays: readExceptionLimits(source.baseRoot).maxDays,
  });
  const used = new Set<number>();
  for (const item of destructionTargets(destruction, source.environmentFile)) {
    const entry = item.targets
      .map((target) => findException(entries, DESTRUCTION_RULE, target, item.environment))
      .find((found) => found !== undefined);
    if (!entry) return destruction;
    used.add(entry.index);
  }
  const detail = entries
    .filter((entry) => used.has(entry.index))
    .map(
      (entry) =>
        `exception ${entry.rule} for ${entry.target} approved by ${entry.approvedBy} until ${entry.expires}: ${entry.reason}`,
    )
    .join("; ");
  return { ...destruction, acknowledged: { by: "exception", detail } };
}
