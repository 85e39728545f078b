import { createHash } from "node:crypto";
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  type Stats,
} from "node:fs";
import { join } from "node:path";
import { ToolError } from "../errors.js";
import { identityOf, ReadCache, type Remembered } from "./read-cache.js";
import { RENDER_KEY_FILE } from "./render-index.js";
import { MANIFEST_FILE } from "./render-jobs.js";
import { acquireRenderLock } from "./write/lock.js";
import {
  type EntryKind,
  type FileIdentity,
  type ListFolder,
  listFolder,
  manifestsDirName,
  readTree,
  sha256,
} from "./write/tree.js";

/**
 * One file of the committed tree as read: the identity it had, and either
 * its bytes or, for a manifest, only their sha256. A manifest's bytes are
 * hashed through one reused buffer and not kept: for 1,000 services that is
 * 77 MiB that would otherwise be paged in, handed across threads and held
 * (readCommittedBytes reads one again when it is needed after all).
 */
export type CommittedFile =
  | { bytes: Uint8Array; identity: FileIdentity; sha256?: undefined }
  | { bytes?: undefined; identity: FileIdentity; sha256: string };

/** The files of each `manifests/<env>/<folder>/` that deciding what to render reads. */
const READ = [MANIFEST_FILE, RENDER_KEY_FILE] as const;

/** The files read, by path under `manifests/` (`dev/cart/manifest.yaml`, `dev/cart/.render-key`). */
export type CommittedFiles = Map<string, CommittedFile>;

/** The committed tree as read. */
export interface CommittedTree {
  files: CommittedFiles;
  /**
   * With `whole`: everything under `manifests/` as listed under the render
   * lock (readTree), every regular file of it being in `files`: a snapshot
   * `render --check` compares with instead of the disk (WriteOptions.snapshot),
   * or what a render that holds the lock need not list again (WriteOptions.locked).
   */
  listing?: Map<string, EntryKind>;
  /** renderVersion(), when the reader worked it out (a worker does, sparing the main thread). */
  renderVersion?: string;
  /** When asked for: the key files committed at a merge base (base-key-files.ts), by path under `manifests/`. */
  baseKeyFiles?: Map<string, string>;
}

/** How to read the committed tree. */
export interface ReadCommittedOptions {
  /**
   * Read the whole tree (every file, listed folder by folder) under the
   * render lock: taken here for the read, waiting up to `lockWaitMs` for a
   * render that holds it (what `render --check` compares with), or, without
   * `lockWaitMs`, held by the caller since before the read (a render that
   * writes next). Otherwise only each
   * `manifests/<env>/<folder>/manifest.yaml` and `.render-key` is read,
   * without the lock.
   * @default undefined: the manifests and key files only
   */
  whole?: { lockWaitMs?: number };
  /**
   * Believe what the clone's cache (read-cache.ts) remembers of a folder,
   * manifest or key file that kept its identity, instead of reading it, and
   * remember what is read of the others: a local render's, never a pull request's.
   * @default false
   */
  remember?: boolean;
}

/**
 * Reads the committed manifests and key files under `root` and hashes the
 * manifests: what trusting committed files by their render key needs
 * (trusted-files.ts). Without `whole`, only the environment folders
 * are listed, not the thousands of service folders (each file is opened by
 * name). A symbolic link, a folder or anything else that is not a regular
 * file is left out of `files`, as is a file that cannot be read: it is then
 * rendered again, never trusted. A missing `manifests/` reads as empty.
 */
export function readCommittedTree(
  root: string,
  options: ReadCommittedOptions = {},
  space: ByteSpace = ownBuffers(),
): CommittedTree {
  const top = join(root, manifestsDirName);
  const files: CommittedFiles = new Map();
  const cache = options.remember ? ReadCache.open(root) : undefined;
  const add = (path: string, listed = false) => {
    const read = path.endsWith(`/${MANIFEST_FILE}`)
      ? hashManifest(top, path, cache)
      : readFile(top, path, space, cache);
    // Listed as a regular file under the lock, it must be read: the check compares with it.
    if (!read && listed) throw new ToolError(`could not read ${manifestsDirName}/${path}`);
    if (read) files.set(path, read);
  };
  const { whole } = options;
  if (whole) {
    const release = whole.lockWaitMs === undefined ? () => {} : acquireRenderLock(root, whole.lockWaitMs);
    try {
      const listing = readTree(root, cache ? cachedListing(cache) : undefined);
      for (const [path, kind] of listing) if (kind === "file") add(path, true);
      cache?.save();
      return { files, listing };
    } finally {
      release();
    }
  }
  for (const environment of folders(top)) {
    for (const folder of folders(join(top, environment))) {
      for (const name of READ) add(`${environment}/${folder}/${name}`);
    }
  }
  cache?.save();
  return { files };
}

/** Lists a folder below `manifests/` (readTree's `list`), from `cache` when the folder kept its identity. */
function cachedListing(cache: ReadCache): ListFolder {
  return (dir, prefix) => {
    const identity = identityAt(dir, (stat) => stat.isDirectory());
    const remembered = identity && cache.get(prefix, identity);
    if (remembered && "listing" in remembered) return remembered.listing;
    const listing = listFolder(dir);
    if (identity) cache.set(prefix, identity, { listing });
    return listing;
  };
}

