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
} from "./render-repository.js";
import type { RenderWorkerData, RenderWorkerResult } from "./render-worker.js";

/** Below this many files, starting a worker (it loads cdk8s again) costs more than it saves. */
const PARALLEL_FROM = 400;

/** How to render. */
export interface ParallelOptions {
  /**
   * Threads that render, this one included; 1 renders here only.
   * @default the cores available, up to 4 (IDP_RENDER_THREADS overrides)
   */
  threads?: number;
  /** Also return each file's objects (for --verify), not only its text. @default false */
  withObjects?: boolean;
}

/** A render under way: worker threads already at work, this thread's share still to do. */
export interface RenderInProgress {
  /** Renders this thread's share, waits for the workers, and assembles the tree in output order. */
  finish(): Promise<RenderedTree>;
  /** Stops the workers: their output is not wanted (an earlier stage failed). */
  cancel(): void;
}

/**
 * Starts rendering the tree across threads: each (service, environment) is
 * independent, so the cdk8s work splits over the cores. Workers start now;
 * this thread is free for other stages (policy) until `finish`, which renders
 * its own share. The tree is byte-identical to renderRepository's: the same
 * jobs, assembled in the same order. Small trees, and runs from TypeScript
 * sources (tests), render in this thread only.
 */
export function startRender(input: RenderInput, options: ParallelOptions = {}): RenderInProgress {
  const jobs = renderJobs(input);
  const withObjects = options.withObjects ?? false;
  const workerUrl = new URL("./render-worker.js", import.meta.url);
  const threads = Math.max(1, Math.min(options.threads ?? defaultThreads(), Math.ceil(jobs.length / 50)));
  const parallel =
    threads > 1 &&
    (options.threads !== undefined || jobs.length >= PARALLEL_FROM) &&
    existsSync(fileURLToPath(workerUrl));
  const shareOf = (thread: number, count: number) =>
    jobs.map((_, i) => i).filter((i) => i % count === thread);
  // Only what rendering needs crosses to the workers (the caller may pass a richer object).
  const data: RenderInput = {
    environments: input.environments,
    teams: input.teams,
    services: input.services,
  };
  const running = parallel
    ? Array.from({ length: threads - 1 }, (_, w) =>
        runWorker(workerUrl, { input: data, indices: shareOf(w + 1, threads), withObjects }),
      )
    : [];
  for (const worker of running) worker.result.catch(() => undefined);
  const own = parallel ? shareOf(0, threads) : jobs.map((_, i) => i);
  return {
    async finish() {
      const rendered = new Map<number, RenderedFile>();
      for (const index of own) {
        const job = jobs[index];
        if (job) rendered.set(index, renderJob(job));
      }
      for (const result of await Promise.all(running.map((w) => w.result))) {
        for (const file of result)
          rendered.set(file.index, { text: file.text, objects: (file.objects ?? []) as KubeObject[] });
      }
      const files = new Map<string, RenderedFile>();
      jobs.forEach((job, index) => {
        files.set(job.path, rendered.get(index) ?? renderJob(job));
      });
      return { files, environments: input.environments.map((e) => e.name) };
    },
    cancel() {
      for (const worker of running) void worker.worker.terminate();
    },
  };
}

function defaultThreads(): number {
  const configured = Number(process.env.IDP_RENDER_THREADS);
  if (process.env.IDP_RENDER_THREADS !== undefined && Number.isInteger(configured) && configured >= 1)
    return configured;
  return Math.min(availableParallelism(), 4);
}

interface RunningWorker {
  worker: Worker;
  result: Promise<{ index: number; text: string; objects?: unknown[] }[]>;
}

function runWorker(url: URL, data: RenderWorkerData): RunningWorker {
  const worker = new Worker(url, { workerData: data });
  const result = new Promise<{ index: number; text: string; objects?: unknown[] }[]>((resolve, reject) => {
    worker.once("message", (message: RenderWorkerResult) => {
      if (message.ok) resolve(message.files);
      else reject(new ToolError(message.message));
    });
    worker.once("error", (cause) =>
      reject(new ToolError(`a render worker failed: ${cause.message}`, { cause })),
    );
    worker.once("exit", (code) => {
      if (code !== 0) reject(new ToolError(`a render worker stopped with exit code ${code}`));
    });
  });
  return { worker, result };
}

/** Renders the whole tree across threads and waits for it (startRender, then finish). */
export function renderRepositoryInParallel(
  input: RenderInput,
  options: ParallelOptions = {},
): Promise<RenderedTree> {
  return startRender(input, options).finish();
}
