import { ToolError } from "../errors.js";
import type { EnvironmentModel, ResolvedService, TeamModel } from "../model/resolved.js";
import type { RenderContext } from "./context.js";
import type { KubeObject } from "./kube-object.js";
import { renderPlatform } from "./platform/platform-chart.js";
import { serializeObjects } from "./serialize.js";
import { renderService } from "./service/service-chart.js";

/** The folder under `manifests/<env>/` that holds an environment's own objects. */
export const PLATFORM_FOLDER = "_platform";

/** The one file each (service, environment) and each environment's platform objects are written to. */
export const MANIFEST_FILE = "manifest.yaml";

/** One rendered file: its objects, and their YAML. */
export interface RenderedFile {
  objects: KubeObject[];
  text: string;
}

/** What rendering a repository gives: files keyed by their path under `manifests/`. */
export interface RenderedTree {
  files: Map<string, RenderedFile>;
  environments: string[];
}

/** The resolved repository, as much of it as rendering needs. */
export interface RenderInput {
  environments: readonly EnvironmentModel[];
  teams: readonly TeamModel[];
  services: readonly ResolvedService[];
}

/** One file to render: an environment's platform objects, or one service in one environment. */
export interface RenderJob {
  path: string;
  context: RenderContext;
  /** Absent for the environment's platform file. */
  service?: ResolvedService;
}

/**
 * Every file of the tree, in output order: per environment (promotion
 * order) its platform file, then its services in file order. Serial and
 * parallel rendering walk this same list, so both give the same tree.
 */
export function renderJobs(input: RenderInput): RenderJob[] {
  const jobs: RenderJob[] = [];
  for (const environment of input.environments) {
    const services = input.services.filter((s) => s.environment === environment.name);
    const context: RenderContext = { environment, services, teams: input.teams };
    jobs.push({ path: `${environment.name}/${PLATFORM_FOLDER}/${MANIFEST_FILE}`, context });
    for (const service of services) {
      jobs.push({ path: `${environment.name}/${service.name}/${MANIFEST_FILE}`, context, service });
    }
  }
  return jobs;
}

/** Renders one file of the tree. */
export function renderJob(job: RenderJob): RenderedFile {
  const { service, context } = job;
  const objects = service ? guarded(service, () => renderService(service, context)) : renderPlatform(context);
  return { objects, text: serializeObjects(objects) };
}

/**
 * Renders every (service, environment) and every environment's platform
 * objects, in this thread. One file per (service, environment),
 * `manifests/<env>/<service>/manifest.yaml`, so Argo CD's directory generator
 * sees one application per service and a change to one service touches one
 * file. Output order and bytes depend only on the input.
 */
export function renderRepository(input: RenderInput): RenderedTree {
  const files = new Map<string, RenderedFile>();
  for (const job of renderJobs(input)) files.set(job.path, renderJob(job));
  return { files, environments: input.environments.map((e) => e.name) };
}

// A construct that throws is a bug in the platform, never bad input (validate ran first): say where.
function guarded(service: ResolvedService, render: () => KubeObject[]): KubeObject[] {
  try {
    return render();
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ToolError(`rendering ${service.name} in ${service.environment} failed: ${reason}`, { cause });
  }
}
