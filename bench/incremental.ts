import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateRepository } from "./generate-repository.js";
import {
  commitOnMain,
  gitCommit,
  type Machine,
  machine,
  uncommittedNote,
  uncommittedOutsideBench,
} from "./machine.js";
import { type CommandTiming, combine, commandTiming, type Measurement, measureCommand } from "./measure.js";
import { writeResults } from "./paths.js";
import { clearManifests, type Target } from "./render.js";

export interface IncrementalBenchmarkOptions {
  /** Services of the repository the ratios to validate are measured on. Default 1,000. */
  services?: number;
  /** Sizes of the first-render growth check. Default 1,000, 5,000, 10,000. */
  growthSizes?: number[];
  /**
   * First renders at each growth size, the median kept: a single run of
   * 5-35 s moved by up to 40 % with the machine's speed. Default 3.
   */
  growthRuns?: number;
  /** Interleaved rounds of validate, check and one-service render. Default 3. */
  runs?: number;
  seed?: number;
  /** Folder of incremental.json and incremental.md. Default: bench/results of this repository. */
  resultsDir?: string;
  log?: (line: string) => void;
}

/** Wall and CPU time of one command over the rounds, and its peak RSS. */
export interface CommandTimingWithMemory extends CommandTiming {
  peakRssMiB: number;
}

/** One size of the growth check: a first render into an empty tree. */
export interface GrowthStep {
  services: number;
  wallMs: number;
  cpuMs: number;
  peakRssMiB: number;
  /** CPU ms per service added since the previous size; absent for the first size. */
  cpuMsPerAddedService?: number;
  /** Wall ms per service added since the previous size; absent for the first size. */
  wallMsPerAddedService?: number;
}

export interface IncrementalReport {
  benchmark: "incremental";
  date: string;
  machine: Machine;
  loadAverageAtEnd: number;
  commit: { id: string; dirty: boolean };
  uncommitted: string[];
  services: number;
  seed: number;
  runs: number;
  /** First renders at each growth size (their medians are recorded). */
  growthRuns: number;
  /** The service whose image each round changes. */
  changed: string;
  validate: CommandTimingWithMemory;
  check: CommandTimingWithMemory;
  changedRender: CommandTimingWithMemory;
  /** What a pull request's CI runs: `render --check --base main` after the change, the repository committed on main before it. */
  checkBase: CommandTimingWithMemory;
  ratios: {
    check: number;
    changedRender: number;
    checkBase: number;
    checkCpu: number;
    changedRenderCpu: number;
    checkBaseCpu: number;
  };
  growth: GrowthStep[];
  targets: Target[];
}

/** Issue 16: both at most this multiple of `idp validate` of the same tree. */
const VALIDATE_RATIO = 1.3;
/** A later growth step may cost this much more per service than the first and still count as linear (noise). */
const LINEAR_SLACK = 1.25;

/**
 * The incremental targets of issue 16, on a generated repository (default
 * 1,000 services × 3 environments, this repository's policies/), rendered
 * twice beforehand (untimed: the second leaves the spare tree a clone in use
 * has), then committed on main. In interleaved rounds: `idp validate`;
 * `idp render --check` of the unchanged tree; `idp render` after one
 * service's image changed (the change made untimed before the run, a new
 * tag each round); and `idp render --check --base main` of that change,
 * what a pull request's CI runs (recorded, no target). Targets: the first
 * two at most 1.3× validate. Then the growth check: a first render
 * into an empty tree at each growth size (median of `growthRuns`), cost per added
 * service between consecutive sizes; linear when no step costs more than
 * 1.25× the first (CPU time, the least sensitive to other work). Writes
 * incremental.json and incremental.md.
 */
