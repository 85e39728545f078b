import { costRepository, teamTotals } from "../cost/cost.js";
import type { ValuePath } from "../model/document.js";
import { Findings, type Pointer } from "../model/findings.js";
import { originOf } from "../model/merge.js";
import type { EnvironmentModel, ResolvedService } from "../model/resolved.js";
import type { ValidatedRepository } from "../model/validate-repository.js";
import { type Diagnostic, warning } from "../report/diagnostic.js";
import { BUNDLE_WASM, readPolicyBundle } from "./bundle.js";
import { memoryFor, PolicyEngine, type PolicyFinding } from "./engine.js";
import { GOVERNANCE_FILE, readExceptionLimits } from "./exception-limits.js";
import {
  EXCEPTIONS_FILE,
  type Exceptions,
  exceptionKey,
  findException,
  type LocatedException,
  PLAN_RULES,
  readExceptions,
} from "./exceptions.js";
import { buildPolicyInput, type ChangeContext, type PolicyInput } from "./input.js";
import { readPortalSetting } from "./portal-url.js";
import { flaggedSecretValues } from "./secret-values.js";

/**
 * One finding as the policy yielded it in one environment, before findings
 * are merged across environments into diagnostics: what scorecards read.
 */
export interface PolicyResult {
  environment: string;
  rule: string;
  severity: "deny" | "warn";
  /** The service the finding is about; absent for a finding about a file (a team's budget, an environment). */
  service?: string;
  /** The file the finding points into. */
  file: string;
  message: string;
  /** The exception that turned this denial into a warning, when one did. */
  waivedBy?: LocatedException;
}

/** What the policy stage found. */
export interface PolicyOutcome {
  diagnostics: Diagnostic[];
  /** Every finding per environment, with the exception that waived it: findings and exceptions in force. */
  results: PolicyResult[];
  /** Resolved (service, environment) pairs judged. */
  evaluated: number;
  /** Denials turned into warnings by an exception. */
  waived: number;
  /** The env values SEC004 flagged (waived or not): every output hides them (Redactor). */
  secrets: string[];
  /** The text of policies/ files the diagnostics point into (exceptions, governance), by path. */
  sources: Map<string, string>;
}

/**
 * Judges every resolved service with the compiled policy, one evaluation per
 * environment (cross-service rules such as quotas see the whole environment
 * at once), and turns findings into diagnostics at the line of the value they
 * are about. A matching, unexpired exception turns a denial into a warning
 * that says who approved it and until when.
 *
 * `policyRoot` is where the compiled policy and the exceptions are read from
 * (default `root`): `idp plan` judges a pull request's services with the
 * policies of its base, so a change cannot weaken the checks that judge it.
 */
export function checkPolicies(
  root: string,
  repository: ValidatedRepository,
  change: ChangeContext,
  today: string,
  policyRoot: string = root,
): PolicyOutcome {
  return evaluateHere(preparePolicies(root, repository, change, today, policyRoot));
}

/** Evaluates prepared policies on this thread and returns the outcome. */
export function evaluateHere(prepared: PreparedPolicies): PolicyOutcome {
  if ("outcome" in prepared) return prepared.outcome;
  const engine = PolicyEngine.load(prepared.wasm, BUNDLE_WASM, prepared.memory);
  // One input at a time: a large repository's inputs are large.
  return prepared.finish(prepared.environments.map((_, index) => engine.evaluate(prepared.input(index))));
}

/**
 * The policy stage split around its evaluations, so that they can run on
 * other threads (policy-threads.ts): the compiled policy, the memory an
 * evaluation needs, the input of each environment (in `environments`'
 * order), and what turns the findings of every evaluation, in that order,
 * into the outcome. `outcome` instead when the bundle does not load.
 */
export type PreparedPolicies =
  | { outcome: PolicyOutcome }
  | {
      wasm: Uint8Array;
      memory: { initial: number; maximum: number };
      environments: readonly EnvironmentModel[];
      input: (index: number) => PolicyInput;
      finish: (evaluated: readonly PolicyFinding[][]) => PolicyOutcome;
    };

