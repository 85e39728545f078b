import type { Findings } from "./findings.js";
import { originOf } from "./merge.js";
import type { ResolvedService, TeamModel } from "./resolved.js";
import { isSecretReference, splitSecretReference } from "./secret-reference.js";

/**
 * The secret store path prefixes a team may read: its `secretPrefixes`, or
 * `<team>/` when it lists none. Each ends in '/', so `pay/` never grants
 * `payments/`.
 */
export function secretPrefixesOf(team: TeamModel): string[] {
  return team.spec.secretPrefixes ? [...team.spec.secretPrefixes] : [`${team.name}/`];
}

/**
 * True when the store path of `reference` (`path#key`) lies under one of
 * `prefixes`: `path/` starts with the prefix, so the prefix `payments/stripe/`
 * also allows the path `payments/stripe` itself.
 */
export function isWithinPrefixes(reference: string, prefixes: readonly string[]): boolean {
  const { path } = splitSecretReference(reference);
  return prefixes.some((prefix) => `${path}/`.startsWith(prefix));
}

/**
 * Refuses a `secrets` reference outside the owning team's prefixes: a
 * service of storefront asking for `payments/stripe#api_key` would otherwise
 * have payments' secret written into storefront's namespace. Reported on the
 * reference's line (in the service file or its override); the reference
 * itself is a store path, never a value, so it is safe to print. Malformed
 * references are left to `checkSecrets`.
 */
export function checkSecretScope(service: ResolvedService, team: TeamModel, findings: Findings): void {
  const prefixes = secretPrefixesOf(team);
  for (const [name, reference] of Object.entries(service.secrets)) {
    if (!isSecretReference(reference) || isWithinPrefixes(reference, prefixes)) continue;
    const { path } = splitSecretReference(reference);
    findings.error(
      "resolve.secret-scope",
      `secrets.${name} reads ${path}, outside what team ${team.name} may read (${prefixes.join(", ")}) in {env}`,
      originOf(service.origins, `secrets.${name}`) ?? { file: service.file, path: ["spec", "secrets", name] },
      {
        environment: service.environment,
        hint: `use a secret under ${prefixes.join(" or ")}; if ${team.name} must share it, the platform team adds its prefix to secretPrefixes in ${team.file} (and grants it to the team's role in the secret store)`,
      },
    );
  }
}

/**
 * Refuses a team's `alerts.slackWebhook` outside its own prefixes, as
 * {@link checkSecretScope} does for services: the ExternalSecret `alerting`
 * in the team's namespaces would otherwise copy another team's secret there
 * and route the team's alerts through it. Reported on the reference's line
 * in the team file; a reference is a store path, never a value.
 */
export function checkAlertingSecretScope(team: TeamModel, findings: Findings): void {
  const webhook = team.spec.alerts?.slackWebhook;
  if (webhook === undefined || !isSecretReference(webhook)) return;
  const prefixes = secretPrefixesOf(team);
  if (isWithinPrefixes(webhook, prefixes)) return;
  const { path } = splitSecretReference(webhook);
  findings.error(
    "resolve.secret-scope",
    `alerts.slackWebhook reads ${path}, outside what team ${team.name} may read (${prefixes.join(", ")})`,
    { file: team.file, path: ["spec", "alerts", "slackWebhook"] },
    {
      hint: `keep the team's webhook under ${prefixes.join(" or ")}; if ${team.name} must share it, the platform team adds its prefix to secretPrefixes in ${team.file} (and grants it to the team's role in the secret store)`,
    },
  );
}
