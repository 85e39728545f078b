import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { Worker } from "node:worker_threads";
import { ToolError } from "../errors.js";
import { JobQueue } from "../render/job-queue.js";
import {
  configuredThreads,
  countServiceFolders,
  type StartedWorker,
  startWorker,
} from "../worker-threads.js";
import { BUNDLE_WASM, uncheckedPolicyWasm } from "./bundle.js";
import type { PolicyOutcome, PreparedPolicies } from "./check-policies.js";
import { memoryFor, PolicyEngine, type PolicyFinding } from "./engine.js";
import { sharedInput, unshared } from "./input-bytes.js";
import type { PolicyWorkerMessage, PolicyWorkerReply } from "./policy-worker.js";

/**
 * Below this many services a worker (it starts a thread and compiles the
 * policy again) costs more than the evaluations it takes over.
 */
const PARALLEL_FROM = 200;

const workerUrl = new URL("./policy-worker.js", import.meta.url);

/** A policy stage under way: the worker evaluating, this thread free for other work until `finish`. */
export interface PolicyRun {
  /** How many evaluations the worker has sent back so far. */
  readonly workerEvaluations: number;
  /**
   * Evaluates here whatever the worker has not taken yet, waits for the
   * worker, and turns every finding into the outcome (as checkPolicies does).
   */
  finish(): Promise<PolicyOutcome>;
}

/**
 * A worker thread that evaluates the policy beside the main thread. Started
 * before its work is known (while the main thread loads and validates), so
 * that starting the thread and loading the wasm runtime overlap that work.
 * `idp plan` uses it to render what changed while the policy is evaluated.
 */
export class PolicyThread {
  private constructor(
    private readonly worker: Worker,
    private readonly ended: Promise<ToolError>,
  ) {}

  /**
   * A worker for the repository at `root`, or undefined. `threads` is how
   * many threads evaluate (IDP_POLICY_THREADS when not given): 1 is this one
   * only, 2 or more this one and the worker. Left to itself it starts the
   * worker only where it pays off: two cores or more, and a large repository
   * (judged by its service folders, before anything is parsed). Never from
   * TypeScript sources, where the compiled worker script does not exist.
   * With `preload`, the worker loads `root`'s compiled policy at once, with
   * memory for every service folder, so that it is ready (wasm compiled,
   * memory mapped) when the inputs come; it is used only if it is the very
   * policy `run` is given, with at least the memory that needs.
   */
  static start(
    root: string,
    threads = configuredThreads("IDP_POLICY_THREADS"),
    options: { preload?: boolean } = {},
  ): PolicyThread | undefined {
    const wanted = PolicyThread.wanted(root, threads);
    return wanted && PolicyThread.launch(root, wanted, options);
  }

  /** start once `wanted` has said yes: a worker of its own for `root`. */
  static launch(
    root: string,
    wanted: { services: number },
    options: { preload?: boolean } = {},
  ): PolicyThread {
    return PolicyThread.on(startWorker(workerUrl, "a policy worker"), root, wanted.services, options);
  }

  /**
   * Whether start would start a worker for `root`, and the service folders
   * it counted; undefined when it would not.
   */
  static wanted(
    root: string,
    threads = configuredThreads("IDP_POLICY_THREADS"),
  ): { services: number } | undefined {
    if (threads === 1 || !existsSync(fileURLToPath(workerUrl))) return undefined;
    const services = countServiceFolders(root);
    if (threads === undefined && (availableParallelism() < 2 || services < PARALLEL_FROM)) return undefined;
    return { services };
  }

  /**
   * A policy thread on a worker already started, that runs (or will run,
   * once it imports it) policy-worker.ts: the thread that read the committed
   * tree becomes one (committed-tree-worker.ts), instead of a second thread
   * starting beside it. `services` and `options` are start's.
   */
  static on(
    { worker, ended }: StartedWorker,
    root: string,
    services: number,
    options: { preload?: boolean } = {},
  ): PolicyThread {
    // `root`'s own policy, likely the one that judges: loaded while this thread validates.
    const wasm = options.preload ? uncheckedPolicyWasm(root) : undefined;
    if (wasm)
      worker.postMessage({ type: "load", wasm, memory: memoryFor(services) } satisfies PolicyWorkerMessage);
    return new PolicyThread(worker, ended);
  }

  /**
   * Hands the evaluations of `prepared` to the worker, one environment's
   * input at a time as this thread builds it (the worker starts on the first
   * while the next is built), and returns at once. A thread takes the next
   * environment when it is free (JobQueue): `finish` evaluates here what the
   * worker has not taken by then. One run per thread.
   */
  run(prepared: PreparedPolicies): PolicyRun {
    if ("outcome" in prepared) {
      this.close();
      return { workerEvaluations: 0, finish: async () => prepared.outcome };
    }
    const total = prepared.environments.length;
    const queue = JobQueue.create(total, 1);
    const results: (PolicyFinding[] | undefined)[] = new Array(total).fill(undefined);
    const worker = this.worker;
    let workerEvaluations = 0;
    const finished = new Promise<void>((resolve, reject) => {
      worker.on("message", (reply: PolicyWorkerReply) => {
        if (reply.type === "result") {
          results[reply.index] = reply.findings;
          workerEvaluations++;
        } else if (reply.type === "done") resolve();
        else
          reject(
            reply.internal
              ? new Error(`the policy worker failed: ${reply.message}`)
              : new ToolError(reply.message),
          );
      });
      void this.ended.then(reject);
    });
    finished.catch(() => undefined);
    const send = (message: PolicyWorkerMessage) => worker.postMessage(message);
    send({ type: "start", wasm: prepared.wasm, memory: prepared.memory, queue: queue.sharing });
    const inputs = prepared.environments.map((_, index) => {
      const bytes = sharedInput(prepared.input(index));
      send({ type: "input", index, bytes });
      return bytes;
    });
    return {
      get workerEvaluations() {
        return workerEvaluations;
      },
      finish: async () => {
        // Only now does it keep the process alive: a caller that fails before finishing exits.
        worker.ref();
        try {
          let engine: PolicyEngine | undefined;
          for (const index of queue.take()) {
            engine ??= PolicyEngine.load(prepared.wasm, BUNDLE_WASM, prepared.memory);
            results[index] = engine.evaluate(unshared(inputs[index] as SharedArrayBuffer));
          }
          await finished;
          return prepared.finish(
            results.map((found, index) => {
              if (!found) throw new Error(`no policy findings for environment ${index}`);
              return found;
            }),
          );
        } finally {
          this.close();
        }
      },
    };
  }

  /** Stops the worker (it is not needed, or its work is done). */
  close(): void {
    void this.worker.terminate();
  }
}
