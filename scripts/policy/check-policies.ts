import type { ValuePath } from "../model/document.js";
import { Findings, type Pointer } from "../model/findings.js";
import { originOf } from "../model/merge.js";
import type { ResolvedService } from "../model/resolved.js";
import type { ValidatedRepository } from "../model/validate-repository.js";
import { type Diagnostic, warning } from "../report/diagnostic.js";
import { BUNDLE_WASM, readPolicyBundle } from "./bundle.js";
import { memoryFor, PolicyEngine, type PolicyFinding } from "./engine.js";
import { EXCEPTIONS_FILE, findException, type LocatedException, readExceptions } from "./exceptions.js";
import { buildPolicyInput, type ChangeContext } from "./input.js";
import { flaggedSecretValues } from "./secret-values.js";

/** What the policy stage found. */
export interface PolicyOutcome {
  diagnostics: Diagnostic[];
  /** Resolved (service, environment) pairs judged. */
  evaluated: number;
  /** Denials turned into warnings by an exception. */
  waived: number;
  /** The env values SEC004 flagged (waived or not): every output hides them (Redactor). */
  secrets: string[];
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
  const { bundle, diagnostics } = readPolicyBundle(policyRoot);
  if (!bundle) return { diagnostics, evaluated: 0, waived: 0, secrets: [] };
  const exceptions = readExceptions(policyRoot, repository.validators, bundle.rules, today);
  const servicesIn = new Map(
    repository.environments.map((e) => [e.name, repository.services.filter((s) => s.environment === e.name)]),
  );
  const largest = Math.max(0, ...[...servicesIn.values()].map((services) => services.length));
  const engine = PolicyEngine.load(bundle.wasm, BUNDLE_WASM, memoryFor(largest));
  const findings = new Findings([
    ...repository.documents.values(),
    ...(exceptions.document ? [exceptions.document] : []),
  ]);
  const used = new Set<number>();
  const secrets: string[] = [];
  let waived = 0;
  for (const environment of repository.environments) {
    const services = servicesIn.get(environment.name) ?? [];
    const input = buildPolicyInput(environment, repository.environments, repository.teams, services, {
      ...change,
      date: change.date ?? today,
    });
    const byName = new Map(services.map((s) => [s.name, s]));
    const evaluated = sortFindings(engine.evaluate(input));
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
      const scoped = finding.service !== undefined || target.file === environment.file;
      findings.add(
        finding.severity === "deny" && !exception ? "error" : "warning",
        `policy.${finding.rule}`,
        `${exception ? waiver(exception) : ""}${finding.message}${scoped ? " (in {env})" : ""}`,
        target,
        { environment: environment.name },
      );
    }
  }
  const unused = exceptions.entries
    .filter((entry) => !used.has(entry.index))
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
    diagnostics: [...diagnostics, ...exceptions.diagnostics, ...findings.diagnostics(), ...unused],
    evaluated: repository.services.length,
    waived,
    secrets: [...new Set(secrets)],
  };
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
    return originOf(service.origins, dotted) ?? { file, path: ["spec", ...finding.path] };
  }
  const file = finding.file ?? "";
  return { file, path: repository.documents.has(file) ? (finding.path as ValuePath) : [] };
}

function waiver(exception: LocatedException): string {
  return `waived until ${exception.expires} (approved by ${exception.approvedBy}: ${exception.reason}): `;
}
