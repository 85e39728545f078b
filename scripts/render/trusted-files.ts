import { type CommittedFiles, readCommittedBytes, sha256 } from "./committed-tree.js";
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
import {
  type CommittedContent,
  type FileContent,
  type FileIdentity,
  holds,
  isCommitted,
} from "./write/tree.js";

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
    // Decoded where it lies (Buffer.from(bytes) alone would copy it first).
    const entry =
      bytes && parseKeyFile(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString());
    if (entry) index.set(path, entry);
  }
  return index;
}

/**
 * The committed manifests of `root` that need no render, kept as they are
 * (their bytes are read again only if needed): those whose
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
  root: string,
  keys: ReadonlyMap<string, string>,
  index: RenderIndex,
  committed: CommittedFiles,
): Map<string, CommittedContent> {
  const trusted = new Map<string, CommittedContent>();
  for (const [path, key] of keys) {
    const entry = index.get(path);
    if (entry?.key !== key) continue;
    const digest = committed.get(path)?.sha256;
    if (digest !== undefined && digest === entry.sha256)
      trusted.set(path, { sha256: digest, bytes: () => readCommittedBytes(root, path, digest) });
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
  trusted: ReadonlyMap<string, CommittedContent> = new Map(),
  index: RenderIndex = new Map(),
): Map<string, string> {
  const texts = new Map<string, string>();
  for (const [path, file] of files) {
    const key = keys.get(path);
    if (key === undefined) continue;
    const known = trusted.has(path) ? index.get(path)?.sha256 : undefined;
    const content = fileContent(file);
    const digest = known ?? (isCommitted(content) ? content.sha256 : sha256(content));
    texts.set(keyFileOf(path), formatKeyFile({ key, sha256: digest }));
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
  texts: ReadonlyMap<string, FileContent>,
): Map<string, FileIdentity> {
  const unchanged = new Map<string, FileIdentity>();
  for (const [path, file] of read) {
    const content = texts.get(path);
    // A trusted file is compared by digest, a manifest read as its digest by hashing what is to be written.
    if (content !== undefined && holds(file, content)) unchanged.set(path, file.identity);
  }
  return unchanged;
}