/** Everything of checkPolicies before the evaluations and after them (see PreparedPolicies). */
export function preparePolicies(
  root: string,
  repository: ValidatedRepository,
  change: ChangeContext,
  today: string,
  policyRoot: string = root,
): PreparedPolicies {
  const { bundle, diagnostics } = readPolicyBundle(policyRoot);
  if (!bundle)
    return {
      outcome: { diagnostics, results: [], evaluated: 0, waived: 0, secrets: [], sources: new Map() },
    };
  const { exceptions, reported, judgedFile } = judgingExceptions(
    root,
    repository,
    change,
    today,
    policyRoot,
    new Set([...bundle.rules, ...PLAN_RULES]),
  );
  const servicesIn = new Map(
    repository.environments.map((e) => [e.name, repository.services.filter((s) => s.environment === e.name)]),
  );
  const largest = Math.max(0, ...[...servicesIn.values()].map((services) => services.length));
  // Budgets hold across environments, each evaluation sees one: the totals are computed once, here.
  const costs = teamTotals(costRepository(repository.services, repository.environments, repository.teams));
  const input = (index: number): PolicyInput => {
    const environment = repository.environments[index] as EnvironmentModel;
    return buildPolicyInput(
      environment,
      repository.environments,
      repository.teams,
      servicesIn.get(environment.name) ?? [],
      { ...change, date: change.date ?? today },
      costs,
    );
  };
  const finish = (evaluatedIn: readonly PolicyFinding[][]): PolicyOutcome => {
    // Findings about the exceptions file point into it as the change has it.
    const exceptionsDocument = reported.document ?? exceptions.document;
    const findings = new Findings([
      ...repository.documents.values(),
      ...(exceptionsDocument ? [exceptionsDocument] : []),
    ]);
    const used = new Set<number>();
    const results: PolicyResult[] = [];
    const secrets: string[] = [];
    let waived = 0;
    repository.environments.forEach((environment, index) => {
      const byName = new Map((servicesIn.get(environment.name) ?? []).map((s) => [s.name, s]));
      const evaluated = sortFindings([...(evaluatedIn[index] ?? [])]);
      secrets.push(...flaggedSecretValues(evaluated, byName));
      for (const finding of evaluated) {
        const target = locateFinding(finding, byName.get(finding.service ?? ""), repository);
        const exception =
          finding.severity === "deny"
            ? findException(exceptions.entries, finding.rule, target.file, environment.name)
            : undefined;
        if (exception) {
          used.add(exception.index);
          waived++;
        }
        results.push({
          environment: environment.name,
          rule: finding.rule,
          severity: finding.severity,
          ...(finding.service !== undefined ? { service: finding.service } : {}),
          file: target.file,
          message: finding.message,
          ...(exception ? { waivedBy: exception } : {}),
        });
        // Ownership findings are about the change, not an environment: one finding however many evaluations yield it.
        const scoped =
          finding.service !== undefined ||
          (target.file === environment.file && !finding.rule.startsWith("OWN"));
        findings.add(
          finding.severity === "deny" && !exception ? "error" : "warning",
          `policy.${finding.rule}`,
          `${exception ? waiver(exception) : ""}${finding.message}${scoped ? " (in {env})" : ""}`,
          target,
          { environment: environment.name },
        );
      }
    });
    // Unused waivers are pointed at in the file as the change has it: only when that is the judging file.
    const unused = (judgedFile ? exceptions.entries : [])
      .filter((entry) => !used.has(entry.index) && !PLAN_RULES.has(entry.rule))
      .map((entry) =>
        warning(
          "policy.exception-unused",
          `the exception for ${entry.rule} on ${entry.target} waives nothing`,
          EXCEPTIONS_FILE,
          exceptions.document?.locate([entry.index, "rule"]) ?? { line: 1, column: 1 },
          "the rule passes now: remove the exception",
        ),
      );
    return {
      diagnostics: [...diagnostics, ...reported.diagnostics, ...findings.diagnostics(), ...unused],
      results,
      evaluated: repository.services.length,
      waived,
      secrets: [...new Set(secrets)],
      sources: reported.sources,
    };
  };
  return {
    wasm: bundle.wasm,
    memory: memoryFor(largest),
    environments: repository.environments,
    input,
    finish,
  };
}

