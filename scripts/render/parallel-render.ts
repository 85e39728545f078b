import { existsSync, readdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Worker } from "node:worker_threads";
import { ToolError } from "../errors.js";
import { type StartedWorker, startWorker } from "../worker-threads.js";
import { JobQueue } from "./job-queue.js";
import type { KubeObject } from "./kube-object.js";
import {
  fileFromBytes,
  fileFromCommitted,
  fileFromStaged,
  type RenderedFile,
  type RenderedTree,
  type RenderInput,
  type RenderJob,
  renderJobs,
} from "./render-jobs.js";
import { inputFor } from "./render-subset.js";
import type { RenderWorkerData, RenderWorkerResult } from "./render-worker.js";
import { bytesAt } from "./utf8-chunks.js";
import { type StagedTree, writeStagedFile } from "./write/staged.js";
import type { CommittedContent } from "./write/tree.js";

/** Below this many files, starting a worker (it loads cdk8s again) costs more than it saves. */
const PARALLEL_FROM = 400;

/** Jobs a thread takes at a time: about 10 ms of work, small enough to balance the threads. */
const CHUNK = 16;

const workerUrl = new URL("./render-worker.js", import.meta.url);

/** How to render. */
export interface ParallelOptions {
  /**
   * Threads that render, this one included; 1 renders here only.
   * @default the cores available, up to 4 (IDP_RENDER_THREADS overrides)
   */
  threads?: number;
  /** Also return each file's objects (for --verify), not only its text. @default false */
  withObjects?: boolean;
  /**
   * Files not to render, by path: committed files whose render key did not
   * change, kept as they are (see trusted-files.ts). Only the
   * other jobs are rendered and only their count decides the threads.
   * @default none: every file is rendered
   */
  reuse?: ReadonlyMap<string, CommittedContent>;
  /**
   * Workers started earlier with {@link startRenderWorkers}; used instead of
   * starting new ones, and stopped when the render needs fewer. A render
   * of too few files to share still hands them all to one of them (it has
   * loaded cdk8s meanwhile), with only what they read (render-subset.ts).
   * @default none: workers are started here when the tree is large enough
   */
  workers?: RenderWorkers;
  /**
   * Write each file, as it is rendered, into this staged tree, with its key
   * file (its key from `keys`, by path under `manifests/`), in the thread
   * that rendered it: a first render's writing then overlaps its rendering
   * (see write/staged.ts). The tree's files are then read from there.
   * @default none: the rendered texts are returned and written later
   */
  stage?: { tree: StagedTree; keys: ReadonlyMap<string, string> };
}

/**
 * Render workers started before their work is known: each loads cdk8s
 * (about 0.3 s) while the main thread still loads and validates the
 * repository, instead of after it.
 */
export class RenderWorkers {
  private constructor(private idle: StartedWorker[]) {}

  /** Starts `count` workers (none from TypeScript sources, where the worker script does not exist). */
  static start(count: number): RenderWorkers {
    if (count < 1 || !existsSync(fileURLToPath(workerUrl))) return new RenderWorkers([]);
    return new RenderWorkers(Array.from({ length: count }, () => startWorker(workerUrl, "a render worker")));
  }

  /** Workers started elsewhere (a committed-tree reader that becomes a render worker). */
  static of(started: StartedWorker[]): RenderWorkers {
    return new RenderWorkers(started);
  }

  /** How many workers are started and not taken yet. */
  get size(): number {
    return this.idle.length;
  }

  /** Hands over up to `count` workers; the caller sends each its work. */
  take(count: number): StartedWorker[] {
    return this.idle.splice(0, count);
  }

  /** Stops the workers not taken. */
  close(): void {
    for (const started of this.take(this.idle.length)) void started.worker.terminate();
  }
}

/**
 * Starts the workers a render of the repository at `root` will want, judged
 * by a cheap count (service folders × environment files) before anything is
 * parsed: none for a small repository.
 */
