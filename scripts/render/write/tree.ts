import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { ToolError } from "../../errors.js";
import { codeOf, messageOf } from "./lock.js";

/** The output folder, relative to the root. */
export const manifestsDirName = "manifests";
/** A tree being built: always garbage once no render runs. */
export const tempPrefix = ".manifests.tmp-";
/** The complete previous tree, only between the two renames of a swap. */
export const previousPrefix = ".manifests.old-";
/** The tree before the current one, kept to build the next tree from (never read as output). */
export const spareDirName = ".manifests.spare";

/** What is on disk at a path under `manifests/`: a regular file, or anything else (symlink, socket...). */
export type EntryKind = "file" | "other";

/**
 * Lists what is under `<root>/manifests/` by path relative to it (forward
 * slashes), without following symbolic links. A missing folder is empty; a
 * `manifests` that is not a real folder is refused, since everything in it
 * would be replaced. `list` lists each folder below it (committed-tree.ts
 * gives one that answers from its cache).
 */
export function readTree(root: string, list: ListFolder = listFolder): Map<string, EntryKind> {
  const tree = new Map<string, EntryKind>();
  const top = join(root, manifestsDirName);
  try {
    const stat = lstatSync(top);
    if (!stat.isDirectory()) {
      throw new ToolError(
        `${manifestsDirName} is not a folder (it is a symbolic link or a file); move it away and render again`,
      );
    }
  } catch (error) {
    if (codeOf(error) === "ENOENT") return tree;
    throw error instanceof ToolError ? error : ioError(`could not read ${manifestsDirName}/`, error);
  }
  const walk = (dir: string, prefix: string): void => {
    for (const [name, kind] of list(dir, prefix)) {
      const path = prefix + name;
      if (kind === "folder") walk(join(dir, name), `${path}/`);
      else tree.set(path, kind);
    }
  };
  try {
    walk(top, "");
  } catch (error) {
    throw ioError(`could not read ${manifestsDirName}/`, error);
  }
  return tree;
}

/** What is in the folder `dir` (`prefix` under `manifests/`), by name, not following links. */
export type ListFolder = (dir: string, prefix: string) => [name: string, kind: EntryKind | "folder"][];

/** A folder's entries as readdir gives them. */
export function listFolder(dir: string): [name: string, kind: EntryKind | "folder"][] {
  return readdirSync(dir, { withFileTypes: true }).map((entry) => [
    entry.name,
    entry.isDirectory() ? "folder" : entry.isFile() ? "file" : "other",
  ]);
}

/**
 * The text of `manifests/<path>` as UTF-8, or undefined when it is not a
 * regular file (a symbolic link is never followed out of the tree).
 */
export function readManifestText(root: string, path: string): string | undefined {
  const file = join(root, manifestsDirName, path);
  try {
    if (!lstatSync(file).isFile()) return undefined;
    return readFileSync(file, "utf8");
  } catch (error) {
    throw ioError(`could not read ${manifestsDirName}/${path}`, error);
  }
}

let scratch = Buffer.allocUnsafe(64 * 1024);
let encoded = Buffer.allocUnsafe(64 * 1024);

/** What identifies one version of a file on disk: a rewrite or a replacement changes it. */
export interface FileIdentity {
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** The identity of `manifests/<path>` now (not following a link), and its device; undefined when it cannot be read. */
export function manifestIdentity(root: string, path: string): (FileIdentity & { dev: number }) | undefined {
  try {
    const { ino, size, mtimeMs, ctimeMs, dev } = lstatSync(join(root, manifestsDirName, path));
    return { ino, size, mtimeMs, ctimeMs, dev };
  } catch {
    return undefined;
  }
}

/** Whether two identities are of the same version of a file. */
export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

/**
 * A committed file kept as it is (a manifest trusted by its key file): the
 * digest its bytes had when read, and the bytes, read again only when they
 * are needed after all (a hard link failed; see readCommittedBytes).
 */
export interface CommittedContent {
  readonly sha256: string;
  bytes(): Uint8Array;
}

/** A file's content: text (written as UTF-8), the bytes themselves, or a committed file as it is. */
export type FileContent = string | Uint8Array | CommittedContent;

/** One regular file of a TreeSnapshot (write.ts): its bytes, or only their digest. */
export type SnapshotFile = { bytes: Uint8Array; sha256?: undefined } | { bytes?: undefined; sha256: string };

/**
 * Whether `file` (as read: its bytes, or their digest) holds exactly
 * `content` (text as UTF-8). A committed file kept as it is holds it when it
 * had the digest; other content is compared with a digest by hashing it.
 */
export function holds(file: SnapshotFile | undefined, content: FileContent): boolean {
  if (file === undefined) return false;
  if (isCommitted(content)) return file.sha256 === content.sha256;
  const expected = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  if (file.bytes === undefined) return sha256(expected) === file.sha256;
  if (file.bytes === content) return true;
  return Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength).equals(expected);
}

/** sha256 hex of `content` (text as UTF-8). */
export function sha256(content: string | Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}

/** Whether `content` is a committed file kept as it is. */
export function isCommitted(content: FileContent): content is CommittedContent {
  return typeof content !== "string" && !(content instanceof Uint8Array);
}

