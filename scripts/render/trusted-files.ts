import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { RenderIndex, RenderIndexEntry } from "./render-index.js";
import { fileContent, type RenderedFile } from "./render-jobs.js";
import { manifestsDirName } from "./write/tree.js";

/**
 * The committed files that need no render, with their bytes: those whose
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
): Map<string, Uint8Array> {
  const trusted = new Map<string, Uint8Array>();
  for (const [path, key] of keys) {
    const entry = index.get(path);
    if (entry?.key !== key) continue;
    const bytes = readRegularFile(join(root, manifestsDirName, path));
    if (bytes && sha256(bytes) === entry.sha256) trusted.set(path, bytes);
  }
  return trusted;
}

/**
 * The index of a rendered tree: each file's key and the digest of its
 * bytes. `trusted` files were hashed when trusted and keep the digest their
 * entry in `index` recorded; the others are hashed now.
 */
export function indexEntries(
  keys: ReadonlyMap<string, string>,
  files: ReadonlyMap<string, RenderedFile>,
  trusted: ReadonlyMap<string, Uint8Array>,
  index: RenderIndex,
): Map<string, RenderIndexEntry> {
  const entries = new Map<string, RenderIndexEntry>();
  for (const [path, file] of files) {
    const key = keys.get(path);
    if (key === undefined) continue;
    const known = trusted.has(path) ? index.get(path)?.sha256 : undefined;
    entries.set(path, { key, sha256: known ?? sha256(fileContent(file)) });
  }
  return entries;
}

/** sha256 hex of `content` (text as UTF-8). */
export function sha256(content: string | Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}

/** The bytes of a regular file at `path`, not following a symbolic link; undefined for anything else. */
function readRegularFile(path: string): Uint8Array | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    return fstatSync(fd).isFile() ? readFileSync(fd) : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
