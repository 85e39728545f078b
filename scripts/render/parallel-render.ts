import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { ToolError } from "../errors.js";
import type { KubeObject } from "./kube-object.js";
import {
  type RenderedFile,
  type RenderedTree,
  type RenderInput,
  renderJob,
  renderJobs,
  renderRepository,
} from "./render-repository.js";
import type { RenderWorkerData, RenderWorkerResult } from "./render-worker.js";

/** Below this many files, starting workers (each loads cdk8s) costs more than it saves. */
const PARALLEL_FROM = 400;

/** How to render. */
export interface ParallelOptions {
  /** Worker threads; 0 renders in this thread. @default the cores available, up to 4 (IDP_RENDER_WORKERS overrides) */
  workers?: number;
  /** Also return each file's objects (for --verify), not only its text. @default false */
  withObjects?: boolean;
}

/**
 * Renders the tree across worker threads: each (service, environment) is
 * independent, so the cdk8s work splits cleanly over the cores while this
 * thread is free for other stages (policy runs meanwhile). The result is
 * byte-identical to renderRepository: the same jobs, assembled in the same
 * order. Small trees, or a run from TypeScript sources (tests), render here.
 */
export async function renderRepositoryInParallel(
  input: RenderInput,
  options: ParallelOptions = {},
): Promise<RenderedTree> {
  const jobs = renderJobs(input);
  const workerUrl = new URL("./render-worker.js", import.meta.url);
  const workers = Math.min(options.workers ?? defaultWorkers(), Math.ceil(jobs.length / 50));
  if (
    workers <= 0 ||
    (options.workers === undefined && jobs.length < PARALLEL_FROM) ||
    !existsSync(fileURLToPath(workerUrl))
  ) {
    return renderRepository(input);
  }
  // Interleaved shares balance the load: neighbouring jobs have similar cost.
  const shares = Array.from({ length: workers }, (_, w) =>
    jobs.map((_, i) => i).filter((i) => i % workers === w),
  );
  // Only the data rendering needs crosses to the workers (the caller may pass a richer object).
  const data: RenderInput = {
    environments: input.environments,
    teams: input.teams,
    services: input.services,
  };
  const withObjects = options.withObjects ?? false;
  const results = await Promise.all(
    shares.map((indices) => runWorker(workerUrl, { input: data, indices, withObjects })),
  );
  const rendered = new Map<number, RenderedFile>();
  for (const result of results) {
    for (const file of result)
      rendered.set(file.index, { text: file.text, objects: (file.objects ?? []) as KubeObject[] });
  }
  const files = new Map<string, RenderedFile>();
  jobs.forEach((job, index) => {
    files.set(job.path, rendered.get(index) ?? renderJob(job));
  });
  return { files, environments: input.environments.map((e) => e.name) };
}

function defaultWorkers(): number {
  const configured = Number(process.env.IDP_RENDER_WORKERS);
  if (process.env.IDP_RENDER_WORKERS !== undefined && Number.isInteger(configured) && configured >= 0)
    return configured;
  return Math.min(availableParallelism(), 4);
}

function runWorker(
  url: URL,
  data: RenderWorkerData,
): Promise<{ index: number; text: string; objects?: unknown[] }[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(url, { workerData: data });
    worker.once("message", (result: RenderWorkerResult) => {
      if (result.ok) resolve(result.files);
      else reject(new ToolError(result.message));
    });
    worker.once("error", (cause) =>
      reject(new ToolError(`a render worker failed: ${cause.message}`, { cause })),
    );
    worker.once("exit", (code) => {
      if (code !== 0) reject(new ToolError(`a render worker exited with code ${code}`));
    });
  });
}
