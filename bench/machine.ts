import { execFileSync } from "node:child_process";
import os from "node:os";
import { repositoryRoot } from "./paths.js";

/** What a result was measured on. */
export interface Machine {
  os: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  /** 1-minute load average when the benchmark started: above the core count, other work competed for the CPU. */
  loadAverage: number;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    loadAverage: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
}

/**
 * The short commit id of HEAD, and whether the tree had uncommitted changes
 * when measured, results under bench/results/ aside (benchmarks run one after
 * another write them).
 */
export function gitCommit(): { id: string; dirty: boolean } {
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: repositoryRoot(),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  try {
    return {
      id: git("rev-parse", "--short", "HEAD").trim(),
      dirty: git("status", "--porcelain", "--", ".", ":!bench/results").trim() !== "",
    };
  } catch {
    return { id: "unknown", dirty: false };
  }
}

/**
 * Uncommitted changes outside bench/ (`git status --porcelain` lines, such as
 * ` M scripts/render/write.ts`): what a measurement of a dirty tree measured
 * beyond its commit.
 */
export function uncommittedOutsideBench(): string[] {
  try {
    return execFileSync("git", ["status", "--porcelain", "--untracked-files=all"], {
      cwd: repositoryRoot(),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    })
      .split("\n")
      .filter((line) => line.trim() !== "" && !line.slice(3).startsWith("bench/"))
      .sort((a, b) => (a.slice(3) < b.slice(3) ? -1 : a.slice(3) > b.slice(3) ? 1 : 0));
  } catch {
    return [];
  }
}

/** A Markdown paragraph on what a dirty tree had beyond its commit: idp's own sources (scripts/) by name, the rest counted. */
export function uncommittedNote(uncommitted: readonly string[]): string[] {
  if (uncommitted.length === 0) return [];
  const sources = uncommitted.filter((line) => line.slice(3).startsWith("scripts/"));
  const named = sources.map((line) => `\`${line.trim()}\``).join(", ");
  const others = uncommitted.length - sources.length;
  return [
    "",
    `Measured on a tree with ${uncommitted.length} uncommitted changes outside bench/ (all listed in the JSON)` +
      (sources.length > 0 ? `; in idp's sources: ${named}` : "; none in idp's sources (scripts/)") +
      (others > 0 && sources.length > 0 ? `; and ${others} elsewhere.` : "."),
  ];
}

/**
 * Writes every dirty page to disk (`sync`), untimed before a timed run that
 * writes files: otherwise the previous run's tens of megabytes are written
 * back during this one, and its system time depends on what ran before
 * (a first render measured 1.5 to 4 s of system time that way).
 */
export function settleDisk(): void {
  execFileSync("sync");
}

/**
 * Makes `root` a git repository with everything in it committed on main (a
 * fixed bench identity), and gives a runner of further git commands there
 * (argument arrays, never a shell).
 */
export function commitOnMain(root: string, message: string): (...args: string[]) => Buffer {
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.test", ...args], {
      cwd: root,
      stdio: "pipe",
    });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-qm", message);
  return git;
}
