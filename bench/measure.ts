import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { idpEntryPoint, repositoryRoot } from "./paths.js";

export interface MeasureOptions {
  /** Working folder of the child. Default: the repository root. */
  cwd?: string;
  /** How many times to run the command. Default 3. */
  runs?: number;
  /** The exit code every run must end with; a run that does not is an error. Default 0. */
  expectExitCode?: number;
  /** The script node runs with `argv`. Default: `bin/idp.js` of this repository. */
  script?: string;
  /** Called before each run, outside the timed part (to reset what the command writes). */
  beforeRun?: (run: number) => void;
}

/** One run of the command. */
export interface Run {
  wallMs: number;
  /** Peak resident set size of the child process, MiB. */
  peakRssMiB: number;
  /**
   * User + system CPU time of the child, all its threads, ms. Less sensitive
   * than wall time to other work on the machine; above wall time when the
   * child runs threads in parallel.
   */
  cpuMs: number;
  exitCode: number;
}

export interface Measurement {
  argv: string[];
  runs: Run[];
  wallMs: { median: number; min: number };
  cpuMs: { median: number; min: number };
  /** The highest peak RSS over all runs, MiB. */
  peakRssMiB: number;
  /** Standard output of the last run (for counts the command prints). */
  stdout: string;
}

/** The compiled preload next to this module, which reports the child's peak RSS on exit. */
const PRELOAD = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), "peak-rss.js")).href;

/**
 * Runs `node bin/idp.js ...argv` (or `node <options.script> ...argv`) as a child process `runs` times, one after
 * the other, and measures each run's wall time (spawn to exit, so Node start-up
 * and module loading are included, as a user sees them) and peak RSS. The peak
 * RSS comes from a tiny preload that writes `process.resourceUsage().maxRSS`
 * to a file when the child exits.
 */
export function measureCommand(argv: string[], options: MeasureOptions = {}): Measurement {
  const runCount = options.runs ?? 3;
  const expected = options.expectExitCode ?? 0;
  const script = options.script ?? idpEntryPoint();
  const label = options.script ? path.basename(options.script) : "idp";
  const scratch = mkdtempSync(path.join(tmpdir(), "idp-bench-rss-"));
  const runs: Run[] = [];
  let stdout = "";
  try {
    for (let index = 0; index < runCount; index += 1) {
      const rssFile = path.join(scratch, `run-${index}.txt`);
      options.beforeRun?.(index);
      const started = performance.now();
      const child = spawnSync(process.execPath, ["--import", PRELOAD, script, ...argv], {
        cwd: options.cwd ?? repositoryRoot(),
        env: { ...process.env, IDP_BENCH_RSS_FILE: rssFile },
        encoding: "utf8",
        maxBuffer: 512 * 1024 * 1024,
      });
      const wallMs = performance.now() - started;
      if (child.error) throw child.error;
      const exitCode = child.status ?? -1;
      if (exitCode !== expected) {
        throw new Error(
          `${label} ${argv.join(" ")} exited with ${exitCode}${child.signal ? ` (${child.signal})` : ""}, expected ${expected}\n` +
            `${child.stderr}${child.stdout}`.slice(0, 4000),
        );
      }
      const [maxRssKiB, userUs, systemUs] = readFileSync(rssFile, "utf8").trim().split(" ").map(Number);
      runs.push({
        wallMs: round(wallMs),
        peakRssMiB: round((maxRssKiB ?? Number.NaN) / 1024),
        cpuMs: round(((userUs ?? Number.NaN) + (systemUs ?? Number.NaN)) / 1000),
        exitCode,
      });
      stdout = child.stdout;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const times = runs.map((run) => run.wallMs);
  const cpu = runs.map((run) => run.cpuMs);
  return {
    argv,
    runs,
    wallMs: { median: round(median(times)), min: round(Math.min(...times)) },
    cpuMs: { median: round(median(cpu)), min: round(Math.min(...cpu)) },
    peakRssMiB: round(Math.max(...runs.map((run) => run.peakRssMiB))),
    stdout,
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** One decimal place: finer than that is noise between runs. */
export function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Several measurements of the same command (interleaved rounds) as one. */
export function combine(measurements: readonly Measurement[]): Measurement {
  const runs = measurements.flatMap((m) => m.runs);
  const wall = runs.map((run) => run.wallMs);
  const cpu = runs.map((run) => run.cpuMs);
  return {
    argv: measurements[0]?.argv ?? [],
    runs,
    wallMs: { median: round(median(wall)), min: round(Math.min(...wall)) },
    cpuMs: { median: round(median(cpu)), min: round(Math.min(...cpu)) },
    peakRssMiB: round(Math.max(...runs.map((run) => run.peakRssMiB))),
    stdout: measurements[measurements.length - 1]?.stdout ?? "",
  };
}

/** Wall and CPU time of one command over the rounds, with every run: what a report records. */
export interface CommandTiming {
  command: string;
  wallMs: { median: number; min: number; runs: number[] };
  /** User + system CPU time of the child processes, all threads. */
  cpuMs: { median: number; min: number; runs: number[] };
}

/** The timing of `command` as a report records it, from its combined measurement. */
export function commandTiming(measured: Measurement, command: string): CommandTiming {
  return {
    command,
    wallMs: { ...measured.wallMs, runs: measured.runs.map((r) => r.wallMs) },
    cpuMs: { ...measured.cpuMs, runs: measured.runs.map((r) => r.cpuMs) },
  };
}
