import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { ToolError } from "../errors.js";
import { type Graph, type GraphLayout, layoutGraph } from "./graph-layout.js";
import { type PortalHistory, readServiceHistory } from "./history.js";
import type { PortalTask, PortalTaskResult } from "./portal-worker.js";

const workerUrl = new URL("./portal-worker.js", import.meta.url);

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/**
 * The portal's second thread: reads the service history and lays out the
 * graphs while the main thread checks the repository and writes pages, so on
 * two cores the build takes about the longer of the two, not their sum. From
 * TypeScript sources (tests), where the worker script does not exist, the
 * same work runs in this thread.
 */
export class PortalThread {
  readonly #worker: Worker | undefined;
  readonly #pending = new Map<number, Pending>();
  #next = 0;
  #failure: ToolError | undefined;

  private constructor(worker: Worker | undefined) {
    this.#worker = worker;
    if (!worker) return;
    // Only a task under way keeps the process alive: a command that fails before asking anything exits.
    worker.unref();
    worker.on("message", (result: PortalTaskResult) => {
      const pending = this.#pending.get(result.id);
      this.#pending.delete(result.id);
      if (result.ok) pending?.resolve(result.value);
      else pending?.reject(new ToolError(result.message));
      if (this.#pending.size === 0) worker.unref();
    });
    worker.once("error", (cause) =>
      this.#fail(new ToolError(`the portal worker failed: ${cause.message}`, { cause })),
    );
    worker.once("exit", (code) =>
      this.#fail(new ToolError(`the portal worker stopped with exit code ${code}`)),
    );
  }

  /** Starts the worker thread: it loads its modules while the caller goes on. */
  static start(): PortalThread {
    return new PortalThread(existsSync(fileURLToPath(workerUrl)) ? new Worker(workerUrl) : undefined);
  }

  /** readServiceHistory of `root`, in the worker. */
  history(root: string): Promise<PortalHistory | undefined> {
    if (!this.#worker) return readServiceHistory(root);
    return this.#ask({ kind: "history", root }) as Promise<PortalHistory | undefined>;
  }

  /** Each graph laid out (layoutGraph), in order, in the worker. */
  layout(graphs: Graph[]): Promise<GraphLayout[]> {
    if (!this.#worker) return Promise.resolve(graphs.map(layoutGraph));
    return this.#ask({ kind: "layout", graphs }) as Promise<GraphLayout[]>;
  }

  /** Stops the worker; what it has not answered yet fails. */
  async close(): Promise<void> {
    await this.#worker?.terminate();
  }

  #ask(task: { kind: "history"; root: string } | { kind: "layout"; graphs: Graph[] }): Promise<unknown> {
    if (this.#failure) return Promise.reject(this.#failure);
    const worker = this.#worker as Worker;
    const id = this.#next++;
    const answer = new Promise<unknown>((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    worker.ref();
    worker.postMessage({ ...task, id } satisfies PortalTask);
    return answer;
  }

  #fail(failure: ToolError): void {
    this.#failure ??= failure;
    for (const pending of this.#pending.values()) pending.reject(failure);
    this.#pending.clear();
  }
}