export function startRenderWorkers(root: string, threads = defaultThreads()): RenderWorkers {
  return RenderWorkers.start(threads > 1 && estimateFiles(root) >= PARALLEL_FROM ? threads - 1 : 0);
}

function estimateFiles(root: string): number {
  const count = (folder: string, keep: (name: string) => boolean) => {
    try {
      return readdirSync(path.join(root, folder)).filter(keep).length;
    } catch {
      return 0;
    }
  };
  return count("services", () => true) * count("environments", (name) => name.endsWith(".yaml"));
}

/** A render under way: worker threads already at work, this thread yet to join them. */
export interface RenderInProgress {
  /** Renders here too until no job is left, waits for the workers, and assembles the tree in output order. */
  finish(): Promise<RenderedTree>;
  /** Stops the workers (their output is not wanted: an earlier stage failed); resolves once they stopped writing. */
  cancel(): Promise<void>;
}

/**
 * Starts rendering the tree across threads: each (service, environment) is
 * independent, so the cdk8s work splits over the cores. Workers start now
 * (or were started earlier) and take jobs from a shared queue, which
 * balances the threads; this thread is free for other stages (policy) until
 * `finish`, where it takes from the same queue. The tree is byte-identical to
 * renderRepository's: the same jobs, assembled in the same order. Small
 * trees, and runs from TypeScript sources (tests), render in this thread only.
 */
export function startRender(input: RenderInput, options: ParallelOptions = {}): RenderInProgress {
  const jobs = renderJobs(input);
  const withObjects = options.withObjects ?? false;
  const reuse = options.reuse ?? new Map<string, CommittedContent>();
  // The positions in `jobs` to render; the queue hands out positions in this list.
  const only = jobs.flatMap((job, index) => (reuse.has(job.path) ? [] : [index]));
  const threads = Math.max(1, Math.min(options.threads ?? defaultThreads(), Math.ceil(only.length / 50)));
  const parallel =
    threads > 1 && (options.threads !== undefined || only.length >= PARALLEL_FROM) ? threads - 1 : 0;
  // A few files and a worker started early (it has loaded cdk8s meanwhile):
  // the worker renders them all and this thread need not load cdk8s at all.
  const handOff = parallel === 0 && only.length > 0 && (options.workers?.size ?? 0) > 0;
  const wanted = handOff ? 1 : parallel;
  const started = options.workers ?? RenderWorkers.start(wanted);
  const workers = started.take(wanted);
  started.close();
  const queue = JobQueue.create(only.length, CHUNK);
  // Only what rendering needs crosses to the workers: structured cloning is
  // paid per field, and a service's origins (where each setting was set) are
  // for diagnostics only.
  // A hand-off renders a few service files: only what they read crosses.
  const sent = handOff ? subsetFor(input, jobs, only) : undefined;
  const sentInput = sent?.input ?? input;
  // No worker (everything trusted, or a small tree): nothing to copy.
  const data: RenderInput = {
    environments: sentInput.environments,
    teams: sentInput.teams,
    services:
      workers.length > 0 ? sentInput.services.map((service) => ({ ...service, origins: new Map() })) : [],
  };
  const stage = options.stage;
  const running = workers.map((worker) =>
    runWorker(worker, {
      input: data,
      queue: queue.sharing,
      withObjects,
      only: sent?.only ?? only,
      ...(stage ? { stage } : {}),
    }),
  );
  // A worker's job indexes are into renderJobs(data): those of `jobs` they are.
  const jobIndex = (index: number) => (sent ? (sent.jobIndex[index] ?? -1) : index);
  for (const worker of running) worker.result.catch(() => undefined);
  return {
    async finish() {
      const rendered = new Map<number, RenderedFile>();
      jobs.forEach((job, index) => {
        const committed = reuse.get(job.path);
        if (committed) rendered.set(index, fileFromCommitted(committed));
      });
      // Loaded only now (and only when there is something to render): until
      // here this thread validated and ran policy while the workers, which
      // loaded cdk8s meanwhile, rendered.
      if (only.length > 0 && !handOff) {
        const { renderJob } = await import("./render-repository.js");
        for (const position of queue.take()) {
          const index = only[position] as number;
          const job = jobs[index] as RenderJob;
          const file = renderJob(job);
          if (stage) {
            writeStagedFile(stage.tree, job.path, file.text, stage.keys.get(job.path));
            rendered.set(index, fileFromStaged(stage.tree, job.path, withObjects ? file.objects : []));
          }
          // Objects kept until the end survive into the old generation, which
          // makes every garbage collection on the way dearer: keep them only when wanted.
          else rendered.set(index, withObjects ? file : { text: file.text, objects: [] });
        }
      }
      for (const result of await Promise.all(running.map((w) => w.result))) {
        result.indexes.map(jobIndex).forEach((index, i) => {
          const objects = (result.objects?.[i] ?? []) as KubeObject[];
          const job = jobs[index];
          if (stage && job) {
            rendered.set(index, fileFromStaged(stage.tree, job.path, objects));
            return;
          }
          const place = result.places[i];
          if (!place) throw new ToolError(`a render worker sent no bytes for ${job?.path}`);
          rendered.set(index, fileFromBytes(bytesAt(result.buffers, place), objects));
        });
      }
      const files = new Map<string, RenderedFile>();
      jobs.forEach((job, index) => {
        const file = rendered.get(index);
        if (!file) throw new ToolError(`no thread rendered ${job.path}`);
        files.set(job.path, file);
      });
      return { files, environments: input.environments.map((e) => e.name) };
    },
    async cancel() {
      await Promise.all(running.map(({ worker }) => worker.terminate()));
    },
  };
}

