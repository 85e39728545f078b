import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateRepository } from "./generate-repository.js";
import { gitCommit, type Machine, machine } from "./machine.js";
import { measureCommand } from "./measure.js";
import { repositoryRoot, writeResults } from "./paths.js";

/** A repository size: "examples" is this repository's own services, a number a generated repository. */
export type Size = "examples" | number;

export interface ValidateBenchmarkOptions {
  sizes?: Size[];
  runs?: number;
  /** Folder of validate.json and validate.md. Default: bench/results of this repository. */
  resultsDir?: string;
  /** Seed of the generated repositories. Default 1. */
  seed?: number;
  log?: (line: string) => void;
}

export interface ValidateResult {
  repository: string;
  services: number;
  environments: number;
  teams: number;
  /** (service, environment) pairs resolved. */
  resolved: number;
  wallMs: { median: number; min: number; runs: number[] };
  peakRssMiB: number;
  msPerService: number;
}

export interface ValidateReport {
  benchmark: "validate";
  date: string;
  machine: Machine;
  commit: { id: string; dirty: boolean };
  command: string;
  runs: number;
  seed: number;
  results: ValidateResult[];
}

export const DEFAULT_SIZES: Size[] = ["examples", 100, 1000, 5000];

/**
 * `idp validate` over this repository's examples and generated repositories of
 * growing size: the whole process (start-up, load, schema, resolve, report),
 * `runs` times each, as a user or CI job runs it. Writes validate.json and
 * validate.md and returns the report.
 */
export function runValidateBenchmark(options: ValidateBenchmarkOptions = {}): ValidateReport {
  const sizes = options.sizes ?? DEFAULT_SIZES;
  const runs = options.runs ?? 3;
  const seed = options.seed ?? 1;
  const log = options.log ?? (() => {});
  const measuredOn = machine();
  const results: ValidateResult[] = [];
  for (const size of sizes) {
    const scratch = size === "examples" ? undefined : mkdtempSync(path.join(tmpdir(), "idp-bench-validate-"));
    try {
      const root = scratch ?? repositoryRoot();
      if (scratch !== undefined) {
        log(`generating ${size} services ...`);
        generateRepository(scratch, { services: size as number, seed });
      }
      log(`idp validate on ${size === "examples" ? "the examples" : `${size} services`}, ${runs} runs ...`);
      const measured = measureCommand(["validate", "--root", root, "--format", "json"], { runs });
      const counts = (JSON.parse(measured.stdout) as { counts: Record<string, number> }).counts;
      const services = counts.services ?? 0;
      const result: ValidateResult = {
        repository: size === "examples" ? "examples (this repository)" : `generated, seed ${seed}`,
        services,
        environments: counts.environments ?? 0,
        teams: counts.teams ?? 0,
        resolved: counts.resolved ?? 0,
        wallMs: { ...measured.wallMs, runs: measured.runs.map((run) => run.wallMs) },
        peakRssMiB: measured.peakRssMiB,
        msPerService: services > 0 ? Math.round((measured.wallMs.median / services) * 100) / 100 : 0,
      };
      log(
        `  ${services} services: median ${result.wallMs.median} ms, min ${result.wallMs.min} ms, peak RSS ${result.peakRssMiB} MiB`,
      );
      results.push(result);
    } finally {
      if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
    }
  }
  const report: ValidateReport = {
    benchmark: "validate",
    date: new Date().toISOString(),
    machine: measuredOn,
    commit: gitCommit(),
    command: "node bin/idp.js validate --root <repository> --format json",
    runs,
    seed,
    results,
  };
  writeResults("validate", report, validateMarkdown(report), options.resultsDir);
  return report;
}

export function validateMarkdown(report: ValidateReport): string {
  const m = report.machine;
  const lines = [
    "# idp validate",
    "",
    `${report.date}, commit ${report.commit.id}${report.commit.dirty ? " (with uncommitted changes)" : ""}; ` +
      `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, load average ${m.loadAverage} at the start.`,
    "",
    `The whole \`idp validate\` process (start-up, load, schema, resolve, report), ${report.runs} runs per size; ` +
      "resolved is service × environment pairs.",
    "",
    "| services | resolved | median ms | min ms | peak RSS MiB | ms per service |",
    "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ...report.results.map(
      (r) =>
        `| ${r.services}${r.repository.startsWith("examples") ? " (examples)" : ""} | ${r.resolved} | ${r.wallMs.median} | ${r.wallMs.min} | ${r.peakRssMiB} | ${r.msPerService} |`,
    ),
    "",
  ];
  return lines.join("\n");
}
