import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  formatKeyFile,
  keyFileOf,
  parseKeyFile,
  type RenderIndex,
  type RenderIndexEntry,
} from "./render-index.js";
import { fileContent, type RenderedFile, type RenderInput } from "./render-jobs.js";
import { keysByPath, renderKeys } from "./render-keys.js";
import { renderVersion } from "./render-version.js";
import { type FileIdentity, manifestsDirName } from "./write/tree.js";

/** The render keys of a repository's files, by path under `manifests/`. */
export interface KeyedFiles {
  keys: ReadonlyMap<string, string>;
}

/** The keys of every file `input` renders, with the running render code's version (or `version`). */
export function keyFiles(input: RenderInput, version = renderVersion()): KeyedFiles {
  return { keys: keysByPath(renderKeys(input, version)) };
}

/** The key files committed beside the manifests of `keys`, as an index (those that parse). */
export function readKeyFiles(
  root: string,
  keys: ReadonlyMap<string, string>,
  read?: ReadFiles,
): Map<string, RenderIndexEntry> {
  const index = new Map<string, RenderIndexEntry>();
  for (const path of keys.keys()) {
    const bytes = readRegularFile(join(root, manifestsDirName, keyFileOf(path)), read, keyFileOf(path));
    const entry = bytes && parseKeyFile(Buffer.from(bytes).toString("utf8"));
    if (entry) index.set(path, entry);
  }
  return index;
}

/**
 * The committed manifests that need no render, with their bytes: those whose
 * key, recomputed from the inputs (`keys`, by path under `manifests/`), is
 * the one `index` records, and whose bytes on disk have the digest it
 * records. Anything else (no entry, another key, a hand edit, a missing
 * file, a symbolic link or anything not a regular file) is left to render.
 *
 * The index says which bytes a key rendered to; only an index that cannot
 * lie about that may be used to judge a change (render --check --base reads
 * it from the merge base): see README.md (Rendering).
 */
export function trustedFiles(
  root: string,
  keys: ReadonlyMap<string, string>,
  index: RenderIndex,
  read?: ReadFiles,
): Map<string, Uint8Array> {
  const trusted = new Map<string, Uint8Array>();
  for (const [path, key] of keys) {
    const entry = index.get(path);
    if (entry?.key !== key) continue;
    const bytes = readRegularFile(join(root, manifestsDirName, path), read, path);
    if (bytes && sha256(bytes) === entry.sha256) trusted.set(path, bytes);
  }
  return trusted;
}

/**
 * The key file of every rendered manifest, by path under `manifests/`: its
 * key and the digest of its bytes. `trusted` files were hashed when trusted
 * and keep the digest their entry in `index` recorded; the others are hashed now.
 */
export function keyFileTexts(
  files: ReadonlyMap<string, RenderedFile>,
  { keys }: KeyedFiles,
  trusted: ReadonlyMap<string, Uint8Array> = new Map(),
  index: RenderIndex = new Map(),
): Map<string, string> {
  const texts = new Map<string, string>();
  for (const [path, file] of files) {
    const key = keys.get(path);
    if (key === undefined) continue;
    const known = trusted.has(path) ? index.get(path)?.sha256 : undefined;
    texts.set(keyFileOf(path), formatKeyFile({ key, sha256: known ?? sha256(fileContent(file)) }));
  }
  return texts;
}

/**
 * Of the files read from disk, those that hold exactly what is to be
 * written (`texts`), with the identity they had when read: what
 * writeManifests need not read again (WriteOptions.readBefore).
 */
export function unchangedSinceRead(
  read: ReadFiles,
  texts: ReadonlyMap<string, string | Uint8Array>,
): Map<string, FileIdentity> {
  const unchanged = new Map<string, FileIdentity>();
  for (const [path, { bytes, identity }] of read) {
    const content = texts.get(path);
    if (content === undefined) continue;
    const expected = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).equals(expected))
      unchanged.set(path, identity);
  }
  return unchanged;
}

/** sha256 hex of `content` (text as UTF-8). */
export function sha256(content: string | Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}

/** What was read from disk: by path under `manifests/`, the bytes and the identity they had. */
export type ReadFiles = Map<string, { bytes: Uint8Array; identity: FileIdentity }>;

/**
 * The bytes of a regular file at `path`, not following a symbolic link;
 * undefined for anything else. With `read`, records them under `name`.
 */
function readRegularFile(path: string, read?: ReadFiles, name?: string): Uint8Array | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return undefined;
    const bytes = readFileSync(fd);
    const { ino, size, mtimeMs, ctimeMs } = stat;
    if (read && name !== undefined) read.set(name, { bytes, identity: { ino, size, mtimeMs, ctimeMs } });
    return bytes;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