/**
 * The exceptions that may waive findings, and the ones whose problems are
 * reported. Both are held to the limits of the judging (base) side: its
 * platform team approves and its `policies/governance.yaml` sets how long.
 * In a pull request that edits `policies/exceptions.yaml`, only the base's
 * entries waive anything, and the change's own file is the one checked and
 * reported (with the author, who may not approve a new entry of their own).
 */
function judgingExceptions(
  root: string,
  repository: ValidatedRepository,
  change: ChangeContext,
  today: string,
  policyRoot: string,
  rules: ReadonlySet<string>,
): { exceptions: Exceptions; reported: Exceptions; judgedFile: boolean } {
  const limits = readExceptionLimits(policyRoot);
  const approvers =
    change.members?.platform ?? repository.teams.find((t) => t.name === "platform")?.spec.members ?? [];
  const common = { rules, today, targetRoot: root, approvers, maxDays: limits.maxDays };
  const exceptions = readExceptions(policyRoot, repository.validators, common);
  // The portal's address lives in the same file: a wrong one is reported where the limits are.
  const portal = readPortalSetting(policyRoot);
  const governanceText = limits.text ?? portal.text;
  const withLimits = (found: Exceptions): Exceptions => ({
    ...found,
    diagnostics: [
      ...limits.diagnostics,
      ...(portal.diagnostic ? [portal.diagnostic] : []),
      ...found.diagnostics,
    ],
    sources:
      governanceText === undefined
        ? found.sources
        : new Map([...found.sources, [GOVERNANCE_FILE, governanceText]]),
  });
  if (policyRoot === root || !change.files?.includes(EXCEPTIONS_FILE))
    return {
      exceptions,
      reported: policyRoot === root ? withLimits(exceptions) : exceptions,
      judgedFile: true,
    };
  const known = new Set(exceptions.entries.map(exceptionKey));
  const own = readExceptions(root, repository.validators, {
    ...common,
    ...(change.author ? { author: change.author } : {}),
    known,
  });
  return { exceptions, reported: own, judgedFile: false };
}

/** Sets come back in no fixed order: sort, so output and merged messages are stable. */
function sortFindings(findings: PolicyFinding[]): PolicyFinding[] {
  const key = (f: PolicyFinding) =>
    `${f.severity}\u0000${f.rule}\u0000${f.service ?? ""}\u0000${f.file ?? ""}\u0000${f.path.join(".")}\u0000${f.message}`;
  return findings.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * Where a finding points: a service finding's path is a settings path of the
 * resolved service, so it goes to whichever file and line set that value (the
 * service, its override, or the environment's defaults); a file finding's
 * path is inside that file.
 */
function locateFinding(
  finding: PolicyFinding,
  service: ResolvedService | undefined,
  repository: ValidatedRepository,
): Pointer {
  if (finding.service !== undefined) {
    const file = service?.file ?? `services/${finding.service}/service.yaml`;
    if (finding.path.length === 0 || !service) return { file, path: ["metadata", "name"] };
    const dotted = finding.path.join(".");
    return (
      originOfListItem(service, finding.path) ??
      originOf(service.origins, dotted) ?? { file, path: ["spec", ...finding.path] }
    );
  }
  const file = finding.file ?? "";
  return { file, path: repository.documents.has(file) ? (finding.path as ValuePath) : [] };
}

/**
 * A place inside a list item (`["calls", 1]`, `["sidecars", 0, "image"]`):
 * the list's origin (lists are set whole by one layer) with the index and
 * the rest of the path after it, so a finding points at the entry itself
 * rather than the start of its list.
 */
function originOfListItem(service: ResolvedService, path: readonly (string | number)[]): Pointer | undefined {
  const index = path.findIndex((part) => typeof part === "number");
  if (index < 1 || service.origins.has(path.join("."))) return undefined;
  const list = service.origins.get(path.slice(0, index).join("."));
  return list ? { file: list.file, path: [...list.path, ...path.slice(index)] } : undefined;
}

function waiver(exception: LocatedException): string {
  return `waived until ${exception.expires} (approved by ${exception.approvedBy}: ${exception.reason}): `;
}
