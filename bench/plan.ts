import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { generateRepository } from "./generate-repository.js";
import { commitOnMain, gitCommit, type Machine, machine } from "./machine.js";
import { combine, type Measurement, measureCommand } from "./measure.js";
import { writeResults } from "./paths.js";

export interface PlanBenchmarkOptions {
  /** Generated repository sizes (services). Default 10, 100, 1,000, 10,000. */
  sizes?: number[];
  /** Runs per size. Default 3. */
  runs?: number;
  /** Folder of plan.json and plan.md. Default: bench/results of this repository. */
  resultsDir?: string;
  seed?: number;
  log?: (line: string) => void;
}

export interface PlanResult {
  services: number;
  /** The one service whose image the change bumps. */
  changed: string;
  /** Manifests in the plan (service, environment pairs that change, plus _platform ones). */
  manifests: number;
  wallMs: { median: number; min: number; runs: number[] };
  /** User + system CPU time, all threads; less sensitive to other work on the machine. */
  cpuMs: { median: number; min: number; runs: number[] };
  peakRssMiB: number;
  /**
   * `idp validate` of the same head, timed in the same rounds: what any plan
   * must at least do (it validates and judges every service of the head),
   * the floor under the ratio between sizes.
   */
  validateMs: { median: number; runs: number[] };
}

export interface PlanReport {
  benchmark: "plan";
  date: string;
  machine: Machine;
  loadAverageAtEnd: number;
  commit: { id: string; dirty: boolean };
  command: string;
  runs: number;
  seed: number;
  results: PlanResult[];
  targets: { issue: number; what: string; limit: string; measured: string; met: boolean }[];
  /** Validate of the 1,000-service head / plan of the 10-service one (medians): where the plan ratio's floor is. */
  floor?: string;
}

const TARGET_SIZE = 1000;
const SMALL_SIZE = 10;
const TARGET_MS = 3000;
/** Issue 16: a one-service plan at 1,000 services costs at most this many times the 10-service one. */
const SCALE_RATIO = 1.5;
const HUGE_SIZE = 10000;
const HUGE_MS = 10000;
const HUGE_RSS_MIB = 1024;

/**
 * `idp plan --base main` as a whole process on generated repositories (this
 * repository's policies/ copied in), each a real git repository: everything
 * committed on main, then a branch that bumps one service's image. The
 * targets of issue 5: 1,000 services under 3 s, and no slower than twice
 * the 10-service repository; of issue 16: 1,000 services at most 1.5 times
 * the 10-service repository, 10,000 services under 10 s and 1 GiB peak RSS.
 * Writes plan.json and plan.md.
 */
