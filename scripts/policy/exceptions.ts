import { existsSync, lstatSync } from "node:fs";
import { join } from "node:path";
import type { LoadedDocument } from "../model/document.js";
import { readRepositoryFile } from "../model/load.js";
import { type SchemaValidators, validateDocument } from "../model/schema.js";
import type { PolicyException } from "../model/types.generated.js";
import { type Diagnostic, error, warning } from "../report/diagnostic.js";
import { addDays, GOVERNANCE_FILE } from "./exception-limits.js";

/** Where exceptions live, relative to the root. */
export const EXCEPTIONS_FILE = "policies/exceptions.yaml";

/**
 * Rules that `idp plan` applies itself rather than the policy bundle: an
 * exception for one of them is read by the plan (PLAN001 acknowledges a
 * destructive change), so it is a known rule and never "unused" for policy.
 */
export const PLAN_RULES: ReadonlySet<string> = new Set(["PLAN001"]);

/** One exception with its place in the file. */
export interface LocatedException extends PolicyException {
  index: number;
}

/** The exceptions of a repository and the document they came from. */
export interface Exceptions {
  entries: LocatedException[];
  document?: LoadedDocument;
  diagnostics: Diagnostic[];
  /** The text of the files the diagnostics point into, by path: printed under them. */
  sources: Map<string, string>;
}

/** What an exception is held to besides its schema. */
export interface ExceptionRules {
  /** The rule ids the judging policy defines. */
  rules: ReadonlySet<string>;
  /** YYYY-MM-DD (UTC): expiry is judged on this day. */
  today: string;
  /** Where a target must exist: the repository being judged. */
  targetRoot: string;
  /** Who may approve: the platform team's members (as on the base branch in a pull request). */
  approvers: readonly string[];
  /** `expires` is at most this many days after `today`. */
  maxDays: number;
  /** The pull request's author, who may not approve their own exception. */
  author?: string;
  /** Entries the base already has (`exceptionKey`), not judged again for who approved them. */
  known?: ReadonlySet<string>;
}

/**
 * Reads `policies/exceptions.yaml` under `root` (absent means none), checks
 * it against its schema, and checks what the schema cannot: the rule exists
 * and is not an ownership rule (OWN rules are never waived), the target
 * exists and is one service (`services/<name>`) or one file, never a folder,
 * `approvedBy` is a platform team member and not the pull request's author,
 * and `expires` is at most `maxDays` ahead. Each violation is an error and
 * the exception waives nothing; an expired one is reported and waives
 * nothing.
 */
export function readExceptions(
  root: string,
  validators: SchemaValidators,
  limits: ExceptionRules,
): Exceptions {
  if (!existsSync(join(root, EXCEPTIONS_FILE))) return { entries: [], diagnostics: [], sources: new Map() };
  const { document, diagnostics, text } = readRepositoryFile(root, EXCEPTIONS_FILE, { topLevel: "sequence" });
  const sources = new Map(text === undefined ? [] : [[EXCEPTIONS_FILE, text]]);
  if (!document) return { entries: [], diagnostics, sources };
  const invalid = validateDocument(validators, "Exceptions", document);
  if (invalid.length > 0) return { entries: [], document, diagnostics: invalid, sources };
  const found: Diagnostic[] = [];
  const entries: LocatedException[] = [];
  (document.value as PolicyException[]).forEach((entry, index) => {
    const at = (field: string) => document.locate([index, field]);
    if (!limits.rules.has(entry.rule)) {
      found.push(
        error(
          "policy.exception-unknown-rule",
          `exception for rule ${entry.rule}, which no policy defines`,
          EXCEPTIONS_FILE,
          at("rule"),
          `known rules: ${[...limits.rules].sort().join(", ")}`,
        ),
      );
      return;
    }
    if (!existsSync(join(limits.targetRoot, entry.target))) {
      found.push(
        error(
          "policy.exception-unknown-target",
          `exception target ${entry.target} does not exist`,
          EXCEPTIONS_FILE,
          at("target"),
          "name a service folder such as services/checkout, or a file",
        ),
      );
      return;
    }
    const violations = governanceViolations(entry, limits).map((v) =>
      error(v.code, v.message, EXCEPTIONS_FILE, at(v.field), v.hint),
    );
    if (violations.length > 0) {
      found.push(...violations);
      return;
    }
    if (entry.expires < limits.today) {
      found.push(
        warning(
          "policy.exception-expired",
          `the exception for ${entry.rule} on ${entry.target} expired on ${entry.expires}; the rule applies again`,
          EXCEPTIONS_FILE,
          at("expires"),
          "fix what the rule reports and remove the exception, or renew it with a new approval",
        ),
      );
      return;
    }
    entries.push({ ...entry, index });
  });
  return { entries, document, diagnostics: found, sources };
}