/** The identity of what is at `path` (not following a link) when `is` holds of it; undefined otherwise or when it cannot be read. */
function identityAt(path: string, is: (stat: Stats) => boolean): FileIdentity | undefined {
  try {
    const stat = lstatSync(path, { throwIfNoEntry: false });
    return stat && is(stat) ? identityOf(stat) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The identity of the file `file` (`manifests/<path>`) and what `cache`
 * remembers of it while it keeps that identity: undefined without a cache,
 * null when it is not a regular file (nothing to read).
 */
function recall(
  cache: ReadCache | undefined,
  file: string,
  path: string,
): { identity: FileIdentity; remembered: Remembered | undefined } | null | undefined {
  if (!cache) return undefined;
  const identity = identityAt(file, (stat) => stat.isFile());
  return identity ? { identity, remembered: cache.get(path, identity) } : null;
}

/**
 * The digest and identity of the manifest `manifests/<path>` (see
 * hashRegularFile): from `cache` when the file still has the identity it
 * was hashed with, one `lstat` instead of reading it.
 */
function hashManifest(
  top: string,
  path: string,
  cache: ReadCache | undefined,
): { sha256: string; identity: FileIdentity } | undefined {
  const file = join(top, path);
  const recalled = recall(cache, file, path);
  if (recalled === null) return undefined;
  if (recalled?.remembered && "sha256" in recalled.remembered)
    return { sha256: recalled.remembered.sha256, identity: recalled.identity };
  const read = hashRegularFile(file);
  if (read) cache?.set(path, read.identity, { sha256: read.sha256 });
  return read;
}

/**
 * The bytes and identity of the file `manifests/<path>` (see
 * readRegularFile), into `space`: from `cache` when the file still has the
 * identity it was read with and was short ASCII text (a key file).
 */
function readFile(
  top: string,
  path: string,
  space: ByteSpace,
  cache: ReadCache | undefined,
): { bytes: Uint8Array; identity: FileIdentity } | undefined {
  const file = join(top, path);
  const recalled = recall(cache, file, path);
  if (recalled === null) return undefined;
  if (recalled?.remembered && "text" in recalled.remembered) {
    const { text } = recalled.remembered;
    const { written } = encoder.encodeInto(text, space.reserve(text.length));
    return { bytes: space.keep(written), identity: recalled.identity };
  }
  const read = readRegularFile(file, space);
  if (read && read.bytes.length <= KEPT_TEXT && read.bytes.every((byte) => byte < 0x80))
    cache?.set(path, read.identity, { text: Buffer.from(read.bytes).toString("latin1") });
  return read;
}

/** The largest file whose text the cache keeps (a key file is about 150 bytes). */
const KEPT_TEXT = 1024;
const encoder = new TextEncoder();

export { sha256 } from "./write/tree.js";

/** The names of the real folders (not links) in `dir`; none when it cannot be listed. */
function folders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

/**
 * Where files are read into: `reserve` gives a region of at least `size`
 * bytes, `keep` keeps the first `length` of them and gives them back. A
 * worker reads straight into the buffers it transfers (no copy, and no
 * buffer allocated and paged in per file).
 */
export interface ByteSpace {
  reserve(size: number): Uint8Array;
  keep(length: number): Uint8Array;
}

/** A buffer of its own for each file. */
function ownBuffers(): ByteSpace {
  let region = new Uint8Array(0);
  return {
    reserve: (size) => {
      region = Buffer.allocUnsafe(size);
      return region;
    },
    keep: (length) => region.subarray(0, length),
  };
}

/**
 * The bytes and identity of a regular file at `path`, not following a
 * symbolic link; undefined for anything else, and for a file that grew
 * while read (it is being written: not to be trusted).
 */
function readRegularFile(
  path: string,
  space: ByteSpace,
): { bytes: Uint8Array; identity: FileIdentity } | undefined {
  return withRegularFile(path, (fd, size) => {
    // One byte more than its size, to notice a file that grew.
    const region = space.reserve(size + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, region, length, region.length - length, length);
      if (read === 0) return space.keep(length);
      length += read;
      if (length === region.length) return undefined;
    }
  });
}

/** Reused by {@link hashRegularFile}: reading into fresh memory costs a page fault per page. */
let hashBuffer: Buffer | undefined;

/**
 * The sha256 and identity of a regular file at `path` (see
 * {@link readRegularFile}), read through one reused buffer.
 */
function hashRegularFile(path: string): { sha256: string; identity: FileIdentity } | undefined {
  hashBuffer ??= Buffer.allocUnsafeSlow(1024 * 1024);
  const buffer = hashBuffer;
  const read = withRegularFile(path, (fd, size) => {
    const hash = createHash("sha256");
    let length = 0;
    for (;;) {
      const got = readSync(fd, buffer, 0, buffer.length, length);
      if (got === 0) break;
      length += got;
      if (length > size) return undefined;
      hash.update(buffer.subarray(0, got));
    }
    return hash.digest("hex");
  });
  return read && { sha256: read.bytes, identity: read.identity };
}

/**
 * Opens `path` without following a symbolic link and, when it is a regular
 * file, gives `use` its descriptor and size; undefined when it cannot be
 * opened or read, is anything else, or `use` gives undefined.
 */
function withRegularFile<T>(
  path: string,
  use: (fd: number, size: number) => T | undefined,
): { bytes: T; identity: FileIdentity } | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return undefined;
    const bytes = use(fd, stat.size);
    if (bytes === undefined) return undefined;
    return { bytes, identity: identityOf(stat) };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * The bytes of the committed manifest `manifests/<path>` whose digest was
 * read as `sha256` (a trusted file that must be written after all, or a
 * drifted one to show): read again, and refused with a ToolError when they
 * no longer have that digest (someone changed the file meanwhile).
 */
export function readCommittedBytes(root: string, path: string, digest: string): Uint8Array {
  const read = readRegularFile(join(root, manifestsDirName, path), ownBuffers());
  if (read === undefined || sha256(read.bytes) !== digest) {
    throw new ToolError(`${manifestsDirName}/${path} changed while idp render was running; run it again`);
  }
  return read.bytes;
}
