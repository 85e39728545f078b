import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateRepository } from "./generate-repository.js";
import { commitOnMain, gitCommit, type Machine, machine } from "./machine.js";
import { measureCommand } from "./measure.js";
import { writeResults } from "./paths.js";
import type { Target } from "./render.js";

export interface PortalBenchmarkOptions {
  /** Services in the generated repository. Default 1,000. */
  services?: number;
  runs?: number;
  /** Folder of portal.json and portal.md. Default: bench/results of this repository. */
  resultsDir?: string;
  seed?: number;
  log?: (line: string) => void;
}

export interface PortalReport {
  benchmark: "portal";
  date: string;
  machine: Machine;
  commit: { id: string; dirty: boolean };
  command: string;
  runs: number;
  seed: number;
  services: number;
  wallMs: { median: number; min: number; runs: number[] };
  /** User + system CPU time of the process: what the build costs when the machine is shared. */
  cpuMs: { median: number; min: number };
  peakRssMiB: number;
  /** What a browser loads for the catalog: index.html with its CSS, script and icon. */
  catalogBytes: number;
  siteBytes: number;
  pages: number;
  targets: Target[];
}

const TARGET_MS = 5_000;
const TARGET_RSS_MIB = 512;
const TARGET_CATALOG_BYTES = 1_000_000;

/**
 * `idp portal` on a generated repository (1,000 services in 3 environments by
 * default) whose manifests are rendered and committed in a git repository, as
 * on main: the whole process, `runs` times. Records build time, peak RSS and
 * the weight of the catalog page against the targets of issue 17.
 */
export function runPortalBenchmark(options: PortalBenchmarkOptions = {}): PortalReport {
  const services = options.services ?? 1000;
  const runs = options.runs ?? 3;
  const seed = options.seed ?? 1;
  const log = options.log ?? (() => {});
  const measuredOn = machine();
  const root = mkdtempSync(path.join(tmpdir(), "idp-bench-portal-"));
  try {
    log(`generating ${services} services, rendering and committing them ...`);
    generateRepository(root, { services, seed, policiesFrom: true });
    measureCommand(["render", "--root", root], { runs: 1 });
    commitOnMain(root, "generated (#1)");
    const out = path.join(root, "site");
    log(`idp portal on ${services} services, ${runs} runs ...`);
    const measured = measureCommand(["portal", "--root", root, "--out", out, "--format", "json"], { runs });
    const pages = (JSON.parse(measured.stdout) as { pages: number }).pages;
    const size = (file: string) => statSync(path.join(out, file)).size;
    const catalogBytes = ["index.html", "assets/portal.css", "assets/portal.js", "assets/favicon.svg"]
      .map(size)
      .reduce((a, b) => a + b, 0);
    const report: PortalReport = {
      benchmark: "portal",
      date: new Date().toISOString(),
      machine: measuredOn,
      commit: gitCommit(),
      command: "node bin/idp.js portal --root <repository> --out <repository>/site --format json",
      runs,
      seed,
      services,
      wallMs: { ...measured.wallMs, runs: measured.runs.map((r) => r.wallMs) },
      cpuMs: measured.cpuMs,
      peakRssMiB: measured.peakRssMiB,
      catalogBytes,
      siteBytes: folderBytes(out),
      pages,
      targets: [
        {
          what: `portal build, ${services} services`,
          measured: `${measured.wallMs.median} ms`,
          limit: `under ${TARGET_MS} ms`,
          met: measured.wallMs.median < TARGET_MS,
        },
        {
          what: "peak RSS",
          measured: `${measured.peakRssMiB} MiB`,
          limit: `under ${TARGET_RSS_MIB} MiB`,
          met: measured.peakRssMiB < TARGET_RSS_MIB,
        },
        {
          what: "catalog page weight (HTML, CSS, script, icon)",
          measured: `${catalogBytes} bytes`,
          limit: `under ${TARGET_CATALOG_BYTES} bytes`,
          met: catalogBytes < TARGET_CATALOG_BYTES,
        },
      ],
    };
    writeResults("portal", report, portalMarkdown(report), options.resultsDir);
    return report;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function folderBytes(folder: string): number {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .reduce((total, entry) => total + statSync(path.join(entry.parentPath, entry.name)).size, 0);
}

export function portalMarkdown(report: PortalReport): string {
  const m = report.machine;
  return [
    "# idp portal",
    "",
    `${report.date}, commit ${report.commit.id}${report.commit.dirty ? " (with uncommitted changes)" : ""}; ` +
      `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, load average ${m.loadAverage} at the start.`,
    "",
    `The whole \`idp portal\` process (start-up, validate, policy, history, graph layout, ${report.pages} pages written) ` +
      `on a generated repository of ${report.services} services in 3 environments, rendered and committed; ${report.runs} runs.`,
    "",
    "| median ms | min ms | runs ms | CPU ms (median) | peak RSS MiB | catalog page bytes | site bytes | pages |",
    "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    `| ${report.wallMs.median} | ${report.wallMs.min} | ${report.wallMs.runs.join(", ")} | ${report.cpuMs.median} | ${report.peakRssMiB} | ${report.catalogBytes} | ${report.siteBytes} | ${report.pages} |`,
    "",
    "| target | measured | limit | met |",
    "| --- | --- | --- | --- |",
    ...report.targets.map((t) => `| ${t.what} | ${t.measured} | ${t.limit} | ${t.met ? "yes" : "no"} |`),
    "",
  ].join("\n");
}
