import { type CommittedFiles, sha256 } from "./committed-tree.js";
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
import type { FileIdentity } from "./write/tree.js";

/** The render keys of a repository's files, by path under `manifests/`. */
export interface KeyedFiles {
  keys: ReadonlyMap<string, string>;
}

/** The keys of every file `input` renders, with the running render code's version (or `version`). */
export function keyFiles(input: RenderInput, version = renderVersion()): KeyedFiles {
  return { keys: keysByPath(renderKeys(input, version)) };
}

/** The key files of `keys`' manifests in the committed tree, as an index (those that parse). */
export function keyFilesIn(
  committed: CommittedFiles,
  keys: ReadonlyMap<string, string>,
): Map<string, RenderIndexEntry> {
  const index = new Map<string, RenderIndexEntry>();
  for (const path of keys.keys()) {
    const bytes = committed.get(keyFileOf(path))?.bytes;
    const entry = bytes && parseKeyFile(Buffer.from(bytes).toString("utf8"));
    if (entry) index.set(path, entry);
  }
  return index;
}

/**
 * The committed manifests that need no render, with their bytes: those whose
 * key, recomputed from the inputs (`keys`, by path under `manifests/`), is
 * the one `index` records, and whose bytes as read (`committed`, see
 * committed-tree.ts) have the digest it records. Anything else (no entry,
 * another key, a hand edit, a missing file, a symbolic link or anything not
 * a regular file) is left to render.
 *
 * The index says which bytes a key rendered to; only an index that cannot
 * lie about that may be used to judge a change (render --check --base reads
 * it from the merge base): see README.md (Rendering).
 */
export function trustedFiles(
  keys: ReadonlyMap<string, string>,
  index: RenderIndex,
  committed: CommittedFiles,
): Map<string, Uint8Array> {
  const trusted = new Map<string, Uint8Array>();
  for (const [path, key] of keys) {
    const entry = index.get(path);
    if (entry?.key !== key) continue;
    const file = committed.get(path);
    if (file?.sha256 !== undefined && file.sha256 === entry.sha256) trusted.set(path, file.bytes);
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
  read: CommittedFiles,
  texts: ReadonlyMap<string, string | Uint8Array>,
): Map<string, FileIdentity> {
  const unchanged = new Map<string, FileIdentity>();
  for (const [path, { bytes, identity }] of read) {
    const content = texts.get(path);
    if (content === undefined) continue;
    // A trusted file's content is the very bytes read: nothing to compare.
    const expected = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    if (content === bytes || Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).equals(expected))
      unchanged.set(path, identity);
  }
  return unchanged;
}
