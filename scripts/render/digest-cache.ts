import { hash } from "node:crypto";
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { type FileIdentity, manifestsDirName } from "./write/tree.js";

/** What a committed file was found to hold: a manifest's digest, or a small file's bytes. */
export type Remembered = { sha256: string; bytes?: undefined } | { bytes: Uint8Array; sha256?: undefined };

/** One entry of the cache file: the identity the file had when read, and what it held. */
type Entry = [ino: number, size: number, mtimeMs: number, ctimeMs: number, held: string];

/** What a folder holds: each entry's name and kind. */
export type FolderEntries = [name: string, kind: FolderEntryKind][];

/** A folder (not a link to one), a regular file, or anything else. */
export type FolderEntryKind = "folder" | "file" | "other";

/** A folder's listing as remembered: the identity it had when listed, and its entries. */
type Listing = [ino: number, mtimeMs: number, ctimeMs: number, entries: FolderEntries];

interface CacheFile {
  format: typeof FORMAT;
  /** The repository's real path and the device of its `manifests/`: a cache of another tree is not used. */
  root: string;
  dev: number;
  /** Paths under `manifests/` with their entries. */
  files: [path: string, ...entry: Entry][];
  /** Folders' listings, by inode: the same folder is listed under `manifests/` and, later, as the spare tree. */
  folders: Listing[];
}

const FORMAT = "idp-committed-digests-2";

/** Cache files kept per user: one per repository rendered or checked lately. */
const KEPT_FILES = 16;

/**
 * What the files of `manifests/` held when last read, remembered by their
 * identity (inode, size, modification and change times), the way git's
 * index remembers what a tracked file holds: a file whose identity is
 * unchanged since is taken to hold the same bytes without reading them again
 * (52 MB of manifests for 1,000 services), so that `render --check` and a
 * render of a few files cost little more than validation.
 *
 * A write to a file changes its change time (ctime), which no program can set
 * back; replacing it changes the inode. The one blind spot is git's "racy"
 * case: a file written again within the file system's timestamp resolution of
 * the moment it was read keeps the identity that was read. So a file is
 * remembered only when both its times are older than the start of the read
 * by more than that resolution (RACY_MARGIN_MS); a younger file is read and
 * hashed again next time.
 *
 * The cache lives outside the repository (`$IDP_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/idp` or `~/.cache/idp`, created private to the user), so
 * `render --check` still writes nothing in the repository and nothing a pull
 * request holds is believed. It only ever spares reading a file: a missing,
 * unreadable, foreign or corrupt cache is ignored. `IDP_CACHE_DIR=off`
 * turns it off.
 */
export class DigestCache {
  readonly #file: string | undefined;
  readonly #root: string;
  readonly #dev: number;
  readonly #startedAt: number;
  readonly #known: ReadonlyMap<string, Entry>;
  readonly #read = new Map<string, Entry>();
  readonly #knownFolders: ReadonlyMap<number, Listing>;
  readonly #listed = new Map<number, Listing>();
  /** Whether anything was remembered that the cache did not hold already. */
  #learned = false;

  private constructor(
    file: string | undefined,
    root: string,
    dev: number,
    { files, folders }: Remembrance = { files: new Map(), folders: new Map() },
  ) {
    // Before any file is looked at: a write after this moment changes a file's ctime to at least this.
    this.#startedAt = Date.now();
    this.#file = file;
    this.#root = root;
    this.#dev = dev;
    this.#known = files;
    this.#knownFolders = folders;
  }

  /** A cache that remembers nothing and saves nothing. */
  static none(): DigestCache {
    return new DigestCache(undefined, "", -1);
  }

  /** The cache of the repository at `root`, as last saved; empty when there is none. */
  static open(root: string, env: NodeJS.ProcessEnv = process.env): DigestCache {
    const folder = cacheFolder(env);
    if (folder === undefined) return DigestCache.none();
    let real: string;
    let dev: number;
    try {
      real = realpathSync(root);
      dev = lstatSync(join(root, manifestsDirName)).dev;
    } catch {
      return DigestCache.none();
    }
    const file = join(folder, `committed-${hash("sha256", real, "hex").slice(0, 32)}.json`);
    return new DigestCache(file, real, dev, loadEntries(file, real, dev));
  }