export function runIncrementalBenchmark(options: IncrementalBenchmarkOptions = {}): IncrementalReport {
  const services = options.services ?? 1000;
  const growthSizes = options.growthSizes ?? [1000, 5000, 10000];
  const runs = options.runs ?? 3;
  const growthRuns = options.growthRuns ?? 3;
  const seed = options.seed ?? 1;
  const log = options.log ?? (() => {});
  const measuredOn = machine();
  const scratch = mkdtempSync(path.join(tmpdir(), "idp-bench-incremental-"));
  try {
    const root = path.join(scratch, "repository");
    log(`generating ${services} services × 3 environments, then a first render ...`);
    const generated = generateRepository(root, { services, seed, policiesFrom: true });
    const changed = generated.services[Math.floor(generated.services.length / 2)]?.name ?? "";
    const serviceFile = path.join(root, "services", changed, "service.yaml");
    const original = readFileSync(serviceFile, "utf8");
    measureCommand(["render", "--root", root, "--format", "json"], { runs: 1 });
    // Untimed: a second render leaves the spare tree, as in a clone a developer works in.
    measureCommand(["render", "--full", "--root", root, "--format", "json"], { runs: 1 });
    // Committed on main: the base a pull request's `render --check --base main` reads its key files from.
    commitOnMain(root, "base");

    const validateRounds: Measurement[] = [];
    const checkRounds: Measurement[] = [];
    const changedRounds: Measurement[] = [];
    const checkBaseRounds: Measurement[] = [];
    for (let index = 0; index < runs; index += 1) {
      validateRounds.push(measureCommand(["validate", "--root", root, "--format", "json"], { runs: 1 }));
      checkRounds.push(
        measureCommand(["render", "--check", "--root", root, "--format", "json"], { runs: 1 }),
      );
      changedRounds.push(
        measureCommand(["render", "--root", root, "--format", "json"], {
          runs: 1,
          beforeRun: () => writeFileSync(serviceFile, bumpImage(original, `bench${index + 1}`, changed)),
        }),
      );
      // The change rendered and not committed: what the pull request's CI checks against main.
      checkBaseRounds.push(
        measureCommand(["render", "--check", "--base", "main", "--root", root, "--format", "json"], {
          runs: 1,
        }),
      );
      log(
        `  round ${index + 1}: validate ${last(validateRounds).wallMs.median} ms, ` +
          `render --check ${last(checkRounds).wallMs.median} ms, ` +
          `render after one change ${last(changedRounds).wallMs.median} ms, ` +
          `render --check --base main ${last(checkBaseRounds).wallMs.median} ms`,
      );
    }
    const validate = timing(combine(validateRounds), `idp validate --root <repo> --format json`);
    const check = timing(
      combine(checkRounds),
      `idp render --check --root <repo> --format json (unchanged tree)`,
    );
    const changedRender = timing(
      combine(changedRounds),
      `idp render --root <repo> --format json (after changing ${changed}'s image)`,
    );
    const checkBase = timing(
      combine(checkBaseRounds),
      `idp render --check --base main --root <repo> --format json (${changed}'s change rendered, main the base)`,
    );
    const ratios = {
      check: round2(check.wallMs.median / validate.wallMs.median),
      changedRender: round2(changedRender.wallMs.median / validate.wallMs.median),
      checkBase: round2(checkBase.wallMs.median / validate.wallMs.median),
      checkCpu: round2(check.cpuMs.median / validate.cpuMs.median),
      changedRenderCpu: round2(changedRender.cpuMs.median / validate.cpuMs.median),
      checkBaseCpu: round2(checkBase.cpuMs.median / validate.cpuMs.median),
    };

    const growth = measureGrowth(scratch, growthSizes, seed, growthRuns, log);
    const perService = growth.flatMap((step) =>
      step.cpuMsPerAddedService === undefined ? [] : [step.cpuMsPerAddedService],
    );
    const first = perService[0];
    const worst = Math.max(...perService);
    const scope = `${services} services × ${generated.environments.length} environments`;
    const targets: Target[] = [
      {
        what: `render --check of an unchanged tree / validate, ${scope} (wall medians)`,
        limit: `≤ ${VALIDATE_RATIO}`,
        measured: `${ratios.check} (${check.wallMs.median} / ${validate.wallMs.median} ms)`,
        met: ratios.check <= VALIDATE_RATIO,
      },
      {
        what: `render after changing one service / validate, ${scope} (wall medians)`,
        limit: `≤ ${VALIDATE_RATIO}`,
        measured: `${ratios.changedRender} (${changedRender.wallMs.median} / ${validate.wallMs.median} ms)`,
        met: ratios.changedRender <= VALIDATE_RATIO,
      },
      {
        what: `first render linear in services up to ${Math.max(...growthSizes)} (CPU ms per added service, latest step / first step)`,
        limit: `≤ ${LINEAR_SLACK}`,
        measured:
          first === undefined || perService.length < 2
            ? "needs at least three sizes"
            : `${round2(worst / first)} (${perService.join(", ")})`,
        met: first !== undefined && perService.length >= 2 && worst <= first * LINEAR_SLACK,
      },
    ];
    const report: IncrementalReport = {
      benchmark: "incremental",
      date: new Date().toISOString(),
      machine: measuredOn,
      loadAverageAtEnd: machine().loadAverage,
      commit: gitCommit(),
      uncommitted: uncommittedOutsideBench(),
      services,
      seed,
      runs,
      growthRuns,
      changed,
      validate,
      check,
      changedRender,
      checkBase,
      ratios,
      growth,
      targets,
    };
    writeResults("incremental", report, incrementalMarkdown(report), options.resultsDir);
    return report;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** `text` with the service's image tag replaced by `<tag>-<suffix>`: a change idp must render. */
export function bumpImage(text: string, suffix: string, service = "the service"): string {
  const bumped = text.replace(/^( {2}image: \S+?):(\S+)$/m, `$1:$2-${suffix}`);
  if (bumped === text) throw new Error(`no image line to change in ${service}'s service.yaml`);
  return bumped;
}

/**
 * First renders into an empty tree at each size, in rounds (each round every
 * size once, ascending), medians per size: the machine's speed drifts over
 * minutes, and a size measured in a block of its own takes whatever speed
 * that block had.
 */
function measureGrowth(
  scratch: string,
  sizes: readonly number[],
  seed: number,
  runs: number,
  log: (line: string) => void,
): GrowthStep[] {
  const ascending = [...sizes].sort((a, b) => a - b);
  const roots = ascending.map((size) => {
    const root = path.join(scratch, `growth-${size}`);
    generateRepository(root, { services: size, seed, policiesFrom: true });
    return root;
  });
  // Trees rendered are moved here, and deleted only at the end (see clearManifests).
  const trash = path.join(scratch, "growth-trash");
  mkdirSync(trash);
  const rounds: Measurement[][] = ascending.map(() => []);
  for (let round = 0; round < runs; round += 1) {
    ascending.forEach((size, index) => {
      const root = roots[index] as string;
      const measured = measureCommand(["render", "--root", root, "--format", "json"], {
        runs: 1,
        beforeRun: () => clearManifests(root, trash),
      });
      rounds[index]?.push(measured);
      log(
        `  round ${round + 1}, first render, ${size} services: ${measured.wallMs.median} ms (CPU ${measured.cpuMs.median} ms)`,
      );
    });
  }
  const steps: GrowthStep[] = [];
  ascending.forEach((size, index) => {
    const measured = combine(rounds[index] ?? []);
    const previous = steps[steps.length - 1];
    steps.push({
      services: size,
      wallMs: measured.wallMs.median,
      cpuMs: measured.cpuMs.median,
      peakRssMiB: measured.peakRssMiB,
      ...(previous
        ? {
            cpuMsPerAddedService: round2(
              (measured.cpuMs.median - previous.cpuMs) / (size - previous.services),
            ),
            wallMsPerAddedService: round2(
              (measured.wallMs.median - previous.wallMs) / (size - previous.services),
            ),
          }
        : {}),
    });
  });
  for (const root of roots) rmSync(root, { recursive: true, force: true });
  rmSync(trash, { recursive: true, force: true });
  return steps;
}

function last(measurements: readonly Measurement[]): Measurement {
  return measurements[measurements.length - 1] as Measurement;
}

function timing(measured: Measurement, command: string): CommandTimingWithMemory {
  return { ...commandTiming(measured, command), peakRssMiB: measured.peakRssMiB };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The state the rounds run in, said with every result (README, "What a local render remembers"). */
const READ_CACHE_NOTE =
  "The repository is a git clone: `render` and `render --check` keep what they read of `manifests/` in `.git/idp-read-cache` and believe it for entries that kept their identity, warm from the second round as in a developer's clone; `render --check --base` never uses it.";

/** incremental.md: the three commands, their ratios to validate, the growth column and the targets. */
export function incrementalMarkdown(report: IncrementalReport): string {
  const row = (
    label: string,
    t: CommandTimingWithMemory,
    ratio: number | string,
    cpuRatio: number | string,
  ) =>
    `| ${label} | ${t.wallMs.median} ms | ${t.wallMs.min} ms | ${t.cpuMs.median} ms | ${t.peakRssMiB} MiB | ${ratio} | ${cpuRatio} |`;
  return [
    "# Incremental render",
    "",
    `${report.date}, ${report.machine.cpu} (${report.machine.cores} cores), Node ${report.machine.node}, ` +
      `load average ${report.machine.loadAverage} at the start and ${report.loadAverageAtEnd} at the end, ` +
      `commit ${report.commit.id}${report.commit.dirty ? " (with uncommitted changes)" : ""}. ` +
      `${report.services} services × 3 environments, seed ${report.seed}, ${report.runs} interleaved rounds; ` +
      `each round changes the image of ${report.changed}. Produced by \`npm run bench -- incremental\`.`,
    ...uncommittedNote(report.uncommitted),
    "",
    READ_CACHE_NOTE,
    "",
    "| command | wall median | wall min | CPU median | peak RSS | wall / validate | CPU / validate |",
    "|---|---|---|---|---|---|---|",
    row("`idp validate`", report.validate, 1, 1),
    row("`idp render --check`, unchanged tree", report.check, report.ratios.check, report.ratios.checkCpu),
    row(
      "`idp render` after changing one service's image",
      report.changedRender,
      report.ratios.changedRender,
      report.ratios.changedRenderCpu,
    ),
    row(
      "`idp render --check --base main` of that change (a pull request's CI; no target)",
      report.checkBase,
      report.ratios.checkBase,
      report.ratios.checkBaseCpu,
    ),
    "",
    `## First render into an empty tree, by size (median of ${report.growthRuns} interleaved rounds)`,
    "",
    "| services | wall | CPU | peak RSS | wall ms per added service | CPU ms per added service |",
    "|---|---|---|---|---|---|",
    ...report.growth.map(
      (s) =>
        `| ${s.services} | ${s.wallMs} ms | ${s.cpuMs} ms | ${s.peakRssMiB} MiB | ${s.wallMsPerAddedService ?? ""} | ${s.cpuMsPerAddedService ?? ""} |`,
    ),
    "",
    "## Targets (issue 16)",
    "",
    "| target | limit | measured | met |",
    "|---|---|---|---|",
    ...report.targets.map((t) => `| ${t.what} | ${t.limit} | ${t.measured} | ${t.met ? "yes" : "no"} |`),
    "",
  ].join("\n");
}
