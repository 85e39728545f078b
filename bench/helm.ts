import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { validateRepository } from "../scripts/model/validate-repository.js";
import {
  compareObjects,
  type KubeObjectData,
  type ObjectComparison,
  parseObjects,
} from "./compare-objects.js";
import { generateRepository } from "./generate-repository.js";
import { helmValues } from "./helm-values.js";
import {
  gitCommit,
  type Machine,
  machine,
  settleDisk,
  uncommittedNote,
  uncommittedOutsideBench,
} from "./machine.js";
import {
  type CommandTiming,
  combine,
  commandTiming,
  type Measurement,
  measureCommand,
  median,
  round,
} from "./measure.js";
import { repositoryRoot, writeResults } from "./paths.js";
import { clearManifests, type Target } from "./render.js";

export interface HelmBenchmarkOptions {
  /** Services of the generated repository (3 environments). Default 1,000. */
  services?: number;
  /** Interleaved rounds (one idp render and one helm template each). Default 3. */
  runs?: number;
  seed?: number;
  /** Folder of helm.json and helm.md. Default: bench/results of this repository. */
  resultsDir?: string;
  log?: (line: string) => void;
}

/** Wall and CPU time of one tool over the rounds. */
export type ToolTiming = CommandTiming;

export interface HelmReport {
  benchmark: "helm";
  date: string;
  machine: Machine;
  loadAverageAtEnd: number;
  commit: { id: string; dirty: boolean };
  uncommitted: string[];
  helmVersion: string;
  services: number;
  environments: string[];
  seed: number;
  runs: number;
  /** Objects each tool rendered for the services (idp's per-environment _platform objects are not in the chart). */
  objects: { idp: number; helm: number; idpPlatformNotCompared: number };
  /** Bytes of the values files Helm read (one per environment). */
  valuesBytes: number;
  /** Time to produce the values from idp's resolved services, in-process, once (not part of Helm's time). */
  valuesMs: number;
  idp: ToolTiming;
  helm: ToolTiming;
  ratios: { wall: number; cpu: number };
  comparison: Omit<ObjectComparison, "differing"> & {
    differing: number;
    examples: ObjectComparison["differing"];
  };
  targets: Target[];
}

const WALL_RATIO = 0.7;
const CHART = ["bench", "helm", "chart"];

/**
 * The Helm comparison of issue 16: on a generated repository (default 1,000
 * services × 3 environments, with this repository's policies/), idp's first
 * render into an empty tree against `helm template` of a chart that renders
 * the same objects (bench/helm/chart, one release per environment listing
 * every service, values from idp's resolved services by bench/helm-values.ts).
 * The three `helm template` processes run in parallel, as idp renders the
 * environments in parallel worker threads. Both run in interleaved rounds;
 * then the objects of both are compared one by one. Writes helm.json and
 * helm.md. The repository renders no monitoring (`observability: "none"`):
 * the chart has no ServiceMonitor, PrometheusRule or dashboard templates,
 * and the comparison is of the same objects.
 */
