import { parentPort } from "node:worker_threads";
import { JobQueue } from "../render/job-queue.js";
import { discoveredPaths, readRepositoryFile } from "./load.js";
import type { ParsedFile, ParseWorkerMessage } from "./parse-threads.js";

// Runs only as a worker thread started by parse-threads.ts: it reads and
// parses the files it takes from the shared queue with the very function the
// main thread uses (same `yaml` library, same options, same checks), and
// sends back what the loader keeps of each. Started before discovery, so
// loading this module overlaps it.
if (parentPort) {
  const port = parentPort;
  port.once("message", (message: ParseWorkerMessage) => {
    const status = new Int32Array(message.status);
    try {
      const checked = discoveredPaths(message.files);
      const queue = new JobQueue(message.queue);
      for (const index of queue.take()) {
        const file = message.files[index] as string;
        const result = readRepositoryFile(message.root, file, {}, checked);
        const parsed: ParsedFile = { index, diagnostics: result.diagnostics };
        if (result.text !== undefined) parsed.text = result.text;
        if (result.document !== undefined) parsed.value = result.document.value;
        message.results.postMessage(parsed);
        // After the message is queued: the main thread reads it once it sees the count.
        Atomics.add(status, 0, 1);
        Atomics.notify(status, 0);
      }
    } catch (caught) {
      Atomics.store(status, 1, 1);
      Atomics.notify(status, 0);
      throw caught;
    }
  });
}
