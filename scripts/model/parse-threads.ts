import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import { JobQueue, type SharedJobQueue } from "../render/job-queue.js";
import type { Diagnostic } from "../report/diagnostic.js";
import { configuredThreads } from "../worker-threads.js";
import { acceptedDocument, type ParseResult } from "./parse-yaml.js";

/** Files handed out at a time: few atomic operations, and the two threads still finish together. */
const CHUNK = 4;

/** A worker that has made no progress for this long has failed: stop waiting for it. */
const STALL_MS = 60_000;

const workerUrl = new URL("./parse-worker.js", import.meta.url);

/** What the main thread sends a parse worker, once: the files, and where to take from and report to. */
export interface ParseWorkerMessage {
  root: string;
  files: string[];
  queue: SharedJobQueue;
  /** Int32 0: files the worker has sent back; Int32 1: 1 once the worker failed. */
  status: SharedArrayBuffer;
  results: MessagePort;
}

/** What a parse worker sends back per file: the parse result without `locate`, which cannot cross threads. */
export interface ParsedFile {
  index: number;
  diagnostics: Diagnostic[];
  text?: string;
  /** Present when the file was accepted. */
  value?: unknown;
}

/** The results of one parse, in the order of its files, and how many of them the worker parsed. */
export interface ParsedFiles {
  results: ParseResult[];
  onWorker: number;
}

/**
 * A worker thread that reads and parses configuration files beside the main
 * thread while a repository loads (YAML parsing is most of what a large
 * repository's validation costs). Both threads run readRepositoryFile, the
 * same reader and parser with the same options: what the worker accepts is
 * exactly what the main thread would. The loader stays synchronous: the
 * main thread parses its share, then waits for the worker's in shared
 * memory and takes its messages off the port without the event loop.
 */
export class ParseThread {
  private constructor(private readonly worker: Worker) {}

  /**
   * A worker for loading a repository, or undefined. `threads`
   * is how many threads parse (IDP_PARSE_THREADS when not given): 2 or more
   * is this one and the worker. Off unless asked for: on the shared 2-core
   * machine it was measured on, a second parsing thread did not make
   * `validate` or `plan` of 1,000 services faster (the policy worker of
   * `idp plan` already takes the other core), so the default stays one
   * thread until a quiet machine says otherwise. Never from TypeScript
   * sources, where the compiled worker script does not exist.
   */
  static start(threads = configuredThreads("IDP_PARSE_THREADS")): ParseThread | undefined {
    if (threads === undefined || threads < 2 || !existsSync(fileURLToPath(workerUrl))) return undefined;
    const worker = new Worker(workerUrl);
    // It never keeps the process alive: the main thread waits for it synchronously.
    worker.unref();
    worker.on("error", () => undefined); // reported through the shared status instead
    return new ParseThread(worker);
  }

  /**
   * Parses `files` (root-relative) on both threads, each taking the next few
   * when it is free, and stops the worker. `parseHere` is the main thread's
   * reader. `workerOnly` leaves every file to the worker (tests: every
   * result crosses the thread boundary).
   */
  parse(
    root: string,
    files: string[],
    parseHere: (file: string) => ParseResult,
    workerOnly = false,
  ): ParsedFiles {
    const results: (ParseResult | undefined)[] = new Array(files.length).fill(undefined);
    const queue = JobQueue.create(files.length, CHUNK);
    const status = new Int32Array(new SharedArrayBuffer(8));
    const { port1, port2 } = new MessageChannel();
    try {
      const message: ParseWorkerMessage = {
        root,
        files,
        queue: queue.sharing,
        status: status.buffer as SharedArrayBuffer,
        results: port2,
      };
      this.worker.postMessage(message, [port2]);
      let here = 0;
      if (!workerOnly) {
        for (const index of queue.take()) {
          results[index] = parseHere(files[index] as string);
          here++;
        }
      }
      waitFor(status, files.length - here);
      for (let received = receiveMessageOnPort(port1); received; received = receiveMessageOnPort(port1)) {
        const parsed = received.message as ParsedFile;
        results[parsed.index] = fromWorker(files[parsed.index] as string, parsed);
      }
      return {
        results: results.map((result, index) => {
          if (!result) throw new Error(`the parse worker sent nothing for ${files[index]}`);
          return result;
        }),
        onWorker: files.length - here,
      };
    } finally {
      port1.close();
      void this.worker.terminate();
    }
  }
}

/** Blocks until the worker has sent back `count` files; throws when it failed or stalled. */
function waitFor(status: Int32Array, count: number): void {
  let done = Atomics.load(status, 0);
  let since = Date.now();
  while (done < count) {
    if (Atomics.load(status, 1) === 1) throw new Error("the parse worker failed");
    if (Date.now() - since > STALL_MS) throw new Error(`the parse worker stalled after ${done} files`);
    Atomics.wait(status, 0, done, 1000);
    const now = Atomics.load(status, 0);
    if (now !== done) since = Date.now();
    done = now;
  }
}

function fromWorker(file: string, parsed: ParsedFile): ParseResult {
  const result: ParseResult = { diagnostics: parsed.diagnostics };
  if (parsed.text !== undefined) result.text = parsed.text;
  if ("value" in parsed && parsed.text !== undefined)
    result.document = acceptedDocument(file, parsed.text, parsed.value);
  return result;
}
