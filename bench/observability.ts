import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateRepository } from "./generate-repository.js";
import { gitCommit, type Machine, machine } from "./machine.js";
import { combine, type Measurement, measureCommand, round } from "./measure.js";
import { writeResults } from "./paths.js";
import { clearManifests, type Target } from "./render.js";

export interface ObservabilityBenchmarkOptions {
  /** Services in each generated repository. Default 1,000. */
  services?: number;
  /** Interleaved rounds (on, off). Default 3. */
  runs?: number;
  resultsDir?: string;
  seed?: number;
  log?: (line: string) => void;
}

/** One variant's render: the whole process, and what it wrote. */
export interface VariantResult {
  wallMs: { median: number; min: number; runs: number[] };
  cpuMs: { median: number; min: number; runs: number[] };
  peakRssMiB: number;
  /** Bytes of every file under manifests/ after the last round. */
  outputBytes: number;
  /** Of those, the bytes of the objects of these kinds (manifest documents split at `---`). */
  bytesByKind: Record<string, number>;
}

export interface ObservabilityReport {
  benchmark: "observability";
  date: string;
  machine: Machine;
  commit: { id: string; dirty: boolean };
  command: string;
  services: number;
  environments: number;
  runs: number;
  seed: number;
  on: VariantResult;
  off: VariantResult;
  /** on / off of the medians of the same run. */
  ratio: { wall: number; cpu: number; peakRss: number; outputBytes: number };
  targets: Target[];
}

const TARGET_RATIO = 1.25;
/** The kinds issue 18 added, counted apart in the output. */
const OBSERVED_KINDS = ["ServiceMonitor", "PodMonitor", "PrometheusRule", "AlertmanagerConfig", "ConfigMap"];

/**
 * `idp render --full` into an empty manifests/ on two generated repositories
 * that differ only in monitoring (bench/generate-repository.ts, option
 * observability): on (metrics ports, SLOs by tier, as the examples) and off
 * (`observability: { metrics: false }` in every environment, REL005 waived).
 * Rounds interleave on and off (in alternating order), so a change in the machine's load touches both
 * alike; the target (issue 18) is on/off at most 1.25 in CPU and wall time.
 * Off still renders each service's kube-state alert rules and dashboard (they
 * need no scraped metrics): the ratio prices scraping and SLOs, not every
 * object issue 18 added; the bytes by kind show the rest.
 */
