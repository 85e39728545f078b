import { parentPort, workerData } from "node:worker_threads";
import { ToolError } from "../errors.js";
import { type ByteSpace, type ReadCommittedOptions, readCommittedTree } from "./committed-tree.js";
import { renderVersion } from "./render-version.js";
import { bytesAt, Utf8Chunks, type Utf8Place } from "./utf8-chunks.js";
import type { EntryKind, FileIdentity } from "./write/tree.js";

/** What the worker is given: the repository whose `manifests/` it reads. */
export interface CommittedTreeWorkerData {
  root: string;
  options: ReadCommittedOptions;
  /**
   * What to become once read: a render worker (render-worker.ts: load cdk8s
   * and wait for the render's one message) or a policy worker
   * (policy-worker.ts). One thread reads and then works, instead of two
   * starting at once and competing with the main thread while it validates.
   */
  becomes?: "render" | "policy";
  /** Also read the key files committed at the merge base of this ref (base-key-files.ts), with git meanwhile. */
  base?: string;
}

/** The base's key files as read (by path under `manifests/`), or why they could not be: a ToolError's message is the user's to see. */
export type BaseKeyFilesResult =
  | { texts: [path: string, text: string][] }
  | { failed: string; tool: boolean };

/**
 * What it sends back: per file its path, its identity, and where its bytes
 * are in `buffers` (transferred, not copied) or, for a manifest, their
 * digest; or the failure.
 */
export type CommittedTreeWorkerResult =
  | {
      ok: true;
      files: [path: string, identity: FileIdentity, read: Utf8Place | string][];
      buffers: ArrayBuffer[];
      listing?: [path: string, kind: EntryKind][];
      /** renderVersion(), worked out here: reading the render code's sources is off the main thread too. */
      renderVersion: string;
      baseKeyFiles?: BaseKeyFilesResult;
    }
  | { ok: false; message: string };

// Runs only as a worker thread started by reading-committed-tree.ts: reading and
// hashing the committed manifests (tens of MiB for 1,000 services) happens
// on another core while the main thread validates and runs policy.
if (parentPort) {
  const port = parentPort;
  const data = workerData as CommittedTreeWorkerData;
  // git's processes work while this thread reads the tree.
  const base = data.base === undefined ? undefined : baseKeyFiles(data.root, data.base);
  const read = readTree(data);
  const result = read.ok && base ? { ...read, baseKeyFiles: await base } : read;
  port.postMessage(result, result.ok ? result.buffers : []);
  // The next messages wait in the port until the worker imported listens for them.
  if (data.becomes === "render" && result.ok) await import("./render-worker.js");
  else if (data.becomes === "policy" && result.ok) await import("../policy/policy-worker.js");
  else port.close();
}

async function baseKeyFiles(root: string, base: string): Promise<BaseKeyFilesResult> {
  try {
    // Loaded only for --base: git's wrapper is not a cost of every read.
    const { readBaseKeyFiles } = await import("./base-key-files.js");
    return { texts: [...(await readBaseKeyFiles(root, base))] };
  } catch (caught) {
    return {
      failed: caught instanceof Error ? caught.message : String(caught),
      tool: caught instanceof ToolError,
    };
  }
}

function readTree({ root, options }: CommittedTreeWorkerData): CommittedTreeWorkerResult {
  try {
    // Files are read straight into the buffers that are transferred.
    const chunks = new Utf8Chunks();
    const places = new WeakMap<Uint8Array, Utf8Place>();
    const space: ByteSpace = {
      reserve: (size) => chunks.reserve(size),
      keep: (length) => {
        const place = chunks.keep(length);
        const bytes = bytesAt(chunks.buffers, place);
        places.set(bytes, place);
        return bytes;
      },
    };
    const files: Extract<CommittedTreeWorkerResult, { ok: true }>["files"] = [];
    const tree = readCommittedTree(root, options, space);
    for (const [path, file] of tree.files) {
      if (file.sha256 !== undefined) {
        files.push([path, file.identity, file.sha256]);
        continue;
      }
      const place = places.get(file.bytes);
      if (!place) throw new Error(`no place for ${path}`);
      files.push([path, file.identity, place]);
    }
    const listing = tree.listing ? { listing: [...tree.listing] } : {};
    return { ok: true, files, buffers: chunks.buffers, ...listing, renderVersion: renderVersion() };
  } catch (caught) {
    return { ok: false, message: caught instanceof Error ? caught.message : String(caught) };
  }
}
