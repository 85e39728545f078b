import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ToolError } from "../errors.js";
import { type StartedWorker, startWorker } from "../worker-threads.js";
import {
  type CommittedFiles,
  type CommittedTree,
  type ReadCommittedOptions,
  readCommittedTree,
} from "./committed-tree.js";
import type { CommittedTreeWorkerData, CommittedTreeWorkerResult } from "./committed-tree-worker.js";
import { RenderWorkers } from "./parallel-render.js";
import { bytesAt } from "./utf8-chunks.js";

const workerUrl = new URL("./committed-tree-worker.js", import.meta.url);

/** A read of the committed tree under way (see {@link startReadingCommittedTree}). */
export interface CommittedTreeReading {
  /** The tree as read. */
  result(): Promise<CommittedTree>;
  /** Stops the read: its result is not wanted (an earlier stage failed). */
  cancel(): void;
  /**
   * With `becomes: "render"`, the worker that read, become a render worker once it
   * has read (it loads cdk8s meanwhile); none from TypeScript sources.
   */
  workers: RenderWorkers;
  /** With `becomes: "policy"`, the worker that read, become a policy worker (PolicyThread.on); none from TypeScript sources. */
  policyWorker?: StartedWorker;
}

/**
 * Starts reading and hashing the committed manifests and key files of
 * `root` (readCommittedTree, with `options`) in a worker thread, so that on a second core
 * it overlaps loading, validating and policy on this one: for 1,000
 * services that is about 77 MiB read and hashed, 0.5 s of CPU. With
 * `becomes`, the same thread then becomes a render worker (`workers`) or a
 * policy worker (`policyWorker`): one thread reads, then loads cdk8s or the
 * policy, instead of two doing both at once while the main thread
 * validates (on two cores, a third busy thread slows it, and starting a
 * thread costs 0.1-0.2 s of CPU).
 * From TypeScript sources (tests), where the worker script does not exist,
 * the tree is read in this thread when the result is asked for.
 */
export function startReadingCommittedTree(
  root: string,
  options: ReadCommittedOptions = {},
  also: { becomes?: "render" | "policy"; base?: string } = {},
): CommittedTreeReading {
  const { becomes, base } = also;
  if (!existsSync(fileURLToPath(workerUrl))) {
    return {
      result: async () => ({
        ...readCommittedTree(root, options),
        ...(base === undefined
          ? {}
          : { baseKeyFiles: await (await import("./base-key-files.js")).readBaseKeyFiles(root, base) }),
      }),
      cancel: () => {},
      workers: RenderWorkers.start(0),
    };
  }
  const data: CommittedTreeWorkerData = {
    root,
    options,
    ...(becomes === undefined ? {} : { becomes }),
    ...(base === undefined ? {} : { base }),
  };
  const started = startWorker(workerUrl, "the worker reading the committed manifests", data);
  const { worker } = started;
  const answered = new Promise<CommittedTree>((resolve, reject) => {
    void started.ended.then(reject);
    worker.once("message", (message: CommittedTreeWorkerResult) => {
      if (!message.ok) {
        reject(new ToolError(`reading the committed manifests failed: ${message.message}`));
        return;
      }
      const files: CommittedFiles = new Map();
      for (const [path, identity, read] of message.files) {
        files.set(
          path,
          typeof read === "string"
            ? { identity, sha256: read }
            : { bytes: bytesAt(message.buffers, read), identity },
        );
      }
      const { listing, renderVersion, baseKeyFiles } = message;
      if (baseKeyFiles && "failed" in baseKeyFiles) {
        // The base's own message (not in this clone, no common commit...), as the main thread would give it.
        reject(baseKeyFiles.tool ? new ToolError(baseKeyFiles.failed) : new Error(baseKeyFiles.failed));
        return;
      }
      resolve({
        ...(baseKeyFiles ? { baseKeyFiles: new Map(baseKeyFiles.texts) } : {}),
        files,
        renderVersion,
        ...(listing ? { listing: new Map(listing) } : {}),
      });
    });
  });
  answered.catch(() => undefined);
  return {
    result: async () => {
      worker.ref();
      try {
        return await answered;
      } finally {
        // Kept alive from here only by a render it is given.
        worker.unref();
      }
    },
    cancel: () => void worker.terminate(),
    workers: RenderWorkers.of(becomes === "render" ? [started] : []),
    ...(becomes === "policy" ? { policyWorker: started } : {}),
  };
}