export function runObservabilityBenchmark(options: ObservabilityBenchmarkOptions = {}): ObservabilityReport {
  const services = options.services ?? 1000;
  const runs = options.runs ?? 3;
  const seed = options.seed ?? 1;
  const log = options.log ?? (() => {});
  const measuredOn = machine();
  const scratch = mkdtempSync(path.join(tmpdir(), "idp-bench-observability-"));
  try {
    const trash = path.join(scratch, "trash");
    mkdirSync(trash);
    const roots = { on: path.join(scratch, "on"), off: path.join(scratch, "off") };
    log(`generating ${services} services twice, observability on and off ...`);
    const generated = generateRepository(roots.on, {
      services,
      seed,
      policiesFrom: true,
      observability: true,
    });
    generateRepository(roots.off, { services, seed, policiesFrom: true, observability: false });
    const argv = (root: string) => ["render", "--root", root, "--full", "--format", "json"];
    const measured: { on: Measurement[]; off: Measurement[] } = { on: [], off: [] };
    for (let round = 0; round < runs; round += 1) {
      // The order alternates (on, off; off, on; ...): the first render after generating pays for a cold page cache.
      const order = round % 2 === 0 ? (["on", "off"] as const) : (["off", "on"] as const);
      log(`round ${round + 1} of ${runs}: idp render --full, ${order.join(" then ")} ...`);
      for (const variant of order) {
        const root = roots[variant];
        measured[variant].push(
          measureCommand(argv(root), { runs: 1, beforeRun: () => clearManifests(root, trash) }),
        );
      }
    }
    const on = variantResult(combine(measured.on), path.join(roots.on, "manifests"));
    const off = variantResult(combine(measured.off), path.join(roots.off, "manifests"));
    const ratio = {
      wall: round2(on.wallMs.median / off.wallMs.median),
      cpu: round2(on.cpuMs.median / off.cpuMs.median),
      peakRss: round2(on.peakRssMiB / off.peakRssMiB),
      outputBytes: round2(on.outputBytes / off.outputBytes),
    };
    const target = (what: string, value: number): Target => ({
      what: `${what}, observability on / off, ${services} services × ${generated.environments.length} environments (medians)`,
      measured: `${value}`,
      limit: `≤ ${TARGET_RATIO}`,
      met: value <= TARGET_RATIO,
    });
    const report: ObservabilityReport = {
      benchmark: "observability",
      date: new Date().toISOString(),
      machine: measuredOn,
      commit: gitCommit(),
      command: "node bin/idp.js render --root <repository> --full --format json (into an empty manifests/)",
      services,
      environments: generated.environments.length,
      runs,
      seed,
      on,
      off,
      ratio,
      targets: [target("CPU time (user + sys)", ratio.cpu), target("wall time", ratio.wall)],
    };
    writeResults("observability", report, observabilityMarkdown(report), options.resultsDir);
    return report;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function variantResult(measurement: Measurement, manifests: string): VariantResult {
  const { outputBytes, bytesByKind } = outputOf(manifests);
  return {
    wallMs: { ...measurement.wallMs, runs: measurement.runs.map((r) => r.wallMs) },
    cpuMs: { ...measurement.cpuMs, runs: measurement.runs.map((r) => r.cpuMs) },
    peakRssMiB: measurement.peakRssMiB,
    outputBytes,
    bytesByKind,
  };
}

/** Total bytes under manifests/, and the bytes of the documents of each observed kind. */
function outputOf(manifests: string): { outputBytes: number; bytesByKind: Record<string, number> } {
  const bytesByKind: Record<string, number> = Object.fromEntries(OBSERVED_KINDS.map((kind) => [kind, 0]));
  let outputBytes = 0;
  for (const entry of readdirSync(manifests, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const text = readFileSync(path.join(entry.parentPath, entry.name), "utf8");
    outputBytes += Buffer.byteLength(text);
    if (!entry.name.endsWith(".yaml")) continue;
    for (const document of text.split(/^---$/m)) {
      const kind = /^kind: (\S+)$/m.exec(document)?.[1];
      if (kind !== undefined && kind in bytesByKind)
        bytesByKind[kind] = (bytesByKind[kind] ?? 0) + Buffer.byteLength(document);
    }
  }
  return { outputBytes, bytesByKind };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

export function observabilityMarkdown(report: ObservabilityReport): string {
  const m = report.machine;
  const row = (name: string, v: VariantResult) =>
    `| ${name} | ${v.wallMs.median} | ${v.wallMs.runs.join(", ")} | ${v.cpuMs.median} | ${v.cpuMs.runs.join(", ")} | ${v.peakRssMiB} | ${v.outputBytes} |`;
  const mib = (bytes: number) => `${round(bytes / 1048576)} MiB`;
  return [
    "# idp render with observability on and off",
    "",
    `${report.date}, commit ${report.commit.id}${report.commit.dirty ? " (with uncommitted changes)" : ""}; ` +
      `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, load average ${m.loadAverage} at the start.`,
    "",
    `\`idp render --full\` into an empty manifests/, the whole process, on two generated repositories of ` +
      `${report.services} services × ${report.environments} environments that differ only in monitoring: ` +
      "on (metrics ports, SLOs by tier as in environments/*.yaml) and off (`observability: { metrics: false }` " +
      `in every environment). ${report.runs} interleaved rounds (on, off; off, on; ...).`,
    "",
    "| variant | wall ms (median) | wall ms runs | CPU ms (median) | CPU ms runs | peak RSS MiB | output bytes |",
    "| --- | ---: | --- | ---: | --- | ---: | ---: |",
    row("on", report.on),
    row("off", report.off),
    "",
    `On / off: wall ${report.ratio.wall}, CPU ${report.ratio.cpu}, peak RSS ${report.ratio.peakRss}, output bytes ${report.ratio.outputBytes}.`,
    "",
    "Bytes of the objects of each kind issue 18 added (ConfigMap: dashboards, and the few other ConfigMaps). " +
      "Off still renders every service's kube-state alert rules and dashboard, which need no scraped metrics:",
    "",
    "| kind | on | off |",
    "| --- | ---: | ---: |",
    ...OBSERVED_KINDS.map(
      (kind) =>
        `| ${kind} | ${mib(report.on.bytesByKind[kind] ?? 0)} | ${mib(report.off.bytesByKind[kind] ?? 0)} |`,
    ),
    "",
    "## Targets",
    "",
    "| target | measured | limit | met |",
    "| --- | --- | --- | --- |",
    ...report.targets.map((t) => `| ${t.what} | ${t.measured} | ${t.limit} | ${t.met ? "yes" : "no"} |`),
    "",
  ].join("\n");
}
