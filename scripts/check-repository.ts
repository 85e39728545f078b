import { type ValidatedRepository, validateRepository } from "./model/validate-repository.js";
import {
  evaluateHere,
  type PolicyOutcome,
  type PreparedPolicies,
  preparePolicies,
} from "./policy/check-policies.js";
import type { ChangeContext } from "./policy/input.js";
import type { PolicyThread } from "./policy/policy-threads.js";
import { hasErrors, sortDiagnostics } from "./report/diagnostic.js";
import { Redactor } from "./report/redact.js";

/** A repository after load, schema, resolve and policy: what `validate` reports and `render` builds on. */
export interface CheckedRepository extends ValidatedRepository {
  /** Undefined when earlier errors kept policy from running. */
  policy?: PolicyOutcome;
}

/** What the change under review is, and what day it is (freeze windows, exception expiry). */
export interface CheckOptions {
  change?: ChangeContext;
  /** YYYY-MM-DD, UTC. */
  today?: string;
  /** Where the policies and exceptions that judge are read from: a change's merge base; default the root. */
  policyRoot?: string;
}

/**
 * The first four stages of the pipeline: load → validate → resolve → policy.
 * Policy runs only on a repository without errors, so its findings (sums,
 * cross-service rules) are never computed from a partial picture.
 */
export function checkRepository(root: string, options: CheckOptions = {}): CheckedRepository {
  const validated = validateRepository(root);
  return hasErrors(validated.diagnostics) ? validated : withPolicies(root, validated, options);
}

/**
 * The policy stage on a repository that validated without errors. The
 * values SEC004 flags are redacted from the diagnostics and from `sources`
 * (which only serve to print lines under diagnostics), so no command prints them.
 */
export function withPolicies(
  root: string,
  validated: ValidatedRepository,
  options: CheckOptions = {},
): CheckedRepository {
  return withOutcome(validated, evaluateHere(prepare(root, validated, options)));
}

/** A policy stage under way (see {@link startPolicies}). */
export interface PolicyStage {
  /** Evaluates here what `thread` has not taken, and gives what withPolicies gives. */
  finish(): Promise<CheckedRepository>;
}

/**
 * withPolicies with its evaluations handed to `thread` now (policy-threads.ts):
 * this thread builds the inputs, then is free for other work until
 * `finish`, where it evaluates whatever the thread has not taken. Without a
 * thread, everything is evaluated in `finish`.
 */
export function startPolicies(
  root: string,
  validated: ValidatedRepository,
  thread: PolicyThread | undefined,
  options: CheckOptions = {},
): PolicyStage {
  const prepared = prepare(root, validated, options);
  const run = thread?.run(prepared);
  return {
    finish: async () => withOutcome(validated, run ? await run.finish() : evaluateHere(prepared)),
  };
}

function prepare(root: string, validated: ValidatedRepository, options: CheckOptions): PreparedPolicies {
  return preparePolicies(
    root,
    validated,
    options.change ?? {},
    options.today ?? today(),
    options.policyRoot ?? root,
  );
}

function withOutcome(validated: ValidatedRepository, policy: PolicyOutcome): CheckedRepository {
  // What the policy flagged as a credential is hidden from every printed message and source line.
  const redactor = new Redactor(policy.secrets);
  const diagnostics = redactor.diagnostics(
    sortDiagnostics([...validated.diagnostics, ...policy.diagnostics]),
  );
  return {
    ...validated,
    policy,
    diagnostics,
    sources: redactor.sources(new Map([...validated.sources, ...policy.sources]), diagnostics),
  };
}

/** Today in UTC; IDP_TODAY overrides it so tests and reproductions can pin the date. */
export function today(): string {
  const pinned = process.env.IDP_TODAY;
  return pinned && /^\d{4}-\d{2}-\d{2}$/.test(pinned) ? pinned : new Date().toISOString().slice(0, 10);
}