  /** Whether anything is remembered of `path`: when not, looking at its identity first is not worth it. */
  knows(path: string): boolean {
    return this.#known.has(path);
  }

  /**
   * What the file at `path` (under `manifests/`) held when last read, if it
   * still has the identity it had then (`now`, from lstat); undefined otherwise.
   */
  recall(path: string, now: FileIdentity): Remembered | undefined {
    const entry = this.#known.get(path);
    if (entry === undefined || !sameEntry(entry, now)) return undefined;
    const held = entry[4];
    const remembered: Remembered = held.startsWith("sha256:")
      ? { sha256: held.slice("sha256:".length) }
      : { bytes: Buffer.from(held.slice("base64:".length), "base64") };
    this.#read.set(path, entry);
    return remembered;
  }

  /** Remembers what `path` held when it had `identity`: only when the file is old enough not to be racy. */
  remember(path: string, identity: FileIdentity, held: Remembered): void {
    if (this.#file === undefined || this.#racy(identity)) return;
    this.#learned = true;
    this.#read.set(path, [
      identity.ino,
      identity.size,
      identity.mtimeMs,
      identity.ctimeMs,
      held.sha256 !== undefined
        ? `sha256:${held.sha256}`
        : `base64:${Buffer.from(held.bytes.buffer, held.bytes.byteOffset, held.bytes.byteLength).toString("base64")}`,
    ]);
  }

  /**
   * The entries of the folder that has identity `now` (from lstat), when it
   * still has the identity it had when listed; undefined otherwise. Adding,
   * removing or renaming an entry changes a folder's modification and change
   * times (git's untracked cache relies on the same).
   */
  recallFolder(now: FileIdentity): FolderEntries | undefined {
    const listing = this.#knownFolders.get(now.ino);
    if (listing === undefined || listing[1] !== now.mtimeMs || listing[2] !== now.ctimeMs) return undefined;
    this.#listed.set(now.ino, listing);
    return listing[3];
  }

  /** Remembers the entries of the folder listed with `identity`: only when it is old enough not to be racy. */
  rememberFolder(identity: FileIdentity, entries: FolderEntries): void {
    if (this.#file === undefined || this.#racy(identity)) return;
    this.#learned = true;
    this.#listed.set(identity.ino, [identity.ino, identity.mtimeMs, identity.ctimeMs, entries]);
  }

  #racy(identity: FileIdentity): boolean {
    const margin = racyMarginMs(identity);
    return identity.mtimeMs >= this.#startedAt - margin || identity.ctimeMs >= this.#startedAt - margin;
  }

  /**
   * Saves what this read found (recalled or remembered), replacing the file
   * atomically; a failure only loses the cache. Keeps the most recent cache
   * files of the folder, removing older ones.
   */
  save(): void {
    const file = this.#file;
    if (file === undefined) return;
    if (
      !this.#learned &&
      this.#read.size === this.#known.size &&
      this.#listed.size === this.#knownFolders.size
    ) {
      // Every file recalled, nothing new: the file on disk says it all; it is only marked recent.
      try {
        const now = new Date();
        utimesSync(file, now, now);
      } catch {
        // It is only pruned sooner.
      }
      return;
    }
    const files = [...this.#read].map(([path, entry]): CacheFile["files"][number] => [path, ...entry]);
    const folders = [...this.#listed.values()];
    const content: CacheFile = { format: FORMAT, root: this.#root, dev: this.#dev, files, folders };
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, JSON.stringify(content), { mode: 0o600 });
      renameSync(temporary, file);
      pruneFolder(join(file, ".."));
    } catch {
      try {
        unlinkSync(temporary);
      } catch {
        // Nothing was written.
      }
    }
  }
}

/**
 * How much older than the start of a read a file's times must be for what it
 * holds to be remembered: a later write stamps a time at least the start
 * minus the clock's granularity. Times with a fractional second come from a
 * file system with fine timestamps (the kernel's coarse clock, a few ms);
 * whole seconds may mean one that keeps seconds (or two, FAT): then 2 s.
 */
