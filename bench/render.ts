import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type ProfileSummary, profileCommand } from "./cpu-profile.js";
import { generateRepository } from "./generate-repository.js";
import {
  gitCommit,
  type Machine,
  machine,
  settleDisk,
  uncommittedNote,
  uncommittedOutsideBench,
} from "./machine.js";
import { combine, type Measurement, measureCommand, median, round } from "./measure.js";
import { writeResults } from "./paths.js";
import { type FloorReport, packTree, unpackTree } from "./render-floor.js";
import type { StageReport } from "./render-stages.js";

export interface RenderBenchmarkOptions {
  /** Generated repository sizes (services). Default 100, 1,000, 5,000. */
  sizes?: number[];
  /**
   * Runs of each measurement. Default 3 up to 1,000 services (where the
   * targets are judged) and 1 above (a 5,000-service render takes about a
   * minute on 2 cores; it serves the growth check and the memory trend).
   */
  runs?: number;
  /** Folder of render.json and render.md. Default: bench/results of this repository. */
  resultsDir?: string;
  /** Seed of the generated repositories. Default 1. */
  seed?: number;
  /**
   * Profile one first render of the target size with `node --cpu-prof`:
   * "auto" (default) when a target is missed, true always, false never.
   */
  profile?: boolean | "auto";
  log?: (line: string) => void;
}

export interface Timing {
  /** Wall time, ms. */
  median: number;
  min: number;
  runs: number[];
  /** User + system CPU time of the process, all threads, ms. */
  cpuMs: { median: number; min: number; runs: number[] };
  /** The highest peak RSS over the runs, MiB. */
  peakRssMiB: number;
}

export interface RenderResult {
  services: number;
  /** Runs of each of first, re-render and floor. */
  runs: number;
  environments: number;
  teams: number;
  /** (service, environment) pairs rendered: one manifest each. */
  resolved: number;
  /** Files under manifests/ (one per resolved service, one _platform per environment, README.md). */
  files: number;
  outputMiB: number;
  /** `idp render` into an empty manifests/ (every run starts from none). */
  first: Timing;
  /** `idp render` again with nothing changed: everything compared, nothing written. */
  rerender: Timing;
  /** The floor: read and parse the same inputs, write the same bytes (render-floor.ts). */
  floor: Timing & { insideMs: FloorReport["ms"] };
  /** first / floor, and rerender / floor, on the medians and on the minimums; and on the CPU time medians. */
  ratio: { median: number; min: number; rerenderMedian: number; cpuMedian: number };
  /** Median wall time divided by the services. */
  msPerService: { first: number; rerender: number; floor: number };
  /** At the target size: each stage in one thread (render-stages.ts, medians of the runs), and the bound they set. */
  stages?: StageReport["ms"] & { objects: number; bound: StageBound };
}

/**
 * The least wall time a render built from these stages can take on `cores`
 * cores: the floor, plus validation beyond the floor's reading and parsing
 * (serial: everything after it needs the resolved services), plus policy,
 * loading the chart code in every rendering thread, building and serializing,
 * spread perfectly over the cores, with no garbage collection, waiting or
 * hand-over beyond what the stages measured.
 */
export interface StageBound {
  cores: number;
  ms: number;
  /** `ms` over the floor's median: the render / floor ratio no render of these stages can beat. */
  ratio: number;
}

export interface Target {
  what: string;
  limit: string;
  measured: string;
  met: boolean;
}

export interface RenderReport {
  benchmark: "render";
  date: string;
  machine: Machine;
  /** 1-minute load average when the last measurement ended. */
  loadAverageAtEnd: number;
  commit: { id: string; dirty: boolean };
  /** Uncommitted changes outside bench/ when measured (`git status --porcelain` lines). */
  uncommitted: string[];
  commands: { render: string; floor: string };
  /** Runs per measurement when given for all sizes; otherwise each result says. */
  runs: number | "3 up to 1,000 services, 1 above";
  seed: number;
  results: RenderResult[];
  /**
   * Cost of each service added between two sizes (ms of first render per extra
   * service: wall time from the medians and from the minimums, and CPU time
   * from the medians): flat is linear.
   */
  growth: {
    from: number;
    to: number;
    marginalMsPerService: { median: number; min: number; cpuMedian: number };
  }[];
  /** The targets of issue 3, judged on the 1,000-service repository when it was measured. */
  targets: Target[];
  profile?: ProfileSummary;
}

