import { readdirSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { ToolError } from "./errors.js";

/** The environment variable `name` (IDP_POLICY_THREADS) when it is a whole number of at least 1. */
export function configuredThreads(name: string): number | undefined {
  const text = process.env[name];
  const configured = Number(text);
  return text !== undefined && Number.isInteger(configured) && configured >= 1 ? configured : undefined;
}

/** How many entries `services/` holds: a repository's size before anything is parsed. */
export function countServiceFolders(root: string): number {
  try {
    return readdirSync(path.join(root, "services")).length;
  } catch {
    return 0;
  }
}

/** A worker and how it ended, when it ended before its result. */
export interface StartedWorker {
  worker: Worker;
  ended: Promise<ToolError>;
}

/**
 * Starts the worker script at `url`, listening from the start: a worker that
 * fails while loading, before it has work, must fail the command, not leave it
 * waiting. Until it has work it does not keep the process alive (a command
 * that fails early exits). `what` names it in the error ("a render worker");
 * `workerData` is what the worker finds in worker_threads' `workerData`.
 */
export function startWorker(url: URL, what: string, workerData?: unknown): StartedWorker {
  const worker = new Worker(url, workerData === undefined ? {} : { workerData });
  worker.unref();
  const ended = new Promise<ToolError>((resolve) => {
    worker.once("error", (cause) => resolve(new ToolError(`${what} failed: ${cause.message}`, { cause })));
    worker.once("exit", (code) => resolve(new ToolError(`${what} stopped with exit code ${code}`)));
  });
  return { worker, ended };
}
