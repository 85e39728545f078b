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
import { manifestsDirName } from "./write/tree.js";

/** The render keys of a repository's files, by path under `manifests/`. */
export interface KeyedFiles {
  keys: ReadonlyMap<string, string>;
}

/** The keys of every file `input` renders, with the running render code's version (or `version`). */
export function keyFiles(input: RenderInput, version = renderVersion()): KeyedFiles {
  return { keys: keysByPath(renderKeys(input, version)) };
}

/** The key files committed beside the manifests of `keys`, as an index (those that parse). */
export function readKeyFiles(root: string, keys: ReadonlyMap<string, string>): Map<string, RenderIndexEntry> {
  const index = new Map<string, RenderIndexEntry>();
  for (const path of keys.keys()) {
    const bytes = readRegularFile(join(root, manifestsDirName, keyFileOf(path)));
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