export const DEFAULT_RENDER_SIZES = [100, 1000, 5000];
/** The size the targets are stated for. */
const TARGET_SIZE = 1000;
const TARGET_MS = 4000;
const TARGET_RSS_MIB = 512;
const TARGET_RATIO = 3;
/** Marginal cost per service may grow this much between sizes and still count as linear (noise). */
const LINEAR_TOLERANCE = 1.25;

const FLOOR_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "render-floor.js");
const STAGES_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "render-stages.js");

/**
 * `idp render` on generated repositories of growing size (3 environments,
 * this repository's policies/ copied in so the policy stage runs as in real
 * use): the first render into an empty manifests/, a re-render with nothing
 * changed, and the floor (read the same inputs, write the same bytes) as
 * whole processes, `runs` times each. Writes render.json and render.md.
 */
export function runRenderBenchmark(options: RenderBenchmarkOptions = {}): RenderReport {
  const sizes = options.sizes ?? DEFAULT_RENDER_SIZES;
  const runsFor = (size: number) => options.runs ?? (size > TARGET_SIZE ? 1 : 3);
  const seed = options.seed ?? 1;
  const log = options.log ?? (() => {});
  const measuredOn = machine();
  const results: RenderResult[] = [];
  let profile: ProfileSummary | undefined;
  const scratches: string[] = [];
  for (const size of sizes) {
    const scratch = mkdtempSync(path.join(tmpdir(), "idp-bench-render-"));
    try {
      const root = path.join(scratch, "repository");
      // Earlier output is moved aside, never deleted between measurements: ext4 skips inodes
      // freed in the last seconds when it allocates new ones, so creating thousands of files
      // right after deleting thousands costs several times as much kernel time as creating
      // them on a quiet disk. That is the benchmark's own clean-up, not rendering.
      const trash = path.join(scratch, "trash");
      mkdirSync(trash);
      const floorOut = (round: number) => path.join(scratch, `floor-${round}`, "manifests");
      const bundle = path.join(scratch, "manifests.bundle");
      log(`generating ${size} services (with policies/) ...`);
      const generated = generateRepository(root, { services: size, seed, policiesFrom: true });
      const resolved = generated.services.reduce(
        (sum, service) => sum + generated.environments.length - service.disabledIn.length,
        0,
      );
      const renderArgv = ["render", "--root", root, "--format", "json"];
      const runs = runsFor(size);

      // Interleaved rounds (first, re-render, floor; first, re-render, floor; ...), so a change
      // in the machine's load touches the three alike and the ratio to the floor holds up.
      log(
        `${runs} rounds of: idp render into an empty manifests/, idp render again, the floor (${size} services) ...`,
      );
      const rounds: { first: Measurement; rerender: Measurement; floor: Measurement }[] = [];
      let files = 0;
      for (let round = 0; round < runs; round += 1) {
        const first = measureCommand(renderArgv, { runs: 1, beforeRun: () => clearManifests(root, trash) });
        const written = JSON.parse(first.stdout) as { added: string[] };
        files = written.added.length;
        if (files !== resolved + generated.environments.length + 1) {
          throw new Error(
            `idp render wrote ${files} files, expected ${resolved + generated.environments.length + 1}`,
          );
        }
        const rerender = measureCommand(renderArgv, { runs: 1 });
        const again = JSON.parse(rerender.stdout) as {
          added: string[];
          changed: string[];
          removed: string[];
          unchanged: number;
        };
        if (
          again.added.length + again.changed.length + again.removed.length > 0 ||
          again.unchanged !== files
        ) {
          throw new Error(
            `a re-render with nothing changed changed something: ${rerender.stdout.slice(0, 400)}`,
          );
        }
        if (round === 0) packTree(path.join(root, "manifests"), bundle);
        const floor = measureCommand([root, bundle, floorOut(round)], { runs: 1, script: FLOOR_SCRIPT });
        if (round === 0) sameTree(path.join(root, "manifests"), floorOut(round), bundle);
        log(
          `  round ${round + 1}: first ${first.wallMs.median} ms (${first.peakRssMiB} MiB), ` +
            `re-render ${rerender.wallMs.median} ms (${rerender.peakRssMiB} MiB), floor ${floor.wallMs.median} ms`,
        );
        rounds.push({ first, rerender, floor });
      }
      const first = combine(rounds.map((r) => r.first));
      const rerender = combine(rounds.map((r) => r.rerender));
      const floor = combine(rounds.map((r) => r.floor));
      const packed = { bytes: [...unpackTree(bundle).values()].reduce((sum, b) => sum + b.length, 0) };
      const inside = JSON.parse(floor.stdout) as FloorReport;

      const perService = (m: Measurement) => round2(m.wallMs.median / size);
      let stages: RenderResult["stages"];
      if (size === TARGET_SIZE) {
        log(`${runs} runs of each render stage in one thread (${size} services) ...`);
        stages = measureStageBound(root, runs, floor.wallMs.median, inside.ms.readAndParse, measuredOn.cores);
      }
      results.push({
        services: size,
        runs,
        environments: generated.environments.length,
        teams: generated.teams.length,
        resolved,
        files,
        outputMiB: round2(packed.bytes / 1024 ** 2),
        first: timing(first),
        rerender: timing(rerender),
        floor: { ...timing(floor), insideMs: inside.ms },
        ratio: {
          median: round2(first.wallMs.median / floor.wallMs.median),
          min: round2(first.wallMs.min / floor.wallMs.min),
          rerenderMedian: round2(rerender.wallMs.median / floor.wallMs.median),
          cpuMedian: round2(first.cpuMs.median / floor.cpuMs.median),
        },
        msPerService: { first: perService(first), rerender: perService(rerender), floor: perService(floor) },
        ...(stages ? { stages } : {}),
      });

      const result = results[results.length - 1] as RenderResult;
      const missed = size === TARGET_SIZE && judge(result).some((target) => !target.met);
      const wanted = options.profile ?? "auto";
      if (size === TARGET_SIZE && (wanted === true || (wanted === "auto" && missed))) {
        log(`profiling one first render of ${size} services (node --cpu-prof) ...`);
        profile = {
          ...profileCommand(renderArgv, () => clearManifests(root, trash)),
          command: `node --cpu-prof dist/scripts/cli.js render --root <${size} services> --format json`,
        };
      }
    } catch (failure) {
      rmSync(scratch, { recursive: true, force: true });
      throw failure;
    }
    scratches.push(scratch);
  }
  // Deleted only now, for the reason clearManifests moves trees aside.
  for (const scratch of scratches) rmSync(scratch, { recursive: true, force: true });
  const growth = results.slice(1).map((result, index) => {
    const previous = results[index] as RenderResult;
    return {
      from: previous.services,
      to: result.services,
      marginalMsPerService: {
        median: round2((result.first.median - previous.first.median) / (result.services - previous.services)),
        min: round2((result.first.min - previous.first.min) / (result.services - previous.services)),
        cpuMedian: round2(
          (result.first.cpuMs.median - previous.first.cpuMs.median) / (result.services - previous.services),
        ),
      },
    };
  });
  const atTarget = results.find((result) => result.services === TARGET_SIZE);
  const targets = atTarget ? judge(atTarget) : [];
  if (growth.length >= 2) {
    const [early, late] = [growth[0], growth[growth.length - 1]] as [
      RenderReport["growth"][0],
      RenderReport["growth"][0],
    ];
    // Judged on CPU time: the least sensitive to other work on the machine (wall time is in the growth line).
    targets.push({
      what: "cost grows linearly (first render, CPU ms per added service)",
      limit: `${late.from}→${late.to} at most ${LINEAR_TOLERANCE}× ${early.from}→${early.to}`,
      measured: `${early.marginalMsPerService.cpuMedian} then ${late.marginalMsPerService.cpuMedian} CPU ms per service`,
      met: late.marginalMsPerService.cpuMedian <= early.marginalMsPerService.cpuMedian * LINEAR_TOLERANCE,
    });
  }
  const report: RenderReport = {
    benchmark: "render",
    date: new Date().toISOString(),
    machine: measuredOn,
    loadAverageAtEnd: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
    commit: gitCommit(),
    uncommitted: uncommittedOutsideBench(),
    commands: {
      render: "node bin/idp.js render --root <repository> --format json",
      floor: "node dist/bench/render-floor.js <repository> <bundle of the rendered files> <fresh folder>",
    },
    runs: options.runs ?? "3 up to 1,000 services, 1 above",
    seed,
    results,
    growth,
    targets,
    ...(profile ? { profile } : {}),
  };
  writeResults("render", report, renderMarkdown(report), options.resultsDir);
  return report;
}