export function runHelmBenchmark(options: HelmBenchmarkOptions = {}): HelmReport {
  const services = options.services ?? 1000;
  const runs = options.runs ?? 3;
  const seed = options.seed ?? 1;
  const log = options.log ?? (() => {});
  const measuredOn = machine();
  const helm = installHelm(log);
  const helmVersion = execFileSync(helm, ["version", "--template", "{{.Version}}"], {
    encoding: "utf8",
  }).trim();
  const chart = path.join(repositoryRoot(), ...CHART);
  const scratch = mkdtempSync(path.join(tmpdir(), "idp-bench-helm-"));
  try {
    const root = path.join(scratch, "repository");
    const trash = path.join(scratch, "trash");
    const valuesDir = path.join(scratch, "values");
    const helmOut = path.join(scratch, "helm");
    mkdirSync(trash);
    mkdirSync(valuesDir);
    mkdirSync(helmOut);
    log(`generating ${services} services × 3 environments ...`);
    const generated = generateRepository(root, { services, seed, policiesFrom: true, observability: "none" });
    const started = performance.now();
    const valuesFiles = writeValues(root, valuesDir);
    const valuesMs = round(performance.now() - started);
    const valuesBytes = valuesFiles.reduce((sum, file) => sum + statSync(file.path).size, 0);

    const renderArgv = ["render", "--root", root, "--format", "json"];
    const idpRounds: Measurement[] = [];
    const helmRounds: HelmRun[] = [];
    for (let index = 0; index < runs; index += 1) {
      const idp = measureCommand(renderArgv, { runs: 1, beforeRun: () => clearManifests(root, trash) });
      idpRounds.push(idp);
      settleDisk();
      const helmRun = runHelmTemplate(helm, chart, valuesFiles, helmOut);
      helmRounds.push(helmRun);
      log(
        `  round ${index + 1}: idp render ${idp.wallMs.median} ms (CPU ${idp.cpuMs.median} ms), ` +
          `helm template ${helmRun.wallMs} ms (CPU ${helmRun.cpuMs} ms)`,
      );
    }

    const ours = readRendered(path.join(root, "manifests"), generated.environments);
    const theirs = valuesFiles.flatMap((file) =>
      parseObjects(readFileSync(path.join(helmOut, `${file.environment}.yaml`), "utf8")),
    );
    const comparison = compareObjects(ours.services, theirs);
    log(
      `compared: ${comparison.identical} identical, ${comparison.differing.length} differing, ` +
        `${comparison.onlyInFirst.length} only idp, ${comparison.onlyInSecond.length} only helm`,
    );

    const idp = commandTiming(combine(idpRounds), `idp ${renderArgv.join(" ")} (into an empty manifests/)`);
    const helmTiming: ToolTiming = {
      command: `${generated.environments.length} × helm template <env> bench/helm/chart --values <env>.json, in parallel`,
      wallMs: summary(helmRounds.map((r) => r.wallMs)),
      cpuMs: summary(helmRounds.map((r) => r.cpuMs)),
    };
    const ratios = {
      wall: round2(idp.wallMs.median / helmTiming.wallMs.median),
      cpu: round2(idp.cpuMs.median / helmTiming.cpuMs.median),
    };
    const scope = `${services} services × ${generated.environments.length} environments`;
    const complete =
      comparison.differing.length === 0 &&
      comparison.onlyInFirst.length === 0 &&
      comparison.onlyInSecond.length === 0;
    const targets: Target[] = [
      {
        what: `first render wall / helm template wall, ${scope} (medians)`,
        limit: `≤ ${WALL_RATIO}`,
        measured: `${ratios.wall} (${idp.wallMs.median} / ${helmTiming.wallMs.median} ms)`,
        met: ratios.wall <= WALL_RATIO,
      },
      {
        what: `first render CPU / helm template CPU, ${scope} (medians)`,
        limit: "≤ 1",
        measured: `${ratios.cpu} (${idp.cpuMs.median} / ${helmTiming.cpuMs.median} ms)`,
        met: ratios.cpu <= 1,
      },
      {
        what: "objects differing between the two (computed config hash aside)",
        limit: "0",
        measured: `${comparison.differing.length + comparison.onlyInFirst.length + comparison.onlyInSecond.length} of ${ours.services.length}`,
        met: complete,
      },
    ];
    const report: HelmReport = {
      benchmark: "helm",
      date: new Date().toISOString(),
      machine: measuredOn,
      loadAverageAtEnd: machine().loadAverage,
      commit: gitCommit(),
      uncommitted: uncommittedOutsideBench(),
      helmVersion,
      services,
      environments: generated.environments,
      seed,
      runs,
      objects: { idp: ours.services.length, helm: theirs.length, idpPlatformNotCompared: ours.platform },
      valuesBytes,
      valuesMs,
      idp,
      helm: helmTiming,
      ratios,
      comparison: {
        ...comparison,
        differing: comparison.differing.length,
        examples: comparison.differing.slice(0, 20),
        onlyInFirst: comparison.onlyInFirst.slice(0, 20),
        onlyInSecond: comparison.onlyInSecond.slice(0, 20),
      },
      targets,
    };
    writeResults("helm", report, helmMarkdown(report), options.resultsDir);
    return report;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** tools/helm.sh: Helm at the pinned version, built on first use; its path. */
function installHelm(log: (line: string) => void): string {
  log("tools/helm.sh (builds Helm the first time, a few minutes) ...");
  return execFileSync(path.join(repositoryRoot(), "tools", "helm.sh"), {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
}

/** Writes `<env>.json`, the chart's values for each environment, from idp's own resolution of `root`. */
function writeValues(root: string, folder: string): { environment: string; path: string }[] {
  const validated = validateRepository(root);
  const errors = validated.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`the generated repository does not validate: ${errors[0]?.message}`);
  return validated.environments.map((environment) => {
    const context = {
      environment,
      services: validated.services.filter((s) => s.environment === environment.name),
      teams: validated.teams,
    };
    const file = path.join(folder, `${environment.name}.json`);
    writeFileSync(file, JSON.stringify(helmValues(context)));
    return { environment: environment.name, path: file };
  });
}

interface HelmRun {
  wallMs: number;
  cpuMs: number;
}

/**
 * Runs `helm template` once per environment, all at once, from one bash whose
 * `times` builtin then reports the user and system time of every child it
 * waited for: the processes' own CPU time, with nothing installed.
 */
function runHelmTemplate(
  helm: string,
  chart: string,
  valuesFiles: readonly { environment: string; path: string }[],
  out: string,
): HelmRun {
  const script = [
    'helm="$1" chart="$2" out="$3"; shift 3',
    "pids=()",
    'for pair in "$@"; do env="${pair%%=*}" values="${pair#*=}"',
    '  "$helm" template "$env" "$chart" --values "$values" >"$out/$env.yaml" & pids+=("$!")',
    "done",
    'for pid in "${pids[@]}"; do wait "$pid" || exit 1; done',
    "times",
  ].join("\n");
  const pairs = valuesFiles.map((file) => `${file.environment}=${file.path}`);
  const started = performance.now();
  const child = spawnSync("bash", ["-c", script, "helm-bench", helm, chart, out, ...pairs], {
    encoding: "utf8",
  });
  const wallMs = round(performance.now() - started);
  if (child.error) throw child.error;
  if (child.status !== 0)
    throw new Error(`helm template failed (exit ${child.status}):\n${child.stderr.slice(0, 4000)}`);
  const children = child.stdout.trim().split("\n")[1] ?? "";
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (seconds.length !== 2)
    throw new Error(`cannot read bash's times output: ${JSON.stringify(child.stdout)}`);
  return { wallMs, cpuMs: round(((seconds[0] ?? 0) + (seconds[1] ?? 0)) * 1000) };
}

/** The objects idp rendered: the services' (compared), and how many per-environment _platform ones. */
function readRendered(
  manifests: string,
  environments: readonly string[],
): { services: KubeObjectData[]; platform: number } {
  const services: KubeObjectData[] = [];
  let platform = 0;
  for (const environment of environments) {
    for (const folder of readdirSync(path.join(manifests, environment)).sort()) {
      const objects = parseObjects(
        readFileSync(path.join(manifests, environment, folder, "manifest.yaml"), "utf8"),
      );
      if (folder === "_platform") platform += objects.length;
      else services.push(...objects);
    }
  }
  return { services, platform };
}

function summary(values: number[]): { median: number; min: number; runs: number[] } {
  return { median: round(median(values)), min: round(Math.min(...values)), runs: values };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** helm.md: both tools' numbers, the object comparison and the targets. */
export function helmMarkdown(report: HelmReport): string {
  const c = report.comparison;
  const kinds = Object.entries(c.kinds)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([kind, count]) => `${kind} ${count}`)
    .join(", ");
  const lines = [
    "# Helm comparison",
    "",
    `${report.date}, ${report.machine.cpu} (${report.machine.cores} cores), Node ${report.machine.node}, ` +
      `load average ${report.machine.loadAverage} at the start and ${report.loadAverageAtEnd} at the end, ` +
      `commit ${report.commit.id}${report.commit.dirty ? " (with uncommitted changes)" : ""}. ` +
      `Helm ${report.helmVersion} (tools/helm.sh). ` +
      `${report.services} services × ${report.environments.length} environments (${report.environments.join(", ")}), ` +
      `seed ${report.seed}, ${report.runs} interleaved rounds. Produced by \`npm run bench -- helm\`.`,
    ...uncommittedNote(report.uncommitted),
    "",
    "| tool | wall median | wall min | CPU median | CPU min |",
    "|---|---|---|---|---|",
    `| \`idp render\`, first render into an empty tree (validate, policy, render, write) | ${report.idp.wallMs.median} ms | ${report.idp.wallMs.min} ms | ${report.idp.cpuMs.median} ms | ${report.idp.cpuMs.min} ms |`,
    `| \`helm template\`, one process per environment in parallel (templating only) | ${report.helm.wallMs.median} ms | ${report.helm.wallMs.min} ms | ${report.helm.cpuMs.median} ms | ${report.helm.cpuMs.min} ms |`,
    `| idp / helm | ${report.ratios.wall} | | ${report.ratios.cpu} | |`,
    "",
    `Helm's values (${Math.round(report.valuesBytes / 1024)} KiB in ${report.environments.length} files) are made ` +
      `from idp's resolved services in-process before the rounds (${report.valuesMs} ms, not counted).`,
    "",
    "## Objects",
    "",
    `idp rendered ${report.objects.idp} service objects (${kinds}) and ${report.objects.idpPlatformNotCompared} ` +
      `per-environment _platform objects, which the chart does not render; Helm rendered ${report.objects.helm}. ` +
      `Compared one by one as data, keyed by apiVersion, kind, namespace and name, the value of ` +
      `idp/config-hash aside (each tool hashes its own way; its presence is compared):`,
    "",
    "| identical | differing | only idp | only helm |",
    "|---|---|---|---|",
    `| ${c.identical} | ${c.differing} | ${c.onlyInFirst.length} | ${c.onlyInSecond.length} |`,
    ...(c.examples.length > 0
      ? ["", "Differing (first 20):", "", ...c.examples.map((d) => `- \`${d.key}\`: ${d.paths.join("; ")}`)]
      : []),
    ...(c.onlyInFirst.length > 0 ? ["", `Only idp: ${c.onlyInFirst.map((k) => `\`${k}\``).join(", ")}`] : []),
    ...(c.onlyInSecond.length > 0
      ? ["", `Only helm: ${c.onlyInSecond.map((k) => `\`${k}\``).join(", ")}`]
      : []),
    "",
    "## Targets (issue 16)",
    "",
    "| target | limit | measured | met |",
    "|---|---|---|---|",
    ...report.targets.map((t) => `| ${t.what} | ${t.limit} | ${t.measured} | ${t.met ? "yes" : "no"} |`),
    "",
  ];
  return lines.join("\n");
}
