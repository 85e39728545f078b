import type { ValidatedRepository } from "../model/validate-repository.js";
import { checkPolicies } from "../policy/check-policies.js";
import type { ChangeContext } from "../policy/input.js";
import { type Diagnostic, hasErrors, sortDiagnostics } from "../report/diagnostic.js";
import type { NewPolicyFindings } from "./plan.js";

/** What judging a change needs: the head validated with the judging schemas, and where the judging policies are. */
export interface JudgeInput {
  root: string;
  /** The head, validated with the judging (base) schemas. */
  judged: ValidatedRepository;
  /** Where the judging policy bundle and exceptions are read from: the base when the change edits policies/. */
  policyRoot: string;
  change: ChangeContext;
  today: string;
  /**
   * The head validated with its own schemas, when the change edits policies/
   * or schemas/: it is then also judged by its own policies, for information.
   */
  own?: ValidatedRepository;
}

/** The findings that decide the verdict, and what the change's own rules would say instead. */
export interface Judgement {
  diagnostics: Diagnostic[];
  newPolicy?: NewPolicyFindings;
  /** The env values SEC004 flagged on the head, by the judging rules or the change's own: to be redacted. */
  secrets: string[];
  /** The text of policies/ files the judging findings point into (exceptions, governance). */
  sources: Map<string, string>;
}

/**
 * Judges the head with the base's schemas and policies (a pull request must
 * not weaken the checks that judge it), and, when the change edits them,
 * with its own as well: those findings never fail the plan, they show the
 * reviewers what the new rules would add or no longer report.
 */
export function judgeChange(input: JudgeInput): Judgement {
  const judged = check(input.root, input.judged, input.change, input.today, input.policyRoot);
  const diagnostics = judged.diagnostics;
  if (!input.own) return { diagnostics, secrets: judged.secrets, sources: judged.sources };
  const mine = check(input.root, input.own, input.change, input.today, input.root);
  const own = mine.diagnostics;
  const key = (d: Diagnostic) =>
    `${d.severity}\u0000${d.code}\u0000${d.file}\u0000${d.line}\u0000${d.message}`;
  const judging = new Set(diagnostics.map(key));
  const reported = new Set(own.map(key));
  return {
    diagnostics,
    secrets: [...new Set([...judged.secrets, ...mine.secrets])],
    sources: judged.sources,
    newPolicy: {
      diagnostics: own,
      added: own.filter((d) => !judging.has(key(d))),
      removed: diagnostics.filter((d) => !reported.has(key(d))),
    },
  };
}

/** Validation findings, then policy findings when validation found no error (as `idp validate` does). */
function check(
  root: string,
  validated: ValidatedRepository,
  change: ChangeContext,
  today: string,
  policyRoot: string,
): { diagnostics: Diagnostic[]; secrets: string[]; sources: Map<string, string> } {
  if (hasErrors(validated.diagnostics))
    return { diagnostics: validated.diagnostics, secrets: [], sources: new Map() };
  const policy = checkPolicies(root, validated, change, today, policyRoot);
  return {
    diagnostics: sortDiagnostics([...validated.diagnostics, ...policy.diagnostics]),
    secrets: policy.secrets,
    sources: policy.sources,
  };
}
