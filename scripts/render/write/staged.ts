import { randomBytes } from "node:crypto";
import { lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ToolError } from "../../errors.js";
import { formatKeyFile, keyFileOf } from "../render-index.js";
import { codeOf, messageOf } from "./lock.js";
import { CARRIAGE_RETURN, checkPath } from "./paths.js";
import { manifestsDirName, sha256, tempPrefix } from "./tree.js";

/**
 * A first render's new tree, written while it is rendered: when there is no
 * `manifests/` to compare with or to link unchanged files from, the thread
 * that renders a file writes it (and its key file) straight into
 * `.manifests.tmp-<pid>-<random>` beside it, so writing thousands of files
 * overlaps rendering and policy instead of following them on one thread.
 * The tree becomes `manifests/` with one rename once every stage passed
 * ({@link commitStagedTree}), or is removed ({@link discardStagedTree}).
 * Made only under the render lock: recoverInterruptedWrite treats every
 * `.manifests.tmp-*` as garbage when no render holds it.
 */
export interface StagedTree {
  /** The absolute path of the folder being filled. */
  dir: string;
}

/**
 * Opens a staged tree for a render into an empty output: undefined when
 * `manifests/` exists (even as a link or a file), since its files are then
 * compared and linked by writeManifests. The caller holds the render lock
 * and recovered an interrupted write.
 */
export function openStagedTree(root: string, environments: readonly string[]): StagedTree | undefined {
  try {
    lstatSync(join(root, manifestsDirName));
    return undefined;
  } catch (error) {
    if (codeOf(error) !== "ENOENT") throw ioError(`could not read ${manifestsDirName}/`, error);
  }
  const dir = join(root, `${tempPrefix}${process.pid}-${randomBytes(6).toString("hex")}`);
  try {
    mkdirSync(dir);
    // The environment folders are shared by the threads' files: made once here, before any thread writes.
    for (const environment of environments) mkdirSync(join(dir, environment));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw ioError(`could not create the new ${manifestsDirName}/ tree`, error);
  }
  return { dir };
}

/**
 * Writes one rendered manifest (`<env>/<folder>/manifest.yaml`, its text as
 * UTF-8) and, when it has a render `key`, its key file (the key and the
 * digest of those bytes) into the staged tree, making its folder, which no
 * other file's thread makes (one file per folder). Called by every
 * rendering thread; checks the path and bytes as writeManifests does.
 */
export function writeStagedFile(
  staged: StagedTree,
  path: string,
  text: string,
  key: string | undefined,
): void {
  checkPath(path);
  const length = Buffer.byteLength(text, "utf8");
  if (encoded.length < length) encoded = Buffer.allocUnsafe(length * 2);
  const bytes = encoded.subarray(0, encoded.write(text, 0, "utf8"));
  if (bytes.includes(CARRIAGE_RETURN))
    throw new ToolError(`cannot write manifests/${path}: it contains a carriage return`);
  mkdirSync(join(staged.dir, path.slice(0, path.lastIndexOf("/"))));
  writeFileSync(join(staged.dir, path), bytes);
  if (key !== undefined)
    writeFileSync(join(staged.dir, keyFileOf(path)), formatKeyFile({ key, sha256: sha256(bytes) }));
}

/** One buffer per thread that texts are encoded into: a buffer per file measured as dear as the write. */
let encoded = Buffer.allocUnsafe(64 * 1024);

/**
 * Makes the staged tree `manifests/`, after writing `extra` (README.md) into
 * it: one rename. Nothing else renders meanwhile (the caller holds the
 * render lock); a `manifests/` made by hand since is replaced only when
 * empty (rename onto a folder with anything in it fails). On failure the
 * staged tree is removed and `manifests/` is as it was.
 */
export function commitStagedTree(root: string, staged: StagedTree, extra: ReadonlyMap<string, string>): void {
  try {
    for (const [path, text] of extra) writeFileSync(join(staged.dir, path), text);
    renameSync(staged.dir, join(root, manifestsDirName));
  } catch (error) {
    discardStagedTree(staged);
    throw ioError(`could not move the new tree to ${manifestsDirName}/`, error);
  }
}

/** Removes a staged tree that is not wanted (an earlier stage failed). */
export function discardStagedTree(staged: StagedTree): void {
  try {
    rmSync(staged.dir, { recursive: true, force: true });
  } catch {
    // A leftover is harmless: the next render's recovery removes it.
  }
}

function ioError(what: string, error: unknown): ToolError {
  return new ToolError(`${what}: ${messageOf(error)}`, { cause: error });
}
