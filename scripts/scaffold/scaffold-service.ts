import { existsSync } from "node:fs";
import { join } from "node:path";
import { today } from "../check-repository.js";
import { UsageError } from "../errors.js";
import { suggest } from "../model/environments.js";
import type { EnvironmentModel, TeamModel } from "../model/resolved.js";
import { explainInvalidServiceName } from "./service-name.js";
import { renderServiceTemplate, SERVICE_TYPES, type ServiceType } from "./service-template.js";
import { type AppliedChange, applyChange, type StagedChange, stageChange } from "./staged-change.js";

/** A new service, as asked for. */
export interface NewServiceRequest {
  name: string;
  team: string;
  type: ServiceType;
}

/** The file of a service, relative to the root. */
export function serviceFile(name: string): string {
  return `services/${name}/service.yaml`;
}

/** Refuses a name that is invalid or taken (UsageError, with the reason). */
export function checkServiceName(root: string, name: string): void {
  const invalid = explainInvalidServiceName(name);
  if (invalid) throw new UsageError(`"${name}" cannot be a service name: ${invalid}`);
  if (existsSync(join(root, "services", name)))
    throw new UsageError(
      `the service ${name} already exists (services/${name}/); choose another name, or edit ${serviceFile(name)}`,
    );
}

/** Refuses a team that does not exist, naming the closest one. */
export function checkTeam(team: string, teams: readonly TeamModel[]): void {
  if (teams.some((t) => t.name === team)) return;
  throw new UsageError(
    `the team "${team}" does not exist: ${suggest(
      team,
      teams.map((t) => t.name),
      "teams/",
    )}`,
  );
}

/** Refuses a type that is not web, worker or cron. */
export function parseServiceType(type: string): ServiceType {
  if ((SERVICE_TYPES as readonly string[]).includes(type)) return type as ServiceType;
  throw new UsageError(`--type must be one of ${SERVICE_TYPES.join(", ")}, got "${type}"`);
}

/** What scaffolding did: the staged check, and what was written when it passed. */
export interface ScaffoldOutcome {
  request: NewServiceRequest;
  file: string;
  text: string;
  staged: StagedChange;
  /** Undefined when the staged check refused the service (nothing was written). */
  applied?: AppliedChange;
}

/**
 * Writes a new service into `root`: renders its file from the template,
 * checks it on a copy of the repository (validate, policy as a change that
 * adds the service to every environment, render), and only when that passes
 * writes the file and the re-rendered manifests. A refusal leaves the
 * repository untouched.
 */
export async function scaffoldService(
  root: string,
  request: NewServiceRequest,
  environments: readonly EnvironmentModel[],
): Promise<ScaffoldOutcome> {
  const file = serviceFile(request.name);
  const text = renderServiceTemplate({ ...request, environments });
  const edits = new Map([[file, text]]);
  const staged = await stageChange(root, edits, {
    change: {
      files: [file],
      changedServices: Object.fromEntries(environments.map((e) => [e.name, [request.name]])),
      date: today(),
    },
  });
  if (!staged.tree) return { request, file, text, staged };
  return { request, file, text, staged, applied: applyChange(root, edits, staged.tree, staged.codeowners) };
}
