import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type CheckedRepository, checkRepository, today as todayUtc } from "../check-repository.js";
import { type CostReport, costRepository, type ServiceCost } from "../cost/cost.js";
import { ToolError } from "../errors.js";
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
import { type PortalHistory, readServiceHistory, redactHistory } from "./history.js";
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
  /** The services that call this one in some environment, by name. */
  calledBy: string[];
  /** The policy findings about its file. */
  findings: Diagnostic[];
  /** Its monthly cost in each environment it runs in. */
  costs: ServiceCost[];
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
  history?: PortalHistory;
  links?: RepositoryLinks;
  /** Production readiness, by service then environment (`idp scorecard`). */
  scorecards: Map<string, Map<string, Scorecard>>;
  /** Monthly cost per service, team and environment (`idp cost`). */
  costs: CostReport;
  /** Hides what the policy judged a credential (SEC004) in manifests and history. */
  redactor: Redactor;
}

/**
 * The repository checked (load → schema → resolve → policy) and everything
 * around it the portal shows. `history` is the service history read earlier
 * (readServiceHistory, which needs no checked repository: it can run while
 * the check does); it is read here when not given.
 */
export async function collectPortal(
  root: string,
  checked: CheckedRepository,
  history: Promise<PortalHistory | undefined> = readServiceHistory(root),
): Promise<PortalModel> {
  const today = todayUtc();
  const environments = orderByPromotion(checked.environments);
  const teams = [...checked.teams].sort((a, b) => compareNames(a.name, b.name));
  const redactor = new Redactor(checked.policy?.secrets ?? []);
  const changes = await history;
  const links = repositoryLinks(environments);
  const scorecards = new Map<string, Map<string, Scorecard>>();
  for (const card of scoreCheckedRepository(checked).scorecards) {
    const byEnvironment = scorecards.get(card.service) ?? new Map<string, Scorecard>();
    byEnvironment.set(card.environment, card);
    scorecards.set(card.service, byEnvironment);
  }
  const findings = checked.diagnostics.filter((d) => d.code.startsWith("policy."));
  const costs = costRepository(checked.services, environments, checked.teams);
  return {
    root,
    today,
    environments,
    teams,
    services: groupServices(checked.services, environments, findings, costs),
    findings,
    exceptions: exceptionsInForce(root, checked, today),
    rules: readPolicyRules(root),
    ...(changes ? { history: redactHistory(changes, redactor) } : {}),
    ...(links ? { links } : {}),
    scorecards,
    costs,
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

/**
 * The resolved services grouped by name, each with what its page lists from
 * the whole repository (callers, findings, costs) looked up once here: a
 * search per page would cost a pass over every service for each of them.
 */
function groupServices(
  resolved: readonly ResolvedService[],
  environments: readonly EnvironmentModel[],
  findings: readonly Diagnostic[],
  costs: CostReport,
): PortalService[] {
  const order = new Map(environments.map((e, i) => [e.name, i]));
  const byName = new Map<string, PortalService>();
  const sorted = [...resolved].sort(
    (a, b) => (order.get(a.environment) ?? 0) - (order.get(b.environment) ?? 0),
  );
  const callers = new Map<string, Set<string>>();
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
        calledBy: [],
        findings: [],
        costs: [],
      };
      byName.set(service.name, entry);
    }
    entry.byEnvironment.set(service.environment, service);
    for (const callee of service.calls) {
      const set = callers.get(callee) ?? new Set<string>();
      set.add(service.name);
      callers.set(callee, set);
    }
  }
  const byFile = new Map([...byName.values()].map((s) => [s.file, s]));
  for (const finding of findings) byFile.get(finding.file)?.findings.push(finding);
  for (const cost of costs.services) byName.get(cost.service)?.costs.push(cost);
  for (const [callee, names] of callers) {
    const entry = byName.get(callee);
    if (entry) entry.calledBy = [...names].sort(compareNames);
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

/** A service's committed manifests by environment, as UTF-8 bytes; undefined where none is rendered yet. */
export type ServiceManifests = ReadonlyMap<string, Buffer | undefined>;

/**
 * The manifests `idp render` committed for a service in each environment it
 * runs in (credentials hidden). Read off this thread (the I/O threads), so
 * reading the next services' overlaps building this one's page.
 */
export async function readServiceManifests(
  model: PortalModel,
  service: PortalService,
): Promise<ServiceManifests> {
  const read = async (environment: string): Promise<[string, Buffer | undefined]> => {
    const path = join(model.root, manifestPath(environment, service.name));
    try {
      const bytes = await readFile(path);
      return [
        environment,
        model.redactor.empty ? bytes : Buffer.from(model.redactor.text(bytes.toString("utf8"))),
      ];
    } catch (caught) {
      if ((caught as NodeJS.ErrnoException).code === "ENOENT") return [environment, undefined];
      throw new ToolError(
        `cannot read ${manifestPath(environment, service.name)}: ${(caught as Error).message}`,
        { cause: caught },
      );
    }
  };
  return new Map(await Promise.all([...service.byEnvironment.keys()].map(read)));
}

/** The path of that manifest from the repository root. */
export function manifestPath(environment: string, service: string): string {
  return `${manifestsDirName}/${environment}/${service}/${MANIFEST_FILE}`;
}