/** The text or bytes of `content` (a committed file's bytes read again). */
export function materialContent(content: FileContent): string | Uint8Array {
  return isCommitted(content) ? content.bytes() : content;
}

/**
 * Whether `manifests/<path>` holds exactly `content` (text as UTF-8). Encodes
 * and reads into two reused buffers: allocating buffers per file measured as
 * costly as the reads.
 */
export function hasText(root: string, path: string, content: FileContent): boolean {
  const material = materialContent(content);
  const expected = typeof material === "string" ? encode(material) : material;
  if (scratch.length <= expected.length) scratch = Buffer.allocUnsafe(expected.length * 2);
  let fd: number | undefined;
  try {
    fd = openSync(join(root, manifestsDirName, path), "r");
    let size = 0;
    // Read one byte past the expected length, to notice a longer file.
    while (size <= expected.length) {
      const read = readSync(fd, scratch, size, expected.length + 1 - size, size);
      if (read === 0) break;
      size += read;
    }
    return size === expected.length && scratch.subarray(0, size).equals(expected);
  } catch (error) {
    throw ioError(`could not read ${manifestsDirName}/${path}`, error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function encode(text: string): Buffer {
  const length = Buffer.byteLength(text, "utf8");
  if (encoded.length < length) encoded = Buffer.allocUnsafe(length * 2);
  encoded.write(text, 0, "utf8");
  return encoded.subarray(0, length);
}

/**
 * Undoes what a killed tree swap left behind (see recover.ts for all a
 * killed render leaves). Only between the two renames of a
 * swap is `manifests/` missing while `.manifests.old-*` (the complete
 * previous tree) exists: that one is renamed back. Any other
 * `.manifests.old-*` and every `.manifests.tmp-*` (a tree being built) is
 * garbage: one becomes the spare tree if there is none, the rest are
 * removed. Runs under the lock, so no other render is using them.
 */
export function recoverInterruptedSwap(root: string): void {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch (error) {
    throw ioError("could not list the repository root", error);
  }
  const previous = names.filter((name) => name.startsWith(previousPrefix)).sort();
  const garbage = names.filter((name) => name.startsWith(tempPrefix)).sort();
  if (!names.includes(manifestsDirName) && previous.length > 0) {
    if (previous.length > 1) {
      throw new ToolError(
        `${manifestsDirName}/ is missing and there are several earlier trees (${previous.join(", ")}); rename the one to keep to ${manifestsDirName} and render again`,
      );
    }
    renameOrFail(join(root, previous[0] as string), join(root, manifestsDirName));
  } else {
    garbage.unshift(...previous);
  }

  if (!names.includes(spareDirName) && garbage.length > 0) {
    const recycled = garbage.shift() as string;
    if (!tryRename(join(root, recycled), join(root, spareDirName))) removeTree(join(root, recycled));
  }
  for (const name of garbage) removeTree(join(root, name));
}

/** One file of the new tree: its content, and whether the file already on disk has exactly it. */
export interface PlannedFile {
  content: FileContent;
  unchanged: boolean;
  /** The inode and device of the unchanged file in `manifests/`, when it was looked at under the lock. */
  current?: { ino: number; dev: number };
}

/**
 * Builds the new tree beside `manifests/` and swaps it in.
 *
 * The swap, each step an atomic rename in the root folder:
 * 1. rename `.manifests.spare` (the tree before the current one, if any) to
 *    `.manifests.tmp-<pid>-<random>` and bring it to exactly the new content,
 *    or build that folder from nothing;
 * 2. rename `manifests` → `.manifests.old-<pid>-<random>`;
 * 3. rename the new tree → `manifests`;
 * 4. rename the old tree → `.manifests.spare`, for the next render.
 *
 * Killed during 1 or before 4, `manifests/` is complete and the leftovers are
 * garbage (recycled as the spare); killed between 2 and 3, `manifests/` is
 * missing and {@link recoverInterruptedSwap} renames the complete
 * `.manifests.old-*` back. Nothing ever writes into a file of `manifests/`.
 *
 * Why a spare tree instead of deleting the old one: on this kind of disk,
 * creating and removing the thousands of service folders dominated the cost
 * (an `rmdir` or `mkdir` costs several times a file write), while reusing the
 * previous-but-one tree touches only what changed in two renders. Unchanged
 * files are hard links to the current ones (no copy of their bytes); a file
 * shared that way is never written in place, only unlinked and replaced.
 */
export function replaceTree(root: string, files: ReadonlyMap<string, PlannedFile>): void {
  const suffix = () => `${process.pid}-${randomBytes(6).toString("hex")}`;
  const current = join(root, manifestsDirName);
  const spare = join(root, spareDirName);
  const building = join(root, tempPrefix + suffix());
  try {
    if (isRealFolder(spare) && tryRename(spare, building)) {
      syncTree(building, current, files);
    } else {
      rmSync(spare, { recursive: true, force: true });
      mkdirSync(building);
      fillTree(building, current, files, new Set());
    }
  } catch (error) {
    if (!tryRename(building, spare)) removeTree(building);
    throw ioError(`could not write the new ${manifestsDirName}/ tree`, error);
  }
  let previous: string | undefined;
  try {
    lstatSync(current);
    previous = join(root, previousPrefix + suffix());
  } catch (error) {
    if (codeOf(error) !== "ENOENT") throw ioError(`could not read ${manifestsDirName}/`, error);
  }
  if (previous !== undefined) renameOrFail(current, previous, building);
  try {
    renameSync(building, current);
  } catch (error) {
    if (previous !== undefined) renameOrFail(previous, current);
    removeTree(building);
    throw ioError(`could not move the new tree to ${manifestsDirName}/`, error);
  }
  // Left for the next render's recovery when this fails: manifests/ is already complete.
  if (previous !== undefined && !tryRename(previous, spare)) removeTree(previous);
}

/** Writes every file into `dir`, linking the unchanged ones to their current copy. */
function fillTree(
  dir: string,
  current: string,
  files: ReadonlyMap<string, PlannedFile>,
  made: Set<string>,
  keep?: (path: string, file: PlannedFile) => boolean,
): void {
  for (const [path, file] of files) {
    if (keep?.(path, file)) continue;
    makeParents(dir, path, made);
    const target = join(dir, path);
    if (!(file.unchanged && tryLink(join(current, path), target)))
      writeFileSync(target, materialContent(file.content));
  }
}

/**
 * Makes the folders above `path` that are not in `made` yet, top down, one
 * plain mkdir each (a recursive mkdir measured dearer: it tries and stats
 * every level).
 */
function makeParents(dir: string, path: string, made: Set<string>): void {
  for (let slash = path.indexOf("/"); slash !== -1; slash = path.indexOf("/", slash + 1)) {
    const folder = path.slice(0, slash);
    if (made.has(folder)) continue;
    mkdirSync(join(dir, folder));
    made.add(folder);
  }
}

/**
 * Brings a spare tree (anything: it is only ever trusted after this) to
 * exactly `files`: removes what is not wanted, keeps a file only when it is
 * the very file (same inode) as an unchanged current one, and replaces the
 * rest by unlinking then writing or linking, never writing in place.
 */
function syncTree(dir: string, current: string, files: ReadonlyMap<string, PlannedFile>): void {
  const { entries, folders } = walkTree(dir);
  const wantedFolders = new Set<string>();
  for (const path of files.keys()) {
    for (let i = path.indexOf("/"); i !== -1; i = path.indexOf("/", i + 1))
      wantedFolders.add(path.slice(0, i));
  }
  const present = new Set<string>();
  for (const [path, isFile] of entries) {
    if (isFile && files.has(path)) present.add(path);
    else unlinkSync(join(dir, path));
  }
  const made = new Set<string>();
  // Deepest first, so a folder is empty of files by the time it is removed.
  for (const folder of [...folders].sort().reverse()) {
    if (wantedFolders.has(folder)) made.add(folder);
    else rmSync(join(dir, folder), { recursive: true, force: true });
  }
  fillTree(dir, current, files, made, (path, file) => {
    if (!present.has(path)) return false;
    const target = join(dir, path);
    if (file.unchanged && sameFile(target, join(current, path), file.current)) return true;
    unlinkSync(target);
    return false;
  });
}

/** What is in a folder, without following links: files (true) and other non-folder entries (false) by relative path, and the folders. */
export interface TreeWalk {
  entries: Map<string, boolean>;
  folders: Set<string>;
}

/** Lists everything under `top` (see {@link TreeWalk}). */
export function walkTree(top: string): TreeWalk {
  const entries = new Map<string, boolean>();
  const folders = new Set<string>();
  const visit = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = prefix + entry.name;
      if (entry.isDirectory()) {
        folders.add(path);
        visit(join(dir, entry.name), `${path}/`);
      } else {
        entries.set(path, entry.isFile());
      }
    }
  };
  visit(top, "");
  return { entries, folders };
}

/** Whether `a` and `b` are one file (`known`: what `b` was found to be under the lock). */
function sameFile(a: string, b: string, known?: { ino: number; dev: number }): boolean {
  const x = lstatSync(a);
  const y = known ?? lstatSync(b);
  return x.ino === y.ino && x.dev === y.dev;
}

/** Whether anything (a folder, a file, a link, even a broken one) is at `path`. */
export function entryExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Whether `path` is a folder (not a link to one). */
export function isRealFolder(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

function tryRename(from: string, to: string): boolean {
  try {
    renameSync(from, to);
    return true;
  } catch {
    return false;
  }
}

function tryLink(existing: string, target: string): boolean {
  try {
    linkSync(existing, target);
    return true;
  } catch {
    return false;
  }
}

function renameOrFail(from: string, to: string, cleanUp?: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if (cleanUp !== undefined) removeTree(cleanUp);
    throw ioError(`could not rename ${from} to ${to}`, error);
  }
}

function removeTree(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // A leftover is harmless: the next render removes it.
  }
}

function ioError(what: string, error: unknown): ToolError {
  return new ToolError(`${what}: ${messageOf(error)}`, { cause: error });
}