export function runPlanBenchmark(options: PlanBenchmarkOptions = {}): PlanReport {
  const sizes = options.sizes ?? [SMALL_SIZE, 100, TARGET_SIZE, HUGE_SIZE];
  const runs = options.runs ?? 3;
  const seed = options.seed ?? 1;
  const log = options.log ?? (() => {});
  // A fixed day outside every freeze window: the change must pass for its run to count.
  process.env.IDP_TODAY ??= "2026-11-25";
  const measuredOn = machine();
  const scratch = mkdtempSync(path.join(tmpdir(), "idp-bench-plan-"));
  try {
    const repositories = sizes.map((size) => {
      const root = path.join(scratch, `repository-${size}`);
      log(`generating ${size} services, committed on main, with a branch that bumps one image ...`);
      return { size, root, changed: prepareRepository(root, size, seed) };
    });
    // Interleaved rounds (every size once, then again), so a change in the machine's load
    // touches every size alike and the ratio between sizes holds up.
    const rounds = repositories.map(() => [] as Measurement[]);
    const validations = repositories.map(() => [] as Measurement[]);
    for (let round = 0; round < runs; round += 1) {
      repositories.forEach(({ size, root }, index) => {
        const measured = measureCommand(["plan", "--root", root, "--base", "main", "--format", "json"], {
          runs: 1,
        });
        const validated = measureCommand(["validate", "--root", root, "--format", "json"], { runs: 1 });
        log(
          `  round ${round + 1}, ${size} services: ${measured.wallMs.median} ms (CPU ${measured.cpuMs.median} ms), validate ${validated.wallMs.median} ms`,
        );
        rounds[index]?.push(measured);
        validations[index]?.push(validated);
      });
    }
    const results: PlanResult[] = repositories.map(({ size, changed }, index) => {
      const measured = combine(rounds[index] ?? []);
      const plan = JSON.parse(measured.stdout) as { environments: { services: unknown[] }[] };
      return {
        services: size,
        changed,
        manifests: plan.environments.reduce((n, e) => n + e.services.length, 0),
        wallMs: { ...measured.wallMs, runs: measured.runs.map((r) => r.wallMs) },
        cpuMs: { ...measured.cpuMs, runs: measured.runs.map((r) => r.cpuMs) },
        peakRssMiB: measured.peakRssMiB,
        validateMs: validateMs(validations[index] ?? []),
      };
    });
    return writeReport(results, { runs, seed, measuredOn, resultsDir: options.resultsDir });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function validateMs(measured: Measurement[]): PlanResult["validateMs"] {
  const combined = combine(measured);
  return { median: combined.wallMs.median, runs: combined.runs.map((r) => r.wallMs) };
}

/** A generated repository committed on main, and a branch `change` that bumps one service's image; returns that service's name. */
export function prepareRepository(root: string, size: number, seed: number): string {
  const generated = generateRepository(root, { services: size, seed, policiesFrom: true });
  const changed = generated.services[Math.floor(generated.services.length / 2)]?.name ?? "";
  const git = commitOnMain(root, "base");
  git("checkout", "-q", "-b", "change");
  const file = path.join(root, "services", changed, "service.yaml");
  const text = readFileSync(file, "utf8");
  const bumped = text.replace(/^( {2}image: \S+?):(\S+)$/m, "$1:$2-plan");
  if (bumped === text) throw new Error(`no image line to bump in services/${changed}/service.yaml`);
  writeFileSync(file, bumped);
  git("commit", "-qam", `bump ${changed}`);
  return changed;
}

function writeReport(
  results: PlanResult[],
  context: { runs: number; seed: number; measuredOn: Machine; resultsDir: string | undefined },
): PlanReport {
  const { runs, seed, measuredOn } = context;
  const big = results.find((r) => r.services === TARGET_SIZE);
  const small = results.find((r) => r.services === SMALL_SIZE);
  const targets: PlanReport["targets"] = [];
  if (big) {
    targets.push({
      issue: 5,
      what: `idp plan, ${TARGET_SIZE} services, one changed, whole process (median)`,
      limit: `< ${TARGET_MS} ms`,
      measured: `${big.wallMs.median} ms`,
      met: big.wallMs.median < TARGET_MS,
    });
  }
  if (big && small) {
    const ratio = Math.round((big.wallMs.median / small.wallMs.median) * 100) / 100;
    const measured = `${ratio} (CPU time: ${Math.round((big.cpuMs.median / small.cpuMs.median) * 100) / 100})`;
    const what = `${TARGET_SIZE} services / ${SMALL_SIZE} services (medians)`;
    targets.push({ issue: 5, what, limit: "≤ 2", measured, met: ratio <= 2 });
    targets.push({ issue: 16, what, limit: `≤ ${SCALE_RATIO}`, measured, met: ratio <= SCALE_RATIO });
  }
  const floor =
    big && small
      ? `idp validate of the ${TARGET_SIZE}-service head alone takes ${Math.round((big.validateMs.median / small.wallMs.median) * 100) / 100}× the whole ${SMALL_SIZE}-service plan (${big.validateMs.median} / ${small.wallMs.median} ms): a plan validates and judges every service of its head, so it cannot cost less than this`
      : undefined;
  const huge = results.find((r) => r.services === HUGE_SIZE);
  if (huge) {
    targets.push({
      issue: 16,
      what: `idp plan, ${HUGE_SIZE} services, one changed, whole process (median)`,
      limit: `< ${HUGE_MS} ms`,
      measured: `${huge.wallMs.median} ms`,
      met: huge.wallMs.median < HUGE_MS,
    });
    targets.push({
      issue: 16,
      what: `idp plan, ${HUGE_SIZE} services, peak RSS (highest of the runs)`,
      limit: `< ${HUGE_RSS_MIB} MiB`,
      measured: `${huge.peakRssMiB} MiB`,
      met: huge.peakRssMiB < HUGE_RSS_MIB,
    });
  }
  const report: PlanReport = {
    benchmark: "plan",
    date: new Date().toISOString(),
    machine: measuredOn,
    loadAverageAtEnd: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
    commit: gitCommit(),
    command: "node bin/idp.js plan --root <repository> --base main --format json",
    runs,
    seed,
    results,
    targets,
    ...(floor ? { floor } : {}),
  };
  writeResults("plan", report, planMarkdown(report), context.resultsDir);
  return report;
}

function planMarkdown(report: PlanReport): string {
  const m = report.machine;
  const rows = report.results.map(
    (r) =>
      `| ${r.services} | ${r.changed} | ${r.manifests} | ${r.wallMs.median} | ${r.wallMs.min} | ${r.wallMs.runs.join(", ")} | ${r.cpuMs.median} | ${r.peakRssMiB} | ${r.validateMs.median} |`,
  );
  const targets = report.targets.map(
    (t) => `| ${t.issue} | ${t.what} | ${t.limit} | ${t.measured} | ${t.met ? "yes" : "**no**"} |`,
  );
  return [
    "# idp plan",
    "",
    `${report.date}, commit ${report.commit.id}${report.commit.dirty ? " (with uncommitted changes)" : ""}; ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; load average ${m.loadAverage} at the start, ${report.loadAverageAtEnd} at the end.`,
    "",
    `\`${report.command}\` as a whole process, ${report.runs} runs per size, on generated repositories (seed ${report.seed}, 3 environments, this repository's policies/) committed on main, with a branch that bumps one service's image, measured in interleaved rounds (every size once per round). Times in ms; CPU is user + system time of all threads; manifests is how many manifests the plan shows.`,
    "",
    "| services | changed | manifests | median ms | min ms | runs ms | CPU median ms | peak RSS MiB | validate median ms |",
    "| ---: | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
    ...rows,
    "",
    "validate: `idp validate` of the same head in the same rounds, after each plan.",
    ...(report.floor ? ["", `**Floor of the ratio.** ${report.floor}.`] : []),
    "",
    "## Targets (issues 5 and 16)",
    "",
    "| issue | target | limit | measured | met |",
    "| ---: | --- | --- | --- | --- |",
    ...targets,
    "",
  ].join("\n");
}
