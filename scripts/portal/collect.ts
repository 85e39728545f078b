import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type AuditEvent, auditHistory } from "../audit/audit.js";
import { describeEvent } from "../audit/format.js";
import { type CheckedRepository, checkRepository, today as todayUtc } from "../check-repository.js";
import { type CostReport, costRepository } from "../cost/cost.js";
import { compareNames, orderByPromotion } from "../model/environments.js";
import type { EnvironmentModel, ResolvedService, TeamModel } from "../model/resolved.js";
import { readPolicyBundle } from "../policy/bundle.js";
import { readExceptionLimits } from "../policy/exception-limits.js";
import { PLAN_RULES, readExceptions } from "../policy/exceptions.js";
import { MANIFEST_FILE } from "../render/render-jobs.js";
import { manifestsDirName } from "../render/write/tree.js";
import type { Diagnostic } from "../report/diagnostic.js";
import { Redactor } from "../report/redact.js";
import { type Scorecard, scoreCheckedRepository } from "../scorecard/scorecard.js";
import { type PolicyRule, readPolicyRules } from "./policy-rules.js";
import { type RepositoryLinks, repositoryLinks } from "./repository-links.js";

/** One service across environments: what every page about it reads. */
export interface PortalService {
  name: string;
  team: string;
  tier: ResolvedService["tier"];
  type: ResolvedService["type"];
  description: string;
  file: string;
  /** The service as resolved in each environment it is enabled in. */
  byEnvironment: Map<string, ResolvedService>;
}

/** An exception in force, with the days left until it expires (0 on its last day). */
export interface PortalException {
  rule: string;
  target: string;
  environments?: string[];
  reason: string;
  approvedBy: string;
  expires: string;
  daysLeft: number;
}

/** One change from the audit history, as a page lists it. */
export interface PortalChange {
  sha: string;
  date: string;
  author: string;
  pr: number | null;
  subject: string;
  /** The environments the change touched alike, in promotion order. */
  environments: string[];
  what: string;
}

/** Everything the portal shows, gathered once from the repository and its history. */
export interface PortalModel {
  root: string;
  today: string;
  environments: EnvironmentModel[];
  teams: TeamModel[];
  services: PortalService[];
  /** Policy findings (errors none: the portal is built from a valid repository), credentials hidden. */
  findings: Diagnostic[];
  exceptions: PortalException[];
  rules: PolicyRule[];
  /** Newest first, per service; undefined when the root is not a git repository. */
  history?: Map<string, PortalChange[]>;
  links?: RepositoryLinks;
  /** Production readiness, by service then environment (`idp scorecard`). */
  scorecards: Map<string, Map<string, Scorecard>>;
  /** Monthly cost per service, team and environment (`idp cost`). */
  costs: CostReport;
  /** Hides what the policy judged a credential (SEC004) in manifests and history. */
  redactor: Redactor;
}

/** How many changes a service page lists. */
export const CHANGES_PER_SERVICE = 10;

/** The repository checked (load → schema → resolve → policy) and everything around it the portal shows. */
export async function collectPortal(root: string, checked: CheckedRepository): Promise<PortalModel> {
  const today = todayUtc();
  const environments = orderByPromotion(checked.environments);
  const teams = [...checked.teams].sort((a, b) => compareNames(a.name, b.name));
  const redactor = new Redactor(checked.policy?.secrets ?? []);
  const history = await readHistory(root, redactor);
  const links = repositoryLinks(environments);
  const scorecards = new Map<string, Map<string, Scorecard>>();
  for (const card of scoreCheckedRepository(checked).scorecards) {
    const byEnvironment = scorecards.get(card.service) ?? new Map<string, Scorecard>();
    byEnvironment.set(card.environment, card);
    scorecards.set(card.service, byEnvironment);
  }
  return {
    root,
    today,
    environments,
    teams,
    services: groupServices(checked.services, environments),
    findings: checked.diagnostics.filter((d) => d.code.startsWith("policy.")),
    exceptions: exceptionsInForce(root, checked, today),
    rules: readPolicyRules(root),
    ...(history ? { history } : {}),
    ...(links ? { links } : {}),
    scorecards,
    costs: costRepository(checked.services, environments, checked.teams),
    redactor,
  };
}