/** The targets of issue 3 for one result (meant for 1,000 services × 3 environments). */
function judge(result: RenderResult): Target[] {
  const scope = `${result.services} services × ${result.environments} environments`;
  return [
    {
      what: `first render, ${scope}, whole process (median)`,
      limit: `< ${TARGET_MS} ms`,
      measured: `${result.first.median} ms`,
      met: result.first.median < TARGET_MS,
    },
    {
      what: `re-render with nothing changed, ${scope} (median)`,
      limit: `< ${TARGET_MS} ms`,
      measured: `${result.rerender.median} ms`,
      met: result.rerender.median < TARGET_MS,
    },
    {
      what: `peak RSS, ${scope}`,
      limit: `< ${TARGET_RSS_MIB} MiB`,
      measured: `${Math.max(result.first.peakRssMiB, result.rerender.peakRssMiB)} MiB`,
      met: Math.max(result.first.peakRssMiB, result.rerender.peakRssMiB) < TARGET_RSS_MIB,
    },
    {
      what: `render / floor, ${scope} (medians)`,
      limit: `< ${TARGET_RATIO}`,
      measured: `${result.ratio.median}`,
      met: result.ratio.median < TARGET_RATIO,
    },
  ];
}

/** Moves every trace of earlier renders (the tree, its spare, the lock) out of `root` into `trash`, then settles the disk (settleDisk). */
export function clearManifests(root: string, trash: string): void {
  for (const name of readdirSync(root)) {
    if (name === "manifests" || name.startsWith(".manifests.") || name === ".idp-render.lock") {
      renameSync(path.join(root, name), path.join(trash, `${readdirSync(trash).length}-${name}`));
    }
  }
  settleDisk();
}

