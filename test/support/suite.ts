import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect } from "vitest";

/**
 * Pins IDP_TODAY (freeze windows, exception expiry) for the suite that calls
 * this at its top level, and restores what was there after it.
 */
export function pinToday(day: string): void {
  const saved = process.env.IDP_TODAY;
  beforeAll(() => {
    process.env.IDP_TODAY = day;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.IDP_TODAY;
    else process.env.IDP_TODAY = saved;
  });
}

/** A list of temporary folders, each removed after every test of the suite that calls this. */
export function temporaryFolders(): string[] {
  const temps: string[] = [];
  afterEach(() => {
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return temps;
}

/** Runs git in root with a fixed committer (argument array, never a shell) and returns its stdout. */
export function git(root: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.test", ...args], {
    cwd: root,
    encoding: "utf8",
    stdio: "pipe",
  });
}

/** Replaces the first `from` in root/file with `to`; throws when `from` is not there, so a stale edit cannot pass silently. */
export function edit(root: string, file: string, from: string, to: string): void {
  const path = join(root, file);
  const text = readFileSync(path, "utf8");
  if (!text.includes(from)) throw new Error(`edit did not apply to ${file}: ${from}`);
  writeFileSync(path, text.replace(from, to));
}

/** Commits everything in root's work tree with `message`. */
export function commit(root: string, message: string): void {
  git(root, "add", "-A");
  git(root, "commit", "-qm", message);
}

const EXAMPLES = join(import.meta.dirname, "..", "..");

/**
 * A git repository holding a copy of this repository's examples (with
 * `prepare` applied), committed on main, with a branch `change` checked out:
 * what a pull request's plan is made in. The folder goes into `temps`.
 */
export function examplesOnChangeBranch(
  temps: string[],
  prefix: string,
  prepare?: (root: string) => void,
): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  temps.push(root);
  for (const folder of ["environments", "teams", "services", "schemas", "policies"])
    cpSync(join(EXAMPLES, folder), join(root, folder), { recursive: true });
  prepare?.(root);
  git(root, "init", "-q", "-b", "main");
  commit(root, "base");
  git(root, "checkout", "-q", "-b", "change");
  return root;
}

/** Renders the repository at `root` and commits it on a fresh `main`; returns `root`. */
export async function renderedOnMain(root: string): Promise<string> {
  // Imported here: most suites that use this module never run the command line.
  const { run } = await import("../../scripts/run.js");
  const rendered = await run(["render", "--root", root]);
  expect(rendered.exitCode, rendered.stdout).toBe(0);
  git(root, "init", "-q", "-b", "main");
  commit(root, "init");
  return root;
}
