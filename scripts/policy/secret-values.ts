import type { EnvironmentModel, ResolvedService, TeamModel } from "../model/resolved.js";
import { BUNDLE_WASM, readPolicyBundle } from "./bundle.js";
import { memoryFor, PolicyEngine, type PolicyFinding } from "./engine.js";
import { buildPolicyInput } from "./input.js";

/** The rule that judges plain-text credentials in `env`; what it flags is redacted in every output. */
export const SECRET_RULE = "SEC004";

/**
 * The plain-text values the policy flagged as credentials among `findings`:
 * for each SEC004 finding (denied or waived alike), the string at its path
 * in the resolved service (`["env", KEY]`, `["sidecars", 0, "env", KEY]`). Redaction is driven by these and
 * nothing else, so what is hidden is exactly what the policy judged a
 * credential: there is no second detector to disagree with it.
 */
export function flaggedSecretValues(
  findings: readonly PolicyFinding[],
  services: ReadonlyMap<string, ResolvedService>,
): string[] {
  const values: string[] = [];
  for (const finding of findings) {
    if (finding.rule !== SECRET_RULE || finding.path.length < 2) continue;
    const value = valueAt(services.get(finding.service ?? ""), finding.path);
    if (typeof value === "string" && value !== "") values.push(value);
  }
  return values;
}

/** The value at a key path of a resolved service, walking only its own fields. */
function valueAt(service: ResolvedService | undefined, path: readonly (string | number)[]): unknown {
  let value: unknown = service;
  for (const part of path) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}

/** What findSecretValues evaluates: one side of a change, resolved. */
export interface SecretScope {
  environments: readonly EnvironmentModel[];
  teams: readonly TeamModel[];
  services: readonly ResolvedService[];
}

/**
 * The credentials SEC004 finds in `scope`, judged by the compiled policy of
 * `policyRoot`: `idp plan` asks this of the base, whose values show in the
 * removed lines of a diff. Without a loadable bundle it finds nothing (the
 * head's own judgement reports the broken bundle).
 */
export function findSecretValues(policyRoot: string, scope: SecretScope): string[] {
  const { bundle } = readPolicyBundle(policyRoot);
  if (!bundle || scope.services.length === 0) return [];
  const largest = Math.max(
    0,
    ...scope.environments.map((e) => scope.services.filter((s) => s.environment === e.name).length),
  );
  const engine = PolicyEngine.load(bundle.wasm, BUNDLE_WASM, memoryFor(largest));
  const values: string[] = [];
  for (const environment of scope.environments) {
    const services = scope.services.filter((s) => s.environment === environment.name);
    if (services.length === 0) continue;
    const input = buildPolicyInput(environment, scope.environments, scope.teams, services, {});
    values.push(...flaggedSecretValues(engine.evaluate(input), new Map(services.map((s) => [s.name, s]))));
  }
  return values;
}