function racyMarginMs(identity: FileIdentity): number {
  return identity.mtimeMs % 1000 === 0 && identity.ctimeMs % 1000 === 0 ? 2_000 : 100;
}

function sameEntry(entry: Entry, now: FileIdentity): boolean {
  return (
    entry[0] === now.ino && entry[1] === now.size && entry[2] === now.mtimeMs && entry[3] === now.ctimeMs
  );
}

/** The folder of the cache files, created private to the user; undefined when turned off or not usable. */
function cacheFolder(env: NodeJS.ProcessEnv): string | undefined {
  if (env.IDP_CACHE_DIR === "off") return undefined;
  let folder: string;
  try {
    folder = env.IDP_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "idp");
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const stat = lstatSync(folder);
    // Another user's folder (or a link to one) could hold entries they chose.
    if (!stat.isDirectory() || !ownedPrivately(stat)) return undefined;
  } catch {
    return undefined;
  }
  return folder;
}

function ownedPrivately(stat: { uid: number; mode: number }): boolean {
  const uid = process.getuid?.();
  return (uid === undefined || stat.uid === uid) && (stat.mode & 0o022) === 0;
}

/** The entries of the cache file when it is one of ours for this tree; none otherwise. */
/** What a cache file remembers. */
interface Remembrance {
  files: Map<string, Entry>;
  folders: Map<number, Listing>;
}

function loadEntries(file: string, root: string, dev: number): Remembrance {
  const files = new Map<string, Entry>();
  const folders = new Map<number, Listing>();
  try {
    const stat = lstatSync(file);
    if (!stat.isFile() || !ownedPrivately(stat)) return { files, folders };
    const content = JSON.parse(readFileSync(file, "utf8")) as Partial<CacheFile>;
    if (content.format !== FORMAT || content.root !== root || content.dev !== dev) return { files, folders };
    if (!Array.isArray(content.files) || !Array.isArray(content.folders)) return { files, folders };
    for (const line of content.files as unknown[]) {
      if (!Array.isArray(line) || typeof line[0] !== "string") continue;
      const entry = line.slice(1);
      if (isEntry(entry)) files.set(line[0], entry);
    }
    for (const listing of content.folders as unknown[]) {
      if (isListing(listing)) folders.set(listing[0], listing);
    }
  } catch {
    // Not ours, or not whole: nothing is remembered.
    files.clear();
    folders.clear();
  }
  return { files, folders };
}

const KINDS = new Set<unknown>(["folder", "file", "other"]);

function isListing(value: unknown): value is Listing {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    value.slice(0, 3).every((n) => typeof n === "number") &&
    Array.isArray(value[3]) &&
    (value[3] as unknown[]).every(
      (entry) =>
        Array.isArray(entry) &&
        entry.length === 2 &&
        typeof entry[0] === "string" &&
        entry[0] !== "" &&
        !entry[0].includes("/") &&
        entry[0] !== "." &&
        entry[0] !== ".." &&
        KINDS.has(entry[1]),
    )
  );
}

function isEntry(value: unknown[]): value is Entry {
  const held = value[4];
  return (
    value.length === 5 &&
    value.slice(0, 4).every((n) => typeof n === "number") &&
    typeof held === "string" &&
    (/^sha256:[0-9a-f]{64}$/.test(held) || /^base64:[A-Za-z0-9+/]*={0,2}$/.test(held))
  );
}

/** Removes all but the KEPT_FILES most recently saved cache files of `folder`. */
function pruneFolder(folder: string): void {
  const files = readdirSync(folder)
    .filter((name) => name.startsWith("committed-"))
    .map((name) => {
      try {
        return { name, time: statSync(join(folder, name)).mtimeMs };
      } catch {
        return { name, time: 0 };
      }
    })
    .sort((a, b) => b.time - a.time);
  for (const { name } of files.slice(KEPT_FILES)) {
    try {
      unlinkSync(join(folder, name));
    } catch {
      // Another process removed it.
    }
  }
}