/** The floor must have written exactly the bytes idp render wrote: same files, same content. */
function sameTree(rendered: string, floorOut: string, bundle: string): void {
  const expected = unpackTree(bundle);
  const listed = readdirSync(floorOut, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  if (listed.length !== expected.size) {
    throw new Error(`the floor wrote ${listed.length} files into ${floorOut}, idp render ${expected.size}`);
  }
  for (const [relative, bytes] of expected) {
    const written = readFileSync(path.join(floorOut, relative));
    if (!written.equals(bytes) || !readFileSync(path.join(rendered, relative)).equals(bytes)) {
      throw new Error(`the floor's ${relative} differs from what idp render wrote`);
    }
  }
}

/** The stages of render-stages.ts, `runs` cold processes, their medians, and the bound they set (StageBound). */
function measureStageBound(
  root: string,
  runs: number,
  floorMs: number,
  floorParseMs: number,
  cores: number,
): NonNullable<RenderResult["stages"]> {
  const reports = Array.from({ length: runs }, () => {
    const measured = measureCommand([root], { runs: 1, script: STAGES_SCRIPT });
    return JSON.parse(measured.stdout) as StageReport;
  });
  const ms = {} as StageReport["ms"];
  for (const stage of Object.keys(reports[0]?.ms ?? {}) as (keyof StageReport["ms"])[]) {
    ms[stage] = round(median(reports.map((report) => report.ms[stage])));
  }
  const threads = Math.min(cores, 4);
  const parallel = ms.policy + threads * ms.loadRender + ms.build + ms.serialize;
  const bound = floorMs + Math.max(0, ms.validate - floorParseMs) + parallel / cores;
  return {
    ...ms,
    objects: reports[0]?.objects ?? 0,
    bound: { cores, ms: round2(bound), ratio: round2(bound / floorMs) },
  };
}

/** Several one-run measurements of one command as one measurement. */
function timing(measured: Measurement): Timing {
  return {
    median: measured.wallMs.median,
    min: measured.wallMs.min,
    runs: measured.runs.map((run) => run.wallMs),
    cpuMs: { ...measured.cpuMs, runs: measured.runs.map((run) => run.cpuMs) },
    peakRssMiB: measured.peakRssMiB,
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

export function renderMarkdown(report: RenderReport): string {
  const m = report.machine;
  const lines = [
    "# idp render",
    "",
    `${report.date}, commit ${report.commit.id}${report.commit.dirty ? " (with uncommitted changes)" : ""}; ` +
      `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; ` +
      `load average ${m.loadAverage} at the start, ${report.loadAverageAtEnd} at the end.`,
    ...uncommittedNote(report.uncommitted),
    "",
    `Whole processes, ${typeof report.runs === "number" ? `${report.runs} runs` : `${report.runs} (runs column)`} each, on generated repositories (seed ${report.seed}) with this ` +
      "repository's policies/: **first** is `idp render` into an empty manifests/, **re-render** the same " +
      "with nothing changed, **floor** reads and parses the same YAML inputs and writes the same output " +
      "bytes with mkdir + writeFile (no schema, resolve, policy, cdk8s or atomic swap); measured in interleaved rounds " +
      "(first, re-render, floor), so a change in load touches the three alike. Times in ms (median / min), " +
      "peak RSS in MiB.",
    "",
    "| services | runs | resolved | files | output MiB | first | first RSS | re-render | re-render RSS | floor | floor RSS | render / floor | ms per service (first) |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...report.results.map(
      (r) =>
        `| ${r.services} | ${r.runs} | ${r.resolved} | ${r.files} | ${r.outputMiB} | ${r.first.median} / ${r.first.min} | ${r.first.peakRssMiB} | ` +
        `${r.rerender.median} / ${r.rerender.min} | ${r.rerender.peakRssMiB} | ${r.floor.median} / ${r.floor.min} | ${r.floor.peakRssMiB} | ` +
        `${r.ratio.median} | ${r.msPerService.first} |`,
    ),
    "",
    "CPU time (user + system, all threads; less sensitive to other work on the machine than wall time), ms, median / min:",
    "",
    "| services | first | re-render | floor | render / floor (CPU) |",
    "| ---: | ---: | ---: | ---: | ---: |",
    ...report.results.map(
      (r) =>
        `| ${r.services} | ${r.first.cpuMs.median} / ${r.first.cpuMs.min} | ${r.rerender.cpuMs.median} / ${r.rerender.cpuMs.min} | ` +
        `${r.floor.cpuMs.median} / ${r.floor.cpuMs.min} | ${r.ratio.cpuMedian} |`,
    ),
    "",
    "Inside the floor process (ms, last run): " +
      report.results
        .map(
          (r) =>
            `${r.services} services: read bundle ${r.floor.insideMs.readBundle}, read + parse ${r.floor.insideMs.readAndParse}, write ${r.floor.insideMs.write}`,
        )
        .join("; ") +
      ".",
    "",
    ...stagesMarkdown(report.results),
    "Growth (first render, ms per service added; wall from the medians / wall from the minimums / CPU from the medians): " +
      (report.growth
        .map(
          (g) =>
            `${g.from}→${g.to}: ${g.marginalMsPerService.median} / ${g.marginalMsPerService.min} / ${g.marginalMsPerService.cpuMedian}`,
        )
        .join(", ") || "one size only") +
      ".",
    "",
    "## Targets (issue 3)",
    "",
    "| target | limit | measured | met |",
    "| --- | --- | --- | --- |",
    ...report.targets.map((t) => `| ${t.what} | ${t.limit} | ${t.measured} | ${t.met ? "yes" : "**no**"} |`),
    "",
  ];
  if (report.profile) {
    const p = report.profile;
    lines.push(
      "## Profile",
      "",
      `\`${p.command}\`, one first render. Threads (sampled ms): ` +
        `${p.threads.map((t) => `${t.thread} ${t.sampledMs}`).join(", ")}; ${p.totalMs} ms in all. ` +
        "The stage of a sample is the innermost idp stage function on its stack (bench/cpu-profile.ts); " +
        "garbage collection is sampled on its own and belongs to no stage; idle is a thread waiting " +
        "(the main thread for its workers, workers for work).",
      "",
      "| stage | ms | share | main thread ms | worker threads ms |",
      "| --- | ---: | ---: | ---: | ---: |",
      ...p.stages.map((s) => `| ${s.stage} | ${s.ms} | ${s.share} % | ${s.mainMs} | ${s.workersMs} |`),
      "",
      "Top functions by self time (all threads):",
      "",
      "| function | where | self ms | share | stage |",
      "| --- | --- | ---: | ---: | --- |",
      ...p.top.map((f) => `| ${f.function} | ${f.location} | ${f.selfMs} | ${f.share} % | ${f.stage} |`),
      "",
    );
  }
  return lines.join("\n");
}

/** The stage costs at the target size and the bound they set on render / floor. */
function stagesMarkdown(results: RenderResult[]): string[] {
  const result = results.find((r) => r.stages);
  const stages = result?.stages;
  if (!result || !stages) return [];
  const { bound } = stages;
  return [
    `Stages of a render of ${result.services} services (${stages.objects} objects) in one thread, one cold process each ` +
      "(`node dist/bench/render-stages.js <repository>`, medians, ms): " +
      `validate (load, schema, checks, resolve) ${stages.validate}, policy ${stages.policy}, ` +
      `loading the chart code (cdk8s, cdk8s-plus-28) ${stages.loadRender}, building the charts ${stages.build}, ` +
      `serializing ${stages.serialize}; the same objects once more through bare cdk8s ` +
      `(App, Chart and ApiObject per file, validation, toJson) ${stages.cdk8sAlone}.`,
    "",
    `The least a render made of these stages can take on ${bound.cores} cores: the floor, plus validation beyond ` +
      "the floor's reading and parsing (serial), plus policy, the chart code loaded in every rendering thread, " +
      "building and serializing spread perfectly over the cores, with no garbage collection, waiting or " +
      `hand-over: **${bound.ms} ms, ${bound.ratio}× the floor**.`,
    "",
  ];
}
