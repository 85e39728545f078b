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
  /** Interleaved rounds (on, off, none). Default 3. */
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
  none: VariantResult;
  /** on / none of the medians of the same run: what every monitoring object costs (the target). */
  ratio: Ratios;
  /** on / off: what scraping and objectives cost on top of the always-on part. */
  ratioOff: Ratios;
  /** off / none: what the objects that need no scraped metrics cost. */
  ratioOffNone: Ratios;
  targets: Target[];
}

/** Ratios of the medians of two variants of one run. */
export interface Ratios {
  wall: number;
  cpu: number;
  peakRss: number;
  outputBytes: number;
}

type Variant = "on" | "off" | "none";
const VARIANTS: readonly Variant[] = ["on", "off", "none"];

const TARGET_RATIO = 1.25;
/** The kinds issue 18 added, counted apart in the output. */
const OBSERVED_KINDS = ["ServiceMonitor", "PodMonitor", "PrometheusRule", "AlertmanagerConfig", "ConfigMap"];

/**
 * `idp render --full` into an empty manifests/ on three generated
 * repositories that differ only in monitoring (bench/generate-repository.ts,
 * option observability): on (metrics ports, SLOs by tier, as the examples),
 * off (`observability: { metrics: false }` in every environment: no scraping,
 * but each service's kube-state alert rules and dashboard and each team's
 * dashboard and AlertmanagerConfig remain) and none
 * (`observability: { enabled: false }`: no monitoring object at all), REL005
 * waived in the last two. Rounds interleave the variants (in rotating order),
 * so a change in the machine's load touches all alike; the target (issue 18:
 * observability objects add at most 25 %) is on/none at most 1.25 in CPU and
 * wall time. On/off and off/none split that cost.
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
    const roots = {
      on: path.join(scratch, "on"),
      off: path.join(scratch, "off"),
      none: path.join(scratch, "none"),
    };
    log(`generating ${services} services three times, observability on, off and none ...`);
    const generated = generateRepository(roots.on, {
      services,
      seed,
      policiesFrom: true,
      observability: true,
    });
    generateRepository(roots.off, { services, seed, policiesFrom: true, observability: false });
    generateRepository(roots.none, { services, seed, policiesFrom: true, observability: "none" });
    const argv = (root: string) => ["render", "--root", root, "--full", "--format", "json"];
    const measured: Record<Variant, Measurement[]> = { on: [], off: [], none: [] };
    for (let round = 0; round < runs; round += 1) {
      // The order rotates (on, off, none; off, none, on; ...): the first render after generating pays for a cold page cache.
      const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length] as Variant);
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
    const none = variantResult(combine(measured.none), path.join(roots.none, "manifests"));
    const ratio = ratios(on, none);
    const target = (what: string, value: number): Target => ({
      what: `${what}, observability on / none, ${services} services × ${generated.environments.length} environments (medians)`,
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
      none,
      ratio,
      ratioOff: ratios(on, off),
      ratioOffNone: ratios(off, none),
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

function ratios(a: VariantResult, b: VariantResult): Ratios {
  return {
    wall: round2(a.wallMs.median / b.wallMs.median),
    cpu: round2(a.cpuMs.median / b.cpuMs.median),
    peakRss: round2(a.peakRssMiB / b.peakRssMiB),
    outputBytes: round2(a.outputBytes / b.outputBytes),
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function ratioLine(what: string, r: Ratios): string {
  return `${what}: wall ${r.wall}, CPU ${r.cpu}, peak RSS ${r.peakRss}, output bytes ${r.outputBytes}.`;
}

export function observabilityMarkdown(report: ObservabilityReport): string {
  const m = report.machine;
  const row = (name: string, v: VariantResult) =>
    `| ${name} | ${v.wallMs.median} | ${v.wallMs.runs.join(", ")} | ${v.cpuMs.median} | ${v.cpuMs.runs.join(", ")} | ${v.peakRssMiB} | ${v.outputBytes} |`;
  const mib = (bytes: number) => `${round(bytes / 1048576)} MiB`;
  return [
    "# idp render with observability on, off and none",
    "",
    `${report.date}, commit ${report.commit.id}${report.commit.dirty ? " (with uncommitted changes)" : ""}; ` +
      `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, load average ${m.loadAverage} at the start.`,
    "",
    `\`idp render --full\` into an empty manifests/, the whole process, on three generated repositories of ` +
      `${report.services} services × ${report.environments} environments that differ only in monitoring: ` +
      "on (metrics ports, SLOs by tier as in environments/*.yaml), off (`observability: { metrics: false }` " +
      "in every environment: no scraping, the kube-state alerts and dashboards remain) and none " +
      "(`observability: { enabled: false }`: no monitoring object). " +
      `${report.runs} interleaved rounds (on, off, none; off, none, on; ...).`,
    "",
    "| variant | wall ms (median) | wall ms runs | CPU ms (median) | CPU ms runs | peak RSS MiB | output bytes |",
    "| --- | ---: | --- | ---: | --- | ---: | ---: |",
    row("on", report.on),
    row("off", report.off),
    row("none", report.none),
    "",
    ratioLine("On / none (the target)", report.ratio),
    "",
    ratioLine("On / off", report.ratioOff),
    "",
    ratioLine("Off / none", report.ratioOffNone),
    "",
    "Bytes of the objects of each kind issue 18 added (ConfigMap: dashboards, and the few other ConfigMaps). " +
      "Off still renders every service's kube-state alert rules and dashboard, which need no scraped metrics:",
    "",
    "| kind | on | off | none |",
    "| --- | ---: | ---: | ---: |",
    ...OBSERVED_KINDS.map(
      (kind) =>
        `| ${kind} | ${mib(report.on.bytesByKind[kind] ?? 0)} | ${mib(report.off.bytesByKind[kind] ?? 0)} | ${mib(report.none.bytesByKind[kind] ?? 0)} |`,
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