/**
 * What a worker is sent to render `only` (positions in `jobs`, service files)
 * from the part of `input` they read (inputFor): that input, the positions
 * of the same files in its own jobs, and for each of its jobs the index in
 * `jobs` of the same file. Undefined when a platform file is among them.
 */
function subsetFor(
  input: RenderInput,
  jobs: readonly RenderJob[],
  only: readonly number[],
): { input: RenderInput; only: number[]; jobIndex: number[] } | undefined {
  const subset = inputFor(
    input,
    only.map((index) => jobs[index] as RenderJob),
  );
  if (!subset) return undefined;
  const indexByPath = new Map(jobs.map((job, index) => [job.path, index]));
  const jobIndex = renderJobs(subset).map((job) => indexByPath.get(job.path) ?? -1);
  const positionOf = new Map(jobIndex.map((index, position) => [index, position]));
  return { input: subset, only: only.map((index) => positionOf.get(index) ?? -1), jobIndex };
}

function defaultThreads(): number {
  const configured = Number(process.env.IDP_RENDER_THREADS);
  if (process.env.IDP_RENDER_THREADS !== undefined && Number.isInteger(configured) && configured >= 1)
    return configured;
  return Math.min(availableParallelism(), 4);
}

interface RunningWorker {
  worker: Worker;
  result: Promise<Extract<RenderWorkerResult, { ok: true }>>;
}

function runWorker({ worker, ended }: StartedWorker, data: RenderWorkerData): RunningWorker {
  const answered = new Promise<RenderWorkerResult>((resolve) => worker.once("message", resolve));
  const result = Promise.race([answered, ended.then((failure) => Promise.reject(failure))]).then(
    (message) => {
      if (!message.ok) throw new ToolError(message.message);
      return message;
    },
  );
  worker.ref();
  worker.postMessage(data);
  return { worker, result };
}

/** Renders the whole tree across threads and waits for it (startRender, then finish). */
export function renderRepositoryInParallel(
  input: RenderInput,
  options: ParallelOptions = {},
): Promise<RenderedTree> {
  return startRender(input, options).finish();
}
