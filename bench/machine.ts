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

/** The short commit id of HEAD, and whether the tree had uncommitted changes when measured. */
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
      dirty: git("status", "--porcelain").trim() !== "",
    };
  } catch {
    return { id: "unknown", dirty: false };
  }
}