/** A service's level in the last environment it runs in (production, in promotion order): what the catalog shows. */
export function productionLevel(model: PortalModel, service: PortalService): Scorecard["level"] | undefined {
  const last = [...service.byEnvironment.keys()].pop();
  return last === undefined ? undefined : model.scorecards.get(service.name)?.get(last)?.level;
}

/** checkRepository, re-exported so the command runs the same pipeline as validate. */
export { checkRepository };

function groupServices(
  resolved: readonly ResolvedService[],
  environments: readonly EnvironmentModel[],
): PortalService[] {
  const order = new Map(environments.map((e, i) => [e.name, i]));
  const byName = new Map<string, PortalService>();
  const sorted = [...resolved].sort(
    (a, b) => (order.get(a.environment) ?? 0) - (order.get(b.environment) ?? 0),
  );
  for (const service of sorted) {
    let entry = byName.get(service.name);
    if (!entry) {
      entry = {
        name: service.name,
        team: service.team,
        tier: service.tier,
        type: service.type,
        description: service.description,
        file: service.file,
        byEnvironment: new Map(),
      };
      byName.set(service.name, entry);
    }
    entry.byEnvironment.set(service.environment, service);
  }
  return [...byName.values()].sort((a, b) => compareNames(a.name, b.name));
}

function exceptionsInForce(root: string, checked: CheckedRepository, today: string): PortalException[] {
  const bundle = readPolicyBundle(root).bundle;
  if (!bundle) return [];
  const found = readExceptions(root, checked.validators, {
    rules: new Set([...bundle.rules, ...PLAN_RULES]),
    today,
    targetRoot: root,
    approvers: checked.teams.find((t) => t.name === "platform")?.spec.members ?? [],
    maxDays: readExceptionLimits(root).maxDays,
  });
  return found.entries.map((e) => ({
    rule: e.rule,
    target: e.target,
    ...(e.environments ? { environments: e.environments } : {}),
    reason: e.reason,
    approvedBy: e.approvedBy,
    expires: e.expires,
    daysLeft: Math.round((Date.parse(e.expires) - Date.parse(today)) / 86_400_000),
  }));
}

/** The audit timeline per service, or undefined outside a git repository (a copy, an export). */
async function readHistory(
  root: string,
  redactor: Redactor,
): Promise<Map<string, PortalChange[]> | undefined> {
  if (!existsSync(join(root, ".git"))) return undefined;
  const timeline = await auditHistory({ root });
  if (timeline.kind !== "timeline") return undefined;
  const byService = new Map<string, PortalChange[]>();
  for (const event of timeline.events) {
    const list = byService.get(event.service) ?? [];
    const change = toChange(event, redactor);
    // One commit that changed several environments alike is one row.
    const same = list.find((c) => c.sha === change.sha && c.what === change.what);
    if (same) same.environments.push(...change.environments);
    else if (list.length < CHANGES_PER_SERVICE) list.push(change);
    byService.set(event.service, list);
  }
  return byService;
}

function toChange(event: AuditEvent, redactor: Redactor): PortalChange {
  const { commit } = event;
  return {
    sha: commit.sha,
    date: commit.date.slice(0, 10),
    author: commit.author.login ?? (commit.author.name.trim() || commit.author.email),
    pr: commit.pr,
    subject: redactor.text(commit.subject),
    environments: [event.environment],
    what: redactor.text(describeEvent(event)),
  };
}

/** The manifest `idp render` committed for a service in an environment (credentials hidden), if any. */
export function committedManifest(
  model: PortalModel,
  environment: string,
  service: string,
): string | undefined {
  const path = join(model.root, manifestsDirName, environment, service, MANIFEST_FILE);
  if (!existsSync(path)) return undefined;
  return model.redactor.text(readFileSync(path, "utf8"));
}

/** The path of that manifest from the repository root. */
export function manifestPath(environment: string, service: string): string {
  return `${manifestsDirName}/${environment}/${service}/${MANIFEST_FILE}`;
}
