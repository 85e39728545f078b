import { MANIFEST_FILE } from "./render-jobs.js";

/**
 * The file beside each rendered `manifest.yaml` that records its render key
 * and the digest of its bytes: `manifests/<env>/<service>/.render-key`. One
 * per folder, so it is owned (CODEOWNERS, policy OWN001/OWN002) like the
 * manifest beside it and two pull requests never touch the same one; GitOps
 * controllers read only `.yaml`, `.yml` and `.json` files, so they ignore it.
 */
export const RENDER_KEY_FILE = ".render-key";

/** What the index records for one rendered file. */
export interface RenderIndexEntry {
  /** The render key its inputs gave (render-keys.ts; it includes the render code's version). */
  key: string;
  /** sha256 hex of the file's bytes as rendered. */
  sha256: string;
}

/** Entries by the path of the manifest they are for, relative to `manifests/` (`dev/cart/manifest.yaml`). */
export type RenderIndex = ReadonlyMap<string, RenderIndexEntry>;

/** The key file of the manifest at `path` (`dev/cart/manifest.yaml` → `dev/cart/.render-key`). */
export function keyFileOf(path: string): string {
  return `${path.slice(0, path.length - MANIFEST_FILE.length)}${RENDER_KEY_FILE}`;
}

/** Whether `path` (any prefix) names a key file: bookkeeping beside a manifest, not objects. */
export function isKeyFile(path: string): boolean {
  return path === RENDER_KEY_FILE || path.endsWith(`/${RENDER_KEY_FILE}`);
}

/** The manifest a key file is for (`manifests/dev/cart/.render-key` → `manifests/dev/cart/manifest.yaml`). */
export function manifestOfKeyFile(path: string): string {
  return `${path.slice(0, path.length - RENDER_KEY_FILE.length)}${MANIFEST_FILE}`;
}

const HEADER =
  "# Written by idp render: the render key of manifest.yaml and the sha256 of its bytes. Do not edit.";

/** The text of a key file. */
export function formatKeyFile(entry: RenderIndexEntry): string {
  return `${HEADER}\nkey ${entry.key}\nsha256 ${entry.sha256}\n`;
}

/** A key file larger than this is not read. */
const MAX_KEY_FILE_BYTES = 4096;

const KEY_FILE = /^# [^\n]*\nkey ([0-9a-f]{64})\nsha256 ([0-9a-f]{64})\n$/;

/**
 * The entry a key file's text records, or undefined for anything else. Key
 * files come from a pull request like everything else, so nothing in one is
 * believed: text not exactly in the written form records nothing, and an
 * entry only ever spares a render when the key recomputed from the inputs
 * and the digest of the bytes on disk both equal it (see trustedFiles). The
 * worst a key file can do is make a render do more work; which key files may
 * be believed to judge a change is README.md's "Rendering" section.
 */
export function parseKeyFile(text: string | undefined): RenderIndexEntry | undefined {
  if (text === undefined || text.length > MAX_KEY_FILE_BYTES) return undefined;
  const match = KEY_FILE.exec(text);
  return match ? { key: match[1] as string, sha256: match[2] as string } : undefined;
}
