import { parentPort } from "node:worker_threads";
import { type RenderInput, renderJob, renderJobs } from "./render-repository.js";

/** The work the main thread hands a render worker, in its one message. */
export interface RenderWorkerData {
  input: RenderInput;
  /** Positions in renderJobs(input) this worker renders. */
  indices: number[];
  withObjects: boolean;
}

/** What a render worker sends back: one entry per index, or the failure. */
export type RenderWorkerResult =
  | { ok: true; files: { index: number; text: string; objects?: unknown[] }[] }
  | { ok: false; message: string };

// Runs only as a worker thread started by parallel-render.ts. The worker is
// started before its work is known (while the main thread still validates),
// so loading cdk8s here overlaps that; the work then arrives as one message.
if (parentPort) {
  const port = parentPort;
  port.once("message", ({ input, indices, withObjects }: RenderWorkerData) => {
    let result: RenderWorkerResult;
    try {
      const jobs = renderJobs(input);
      result = {
        ok: true,
        files: indices.map((index) => {
          const job = jobs[index];
          if (!job) throw new Error(`no render job ${index}`);
          const file = renderJob(job);
          return withObjects ? { index, text: file.text, objects: file.objects } : { index, text: file.text };
        }),
      };
    } catch (caught) {
      result = { ok: false, message: caught instanceof Error ? caught.message : String(caught) };
    }
    port.postMessage(result);
    port.close();
  });
}
