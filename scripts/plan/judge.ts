import type { ValidatedRepository } from "../model/validate-repository.js";
import { evaluateHere, preparePolicies } from "../policy/check-policies.js";
import type { ChangeContext } from "../policy/input.js";
import type { PolicyThread } from "../policy/policy-threads.js";
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

/** A judgement under way: see startJudgement. */
export interface JudgementInProgress {
  finish(): Promise<Judgement>;
}

/**
 * Judges the head with the base's schemas and policies (a pull request must
 * not weaken the checks that judge it), and, when the change edits them,
 * with its own as well: those findings never fail the plan, they show the
 * reviewers what the new rules would add or no longer report.
 *
 * With `thread`, the judging policy is evaluated there while the caller does
 * other work until `finish`; without it, on this thread, in `finish`.
 */
export function startJudgement(input: JudgeInput, thread?: PolicyThread): JudgementInProgress {
  const judging = start(input.root, input.judged, input.change, input.today, input.policyRoot, thread);
  return {
    finish: async () => {
      const judged = await judging();
      const diagnostics = judged.diagnostics;
      if (!input.own) return { diagnostics, secrets: judged.secrets, sources: judged.sources };
      const mine = await start(input.root, input.own, input.change, input.today, input.root)();
      const own = mine.diagnostics;
      const key = (d: Diagnostic) =>
        `${d.severity}\u0000${d.code}\u0000${d.file}\u0000${d.line}\u0000${d.message}`;
      const judgingKeys = new Set(diagnostics.map(key));
      const reported = new Set(own.map(key));
      return {
        diagnostics,
        secrets: [...new Set([...judged.secrets, ...mine.secrets])],
        sources: judged.sources,
        newPolicy: {
          diagnostics: own,
          added: own.filter((d) => !judgingKeys.has(key(d))),
          removed: diagnostics.filter((d) => !reported.has(key(d))),
        },
      };
    },
  };
}

interface Checked {
  diagnostics: Diagnostic[];
  secrets: string[];
  sources: Map<string, string>;
}

/**
 * Validation findings, then policy findings when validation found no error
 * (as `idp validate` does). The policy is prepared now (and handed to
 * `thread`, which is closed when it is not needed), and finished by the
 * function returned.
 */
function start(
  root: string,
  validated: ValidatedRepository,
  change: ChangeContext,
  today: string,
  policyRoot: string,
  thread?: PolicyThread,
): () => Promise<Checked> {
  if (hasErrors(validated.diagnostics)) {
    thread?.close();
    return async () => ({ diagnostics: validated.diagnostics, secrets: [], sources: new Map() });
  }
  const prepared = preparePolicies(root, validated, change, today, policyRoot);
  const run = thread ? thread.run(prepared) : undefined;
  return async () => {
    const policy = run ? await run.finish() : evaluateHere(prepared);
    return {
      diagnostics: sortDiagnostics([...validated.diagnostics, ...policy.diagnostics]),
      secrets: policy.secrets,
      sources: policy.sources,
    };
  };
}
