import { parentPort } from "node:worker_threads";
import { JobQueue, type SharedJobQueue } from "./job-queue.js";
import { type RenderInput, renderJobs } from "./render-jobs.js";
import { renderJob } from "./render-repository.js";
import { Utf8Chunks, type Utf8Place } from "./utf8-chunks.js";
import { type StagedTree, writeStagedFile } from "./write/staged.js";

/** The work the main thread hands a render worker, in its one message. */
export interface RenderWorkerData {
  input: RenderInput;
  /** The queue of positions in renderJobs(input) that every rendering thread takes from. */
  queue: SharedJobQueue;
  withObjects: boolean;
  /** The positions in renderJobs(input) to render: the queue hands out positions in this list. */
  only: number[];
  /** Write each file into this staged tree with its key file instead of sending its bytes (ParallelOptions.stage). */
  stage?: { tree: StagedTree; keys: ReadonlyMap<string, string> };
}

/**
 * What a render worker sends back, or the failure: per job it took, its
 * index and where its text's UTF-8 bytes are in `buffers`, which are
 * transferred, not copied (see Utf8Chunks); with `stage`, no bytes (the
 * worker wrote them).
 */
export type RenderWorkerResult =
  | { ok: true; indexes: number[]; places: Utf8Place[]; buffers: ArrayBuffer[]; objects?: unknown[][] }
  | { ok: false; message: string };

// Runs only as a worker thread started by parallel-render.ts. The worker is
// started before its work is known (while the main thread still validates),
// so loading cdk8s here overlaps that; the work then arrives as one message.
if (parentPort) {
  const port = parentPort;
  port.once("message", (data: RenderWorkerData) => {
    const result = render(data);
    port.postMessage(result, result.ok ? result.buffers : []);
    port.close();
  });
}

function render({ input, queue, withObjects, only, stage }: RenderWorkerData): RenderWorkerResult {
  try {
    const jobs = renderJobs(input);
    const indexes: number[] = [];
    const places: Utf8Place[] = [];
    const chunks = new Utf8Chunks();
    const objects: unknown[][] = [];
    for (const position of new JobQueue(queue).take()) {
      const index = only[position] as number;
      const job = jobs[index];
      if (!job) throw new Error(`no render job ${index}`);
      const file = renderJob(job);
      indexes.push(index);
      if (stage) writeStagedFile(stage.tree, job.path, file.text, stage.keys.get(job.path));
      else places.push(chunks.add(file.text));
      if (withObjects) objects.push(file.objects);
    }
    return { ok: true, indexes, places, buffers: chunks.buffers, ...(withObjects ? { objects } : {}) };
  } catch (caught) {
    return { ok: false, message: caught instanceof Error ? caught.message : String(caught) };
  }
}
