import { parentPort } from "node:worker_threads";
import { type Graph, layoutGraph } from "./graph-layout.js";
import { readServiceHistory } from "./history.js";

/** A task the main thread hands the portal's worker thread. */
export type PortalTask =
  | { id: number; kind: "history"; root: string }
  | { id: number; kind: "layout"; graphs: Graph[] };

/** The answer to a task, by its id: its value, or why it failed. */
export type PortalTaskResult =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; message: string };

// Runs only as the worker thread portal-thread.ts starts. The history (git and
// a replay of the configuration) and the graph layout (dagre) need nothing
// from each other or from the pages, so they run here while the main thread
// checks the repository and writes the pages.
if (parentPort) {
  const port = parentPort;
  port.on("message", (task: PortalTask) => {
    run(task).then(
      (value) => port.postMessage({ id: task.id, ok: true, value } satisfies PortalTaskResult),
      (caught: unknown) =>
        port.postMessage({
          id: task.id,
          ok: false,
          message: caught instanceof Error ? caught.message : String(caught),
        } satisfies PortalTaskResult),
    );
  });
}

async function run(task: PortalTask): Promise<unknown> {
  if (task.kind === "history") return readServiceHistory(task.root);
  return task.graphs.map(layoutGraph);
}