/** One way an exception breaks the platform team's rules for exceptions. */
interface Violation {
  code: string;
  field: keyof PolicyException;
  message: string;
  hint: string;
}

/** What is wrong with who approved an exception, what it waives, where and for how long. */
function governanceViolations(entry: PolicyException, limits: ExceptionRules): Violation[] {
  const found: Violation[] = [];
  if (entry.rule.startsWith("OWN"))
    found.push({
      code: "policy.exception-ownership-rule",
      field: "rule",
      message: `ownership rule ${entry.rule} cannot be waived: who may change what is decided by the teams on the base branch`,
      hint: "remove the exception; ask a member of the owning team (or of platform) to make or approve the change",
    });
  if (!isServiceFolder(entry.target) && !isFile(join(limits.targetRoot, entry.target)))
    found.push({
      code: "policy.exception-folder-target",
      field: "target",
      message: `exception target ${entry.target} is a folder; an exception waives one service (services/<name>) or one file`,
      hint: "name one service such as services/checkout, or one file such as environments/prod.yaml",
    });
  if (!limits.approvers.includes(entry.approvedBy))
    found.push({
      code: "policy.exception-approver",
      field: "approvedBy",
      message: `exception approved by ${entry.approvedBy}, who is not a member of the platform team on the base branch`,
      hint: `ask a member of the platform team (${[...limits.approvers].sort().join(", ") || "none"}) to approve it`,
    });
  else if (
    limits.author !== undefined &&
    entry.approvedBy === limits.author &&
    !limits.known?.has(exceptionKey(entry))
  )
    found.push({
      code: "policy.exception-self-approved",
      field: "approvedBy",
      message: `exception approved by ${entry.approvedBy}, the author of this change; nobody approves their own exception`,
      hint: "ask another member of the platform team to approve it",
    });
  const latest = addDays(limits.today, limits.maxDays);
  if (entry.expires > latest)
    found.push({
      code: "policy.exception-too-long",
      field: "expires",
      message: `exception expires on ${entry.expires}, more than ${limits.maxDays} days after ${limits.today} (at most ${latest})`,
      hint: `set expires to ${latest} or earlier and renew it when it runs out (the limit is exceptions.maxDays in ${GOVERNANCE_FILE})`,
    });
  return found;
}

/** An exception as a string, to find the same entry in the base's file. */
export function exceptionKey(entry: PolicyException): string {
  return JSON.stringify([
    entry.rule,
    entry.target,
    entry.environments ?? null,
    entry.reason,
    entry.approvedBy,
    entry.expires,
  ]);
}

function isServiceFolder(target: string): boolean {
  return /^services\/[^/]+$/.test(target);
}

function isFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}

/** The unexpired exception that waives `rule` for `file` in `environment`, if any; ownership (OWN) rules are never waived. */
export function findException(
  entries: readonly LocatedException[],
  rule: string,
  file: string,
  environment: string,
): LocatedException | undefined {
  if (rule.startsWith("OWN")) return undefined;
  return entries.find(
    (entry) =>
      entry.rule === rule &&
      (file === entry.target || file.startsWith(`${entry.target.replace(/\/$/, "")}/`)) &&
      (entry.environments === undefined || entry.environments.includes(environment)),
  );
}
