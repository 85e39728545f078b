import { ToolError } from "../errors.js";
import type { ResolvedService } from "../model/resolved.js";
import type { KubeObject } from "./kube-object.js";
import { renderPlatform } from "./platform/platform-chart.js";
import {
  type RenderedFile,
  type RenderedTree,
  type RenderInput,
  type RenderJob,
  renderJobs,
} from "./render-jobs.js";
import { serializeObjects } from "./serialize.js";
import { renderService } from "./service/service-chart.js";

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
