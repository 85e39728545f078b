import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { RENDER_KEY_FILE } from "./render-index.js";
import { MANIFEST_FILE } from "./render-jobs.js";
import { type FileIdentity, manifestsDirName } from "./write/tree.js";

/** One file of the committed tree as read: its bytes, the identity it had, and for a manifest its sha256. */
export interface CommittedFile {
  bytes: Uint8Array;
  identity: FileIdentity;
  /** sha256 hex of `bytes`; only for `manifest.yaml` files (what key files record a digest of). */
  sha256?: string;
}

/** The committed tree as read, by path under `manifests/` (`dev/cart/manifest.yaml`, `dev/cart/.render-key`). */
export type CommittedTree = Map<string, CommittedFile>;

/** The files of each `manifests/<env>/<folder>/` that deciding what to render reads. */
const READ = [MANIFEST_FILE, RENDER_KEY_FILE] as const;

/**
 * Reads every `manifests/<env>/<folder>/manifest.yaml` and `.render-key`
 * under `root`, hashing the manifests: what trusting committed files by
 * their render key needs (trusted-files.ts). Only the environment folders
 * are listed, not the thousands of service folders (each file is opened by
 * name). A symbolic link, a folder or anything else that is not a regular
 * file is left out, as is a file that cannot be read: it is then rendered
 * again, never trusted. A missing `manifests/` reads as empty.
 */
export function readCommittedTree(root: string): CommittedTree {
  const tree: CommittedTree = new Map();
  const top = join(root, manifestsDirName);
  for (const environment of folders(top)) {
    for (const folder of folders(join(top, environment))) {
      for (const name of READ) {
        const path = `${environment}/${folder}/${name}`;
        const read = readRegularFile(join(top, path));
        if (!read) continue;
        tree.set(path, name === MANIFEST_FILE ? { ...read, sha256: sha256(read.bytes) } : read);
      }
    }
  }
  return tree;
}

/** sha256 hex of `content` (text as UTF-8). */
export function sha256(content: string | Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}

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

/** The bytes and identity of a regular file at `path`, not following a symbolic link; undefined for anything else. */
function readRegularFile(path: string): Omit<CommittedFile, "sha256"> | undefined {
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
    return { bytes, identity: { ino, size, mtimeMs, ctimeMs } };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
