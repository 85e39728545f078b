import { parentPort } from "node:worker_threads";
import { JobQueue, type SharedJobQueue } from "./job-queue.js";
import { type RenderInput, renderJobs } from "./render-jobs.js";
import { renderJob } from "./render-repository.js";

/** The work the main thread hands a render worker, in its one message. */
export interface RenderWorkerData {
  input: RenderInput;
  /** The queue of positions in renderJobs(input) that every rendering thread takes from. */
  queue: SharedJobQueue;
  withObjects: boolean;
}

/** What a render worker sends back: one entry per job it took, or the failure. */
export type RenderWorkerResult =
  | { ok: true; files: { index: number; text: string; objects?: unknown[] }[] }
  | { ok: false; message: string };

// Runs only as a worker thread started by parallel-render.ts. The worker is
// started before its work is known (while the main thread still validates),
// so loading cdk8s here overlaps that; the work then arrives as one message.
if (parentPort) {
  const port = parentPort;
  port.once("message", (data: RenderWorkerData) => {
    port.postMessage(render(data));
    port.close();
  });
}

function render({ input, queue, withObjects }: RenderWorkerData): RenderWorkerResult {
  try {
    const jobs = renderJobs(input);
    const files: { index: number; text: string; objects?: unknown[] }[] = [];
    for (const index of new JobQueue(queue).take()) {
      const job = jobs[index];
      if (!job) throw new Error(`no render job ${index}`);
      const file = renderJob(job);
      files.push(
        withObjects ? { index, text: file.text, objects: file.objects } : { index, text: file.text },
      );
    }
    return { ok: true, files };
  } catch (caught) {
    return { ok: false, message: caught instanceof Error ? caught.message : String(caught) };
  }
}
