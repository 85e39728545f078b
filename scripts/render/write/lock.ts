import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { ToolError } from "../../errors.js";

/** The lock file, relative to the root; its content is the holder's pid. */
export const lockFileName = ".idp-render.lock";

/** A lock file younger than this with no pid in it yet belongs to a render that is starting. */
const startingGraceMs = 10_000;

/**
 * Takes the render lock: `<root>/.idp-render.lock` created with exclusive
 * create (`wx`) and holding our pid. A lock whose pid is not alive (a render
 * that was killed) is taken over. Returns the function that releases it,
 * which removes the file only while it still holds our pid.
 *
 * A lock holding our own pid is stale too: writing is synchronous, so this
 * process cannot be rendering already, and a container that restarts often
 * reuses the pid of the render it killed. Two renders taking over the same
 * stale lock in the same millisecond can both win; that needs a crash and two
 * starts at once, and is accepted.
 *
 * With `waitMs`, a lock held by a live render is waited for (polling) up to
 * that long before giving up: `render --check` waits for a render to finish
 * rather than read a tree halfway through its swap.
 */
export function acquireRenderLock(root: string, waitMs = 0): () => void {
  const path = join(root, lockFileName);
  const deadline = Date.now() + waitMs;
  let takeovers = 0;
  while (takeovers < 3) {
    if (tryCreate(path)) return () => releaseRenderLock(path);
    const holder = readHolder(path);
    if (holder === "gone") continue;
    if (holder === "starting" || isAlive(holder)) {
      if (Date.now() < deadline) {
        sleep(Math.min(LOCK_POLL_MS, Math.max(1, deadline - Date.now())));
        continue;
      }
      const waited = waitMs > 0 ? ` (waited ${waitMs / 1000} s)` : "";
      if (holder === "starting") {
        throw new ToolError(
          `another idp render is starting (${lockFileName} exists and has no pid yet)${waited}; wait for it to finish`,
        );
      }
      throw new ToolError(
        `another idp render is running (pid ${holder})${waited}; wait for it to finish, or delete ${lockFileName} if no render is running`,
      );
    }
    removeIfPresent(path);
    takeovers++;
  }
  throw new ToolError(`could not take ${lockFileName}: other renders keep taking it; try again`);
}

/** How often a waiting render looks at the lock again. */
const LOCK_POLL_MS = 50;

/** Blocks this thread for `ms` milliseconds (writing is synchronous; see writeManifests). */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function tryCreate(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (error) {
    if (codeOf(error) === "EEXIST") return false;
    throw new ToolError(`could not create ${lockFileName}: ${messageOf(error)}`, { cause: error });
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readHolder(path: string): number | "gone" | "starting" {
  let text: string;
  let ageMs: number;
  try {
    text = readFileSync(path, "utf8");
    ageMs = Date.now() - statSync(path).mtimeMs;
  } catch (error) {
    if (codeOf(error) === "ENOENT") return "gone";
    throw new ToolError(`could not read ${lockFileName}: ${messageOf(error)}`, { cause: error });
  }
  const pid = Number(text.trim());
  if (Number.isSafeInteger(pid) && pid > 0) return pid;
  // Empty or garbled: a render between creating the file and writing its pid, or one killed right there.
  return ageMs < startingGraceMs ? "starting" : 0;
}

function isAlive(pid: number): boolean {
  if (pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return codeOf(error) === "EPERM";
  }
}

function releaseRenderLock(path: string): void {
  try {
    if (readFileSync(path, "utf8").trim() === String(process.pid)) unlinkSync(path);
  } catch (error) {
    if (codeOf(error) !== "ENOENT") throw error;
  }
}

function removeIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (codeOf(error) !== "ENOENT") {
      throw new ToolError(`could not remove the stale ${lockFileName}: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }
}

/** The `code` of a Node.js system error, if any. */
export function codeOf(error: unknown): string | undefined {
  return error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : undefined;
}

/** The message of any thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
