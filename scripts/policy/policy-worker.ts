import { parentPort } from "node:worker_threads";
import { ToolError } from "../errors.js";
import { JobQueue, type SharedJobQueue } from "../render/job-queue.js";
import { BUNDLE_WASM } from "./bundle.js";
import { PolicyEngine, type PolicyFinding } from "./engine.js";
import { unshared } from "./input-bytes.js";

/**
 * What the main thread sends a policy worker: maybe `load` as soon as it
 * starts (the policy the work will most likely use), then `start`, then each
 * environment's input as it is built.
 */
export type PolicyWorkerMessage =
  | { type: "load"; wasm: Uint8Array; memory: { initial: number; maximum: number } }
  | {
      type: "start";
      wasm: Uint8Array;
      memory: { initial: number; maximum: number };
      /** The positions of the inputs, handed out to whichever thread is free (see JobQueue). */
      queue: SharedJobQueue;
    }
  | { type: "input"; index: number; bytes: SharedArrayBuffer };

/** What a policy worker sends back: each evaluation it took, then `done`; or the failure. */
export type PolicyWorkerReply =
  | { type: "result"; index: number; findings: PolicyFinding[] }
  | { type: "done" }
  | { type: "failed"; message: string; internal: boolean };

/**
 * `load`'s policy, loaded and its memory mapped (nothing to evaluate yet);
 * undefined when it does not load: `start` then loads what it is given.
 */
function preload({ wasm, memory }: Extract<PolicyWorkerMessage, { type: "load" }>) {
  try {
    const engine = PolicyEngine.load(wasm, BUNDLE_WASM, memory);
    engine.touchMemory();
    return { engine, wasm, initial: memory.initial };
  } catch {
    return undefined;
  }
}

// Runs only as a worker thread started by policy-threads.ts. It is started
// before its work is known, so loading the wasm runtime overlaps the main
// thread's loading and validating; the inputs then arrive one by one.
if (parentPort) {
  const port = parentPort;
  let engine: PolicyEngine | undefined;
  // What `load` loaded, kept until `start` says what to evaluate with.
  let loaded: ReturnType<typeof preload>;
  let take: Generator<number> | undefined;
  let claimed: number | undefined;
  const inputs = new Map<number, SharedArrayBuffer>();
  const work = () => {
    if (!engine || !take) return;
    for (;;) {
      if (claimed === undefined) {
        const next = take.next();
        if (next.done) {
          // The main thread stops the worker once it has every result.
          port.postMessage({ type: "done" } satisfies PolicyWorkerReply);
          return;
        }
        claimed = next.value;
      }
      const bytes = inputs.get(claimed);
      // Taken before the main thread built it: wait for its message.
      if (!bytes) return;
      inputs.delete(claimed);
      const findings = engine.evaluate(unshared(bytes));
      port.postMessage({ type: "result", index: claimed, findings } satisfies PolicyWorkerReply);
      claimed = undefined;
    }
  };
  port.on("message", (message: PolicyWorkerMessage) => {
    try {
      if (message.type === "load") {
        loaded = preload(message);
      } else if (message.type === "start") {
        // What was loaded early serves if it is this very policy with at least this much memory.
        const reuse =
          loaded &&
          loaded.initial >= message.memory.initial &&
          Buffer.from(loaded.wasm).equals(Buffer.from(message.wasm));
        engine =
          reuse && loaded ? loaded.engine : PolicyEngine.load(message.wasm, BUNDLE_WASM, message.memory);
        loaded = undefined;
        take = new JobQueue(message.queue).take();
        // The first input is still being built, on the main thread: map the evaluation's memory meanwhile.
        if (!reuse) engine.touchMemory();
      } else {
        inputs.set(message.index, message.bytes);
      }
      work();
    } catch (caught) {
      const reply: PolicyWorkerReply = {
        type: "failed",
        message: caught instanceof Error ? caught.message : String(caught),
        internal: !(caught instanceof ToolError),
      };
      port.postMessage(reply);
    }
  });
}
