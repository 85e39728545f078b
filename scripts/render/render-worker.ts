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

/**
 * What a render worker sends back, or the failure: per job it took, its
 * index and the length of its text, and all the texts joined into one string.
 * Structured cloning costs per string: one string of 10 MB crosses in a few
 * milliseconds, thousands of files' texts took about 0.2 s in each thread.
 */
export type RenderWorkerResult =
  | { ok: true; indexes: number[]; lengths: number[]; texts: string; objects?: unknown[][] }
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
    const indexes: number[] = [];
    const lengths: number[] = [];
    const texts: string[] = [];
    const objects: unknown[][] = [];
    for (const index of new JobQueue(queue).take()) {
      const job = jobs[index];
      if (!job) throw new Error(`no render job ${index}`);
      const file = renderJob(job);
      indexes.push(index);
      lengths.push(file.text.length);
      texts.push(file.text);
      if (withObjects) objects.push(file.objects);
    }
    return { ok: true, indexes, lengths, texts: texts.join(""), ...(withObjects ? { objects } : {}) };
  } catch (caught) {
    return { ok: false, message: caught instanceof Error ? caught.message : String(caught) };
  }
}
