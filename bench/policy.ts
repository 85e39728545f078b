import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { generateRepository } from "./generate-repository.js";
import { gitCommit, type Machine, machine, uncommittedNote, uncommittedOutsideBench } from "./machine.js";
import { measureCommand, median, round } from "./measure.js";
import { repositoryRoot, writeResults } from "./paths.js";
import type { FilesReport, PartsReport, StageReport } from "./policy-stage.js";
import type { Target } from "./render.js";

export interface PolicyBenchmarkOptions {
  /** Services of the generated repository (3 environments). Default 1,000. */
  services?: number;
  /** Runs of the in-process stage measurement. Default 3 (the whole-process comparison runs once). */
  runs?: number;
  resultsDir?: string;
  seed?: number;
  log?: (line: string) => void;
}

export interface PolicyReport {
  benchmark: "policy";
  date: string;
  machine: Machine;
  loadAverageAtEnd: number;
  commit: { id: string; dirty: boolean };
  /** Uncommitted changes outside bench/ when measured (`git status --porcelain` lines). */
  uncommitted: string[];
  opa: { binary: string; version: string };
  seed: number;
  services: number;
  environments: number;
  /** Resolved (service, environment) pairs: the inputs judged. */
  resolved: number;
  /** The whole stage as idp runs it (checkPolicies), in a fresh process after validate, `runs` times. */
  stage: { runs: number[]; median: number; min: number; evaluationsPerSecond: number };
  /** One fresh process, the stage's parts timed one by one. */
  parts: PartsReport & { evaluateMs: number; evaluationsPerSecond: number };
  /** Same job, whole processes, one run: wasm in Node (one process for the three inputs) and `opa eval` (one per input). */
  wholeProcess: {
    wasm: {
      command: string;
      wallMs: number;
      cpuMs: number;
      peakRssMiB: number;
      inside: FilesReport;
      evaluationsPerSecond: number;
    };
    opaEval: {
      command: string;
      inputs: {
        environment: string;
        wallMs: number;
        cpuMs: number | null;
        peakRssMiB: number | null;
        deny: number;
        warn: number;
      }[];
      wallMs: number;
      cpuMs: number | null;
      evaluationsPerSecond: number;
    };
    /** opa eval wall time / wasm wall time. */
    ratio: number;
    /** Both gave the same number of denials and warnings for every input. */
    agree: boolean;
  };
  targets: Target[];
}

const STAGE_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "policy-stage.js");
const TARGET_MS = 2000;

/**
 * The policy stage on a generated repository (1,000 services × 3
 * environments by default, this repository's policies/ copied in): in-process
 * with idp's compiled modules, and whole-process against `opa eval` of the
 * same policy on the same three inputs. Writes policy.json and policy.md.
 */
export function runPolicyBenchmark(options: PolicyBenchmarkOptions = {}): PolicyReport {
  const size = options.services ?? 1000;
  const runs = options.runs ?? 3;
  const seed = options.seed ?? 1;
  const log = options.log ?? (() => {});
  const measuredOn = machine();
  const opa = opaBinary();
  const today = new Date().toISOString().slice(0, 10);
  const scratch = mkdtempSync(path.join(tmpdir(), "idp-bench-policy-"));
  try {
    const root = path.join(scratch, "repository");
    const inputsDir = path.join(scratch, "inputs");
    mkdirSync(inputsDir);
    log(`generating ${size} services (with policies/) ...`);
    const generated = generateRepository(root, { services: size, seed, policiesFrom: true });
    const resolved = generated.services.reduce(
      (sum, service) => sum + generated.environments.length - service.disabledIn.length,
      0,
    );
    const perSecond = (milliseconds: number) => Math.round((resolved / milliseconds) * 1000);

    log(`policy stage in-process (checkPolicies after validate), ${runs} runs ...`);
    const stageRuns: StageReport[] = [];
    for (let index = 0; index < runs; index += 1) {
      const measured = measureCommand(["stage", root, today], { runs: 1, script: STAGE_SCRIPT });
      const report = JSON.parse(measured.stdout) as StageReport;
      if (report.diagnostics !== 0 || report.evaluated !== resolved) {
        throw new Error(`the policy stage did not judge a clean repository cleanly: ${measured.stdout}`);
      }
      stageRuns.push(report);
    }
    const stageTimes = stageRuns.map((run) => run.stageMs);
    const stage = {
      runs: stageTimes,
      median: round(median(stageTimes)),
      min: round(Math.min(...stageTimes)),
      evaluationsPerSecond: perSecond(median(stageTimes)),
    };
    log(`  median ${stage.median} ms, min ${stage.min} ms (${stage.evaluationsPerSecond} evaluations/s)`);

    log("policy stage parts (bundle, wasm load, input, evaluate per environment), 1 run ...");
    const partsRun = measureCommand(["parts", root, today, inputsDir], { runs: 1, script: STAGE_SCRIPT });
    const partsReport = JSON.parse(partsRun.stdout) as PartsReport;
    const evaluateMs = round(partsReport.environments.reduce((sum, e) => sum + e.evaluateMs, 0));
    const parts = { ...partsReport, evaluateMs, evaluationsPerSecond: perSecond(evaluateMs) };
    log(
      `  load wasm ${parts.loadWasmMs} ms, evaluate ${evaluateMs} ms (${parts.evaluationsPerSecond} evaluations/s)`,
    );

    const environments = partsReport.environments.map((e) => e.name);
    const inputFiles = environments.map((name) => path.join(inputsDir, `${name}.json`));
    const wasmFile = path.join(root, "policies", "dist", "policy.wasm");
    log("wasm in Node, whole process on the three input files, 1 run ...");
    const wasmRun = measureCommand(["files", wasmFile, ...inputFiles], { runs: 1, script: STAGE_SCRIPT });
    const inside = JSON.parse(wasmRun.stdout) as FilesReport;
    log(`  ${wasmRun.wallMs.median} ms, peak RSS ${wasmRun.peakRssMiB} MiB`);

    log(`opa eval (${opa.version}), whole process per input, 1 run each ...`);
    const opaInputs = environments.map((environment, index) => {
      const result = opaEval(opa.binary, root, inputFiles[index] as string);
      log(`  ${environment}: ${result.wallMs} ms`);
      return { environment, ...result };
    });
    const opaWall = round(opaInputs.reduce((sum, input) => sum + input.wallMs, 0));
    const agree = opaInputs.every((input, index) => {
      const wasm = inside.inputs[index];
      return wasm !== undefined && wasm.deny === input.deny && wasm.warn === input.warn;
    });

    const report: PolicyReport = {
      benchmark: "policy",
      date: new Date().toISOString(),
      machine: measuredOn,
      loadAverageAtEnd: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
      commit: gitCommit(),
      uncommitted: uncommittedOutsideBench(),
      opa: { binary: path.relative(repositoryRoot(), opa.binary) || opa.binary, version: opa.version },
      seed,
      services: size,
      environments: generated.environments.length,
      resolved,
      stage,
      parts,
      wholeProcess: {
        wasm: {
          command: "node dist/bench/policy-stage.js files policies/dist/policy.wasm <env>.json ...",
          wallMs: wasmRun.wallMs.median,
          cpuMs: wasmRun.cpuMs.median,
          peakRssMiB: wasmRun.peakRssMiB,
          inside,
          evaluationsPerSecond: perSecond(wasmRun.wallMs.median),
        },
        opaEval: {
          command:
            "opa eval --format json -d policies/platform --ignore '*_test.rego' --input <env>.json data.platform.main.findings",
          inputs: opaInputs,
          wallMs: opaWall,
          cpuMs: opaInputs.every((input) => input.cpuMs !== null)
            ? round(opaInputs.reduce((sum, input) => sum + (input.cpuMs ?? 0), 0))
            : null,
          evaluationsPerSecond: perSecond(opaWall),
        },
        ratio: Math.round((opaWall / wasmRun.wallMs.median) * 100) / 100,
        agree,
      },
      targets: [
        {
          what: `whole policy stage in idp (checkPolicies), ${resolved} inputs (median)`,
          limit: `< ${TARGET_MS} ms`,
          measured: `${stage.median} ms`,
          met: stage.median < TARGET_MS,
        },
        {
          what: `wasm, whole process (start-up, load, read and evaluate ${environments.length} inputs)`,
          limit: `< ${TARGET_MS} ms`,
          measured: `${wasmRun.wallMs.median} ms`,
          met: wasmRun.wallMs.median < TARGET_MS,
        },
      ],
    };
    writeResults("policy", report, policyMarkdown(report), options.resultsDir);
    return report;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The pinned opa, from tools/opa.sh (which installs it when missing). */
function opaBinary(): { binary: string; version: string } {
  const binary = execFileSync("bash", [path.join(repositoryRoot(), "tools", "opa.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  const version =
    /^Version: *(\S+)/m.exec(execFileSync(binary, ["version"], { encoding: "utf8" }))?.[1] ?? "unknown";
  return { binary, version };
}

/**
 * One `opa eval` of the findings decision on one input file, in the generated
 * repository (its copy of policies/). Peak RSS and CPU time when /usr/bin/time is there.
 */
function opaEval(
  opa: string,
  root: string,
  input: string,
): { wallMs: number; cpuMs: number | null; peakRssMiB: number | null; deny: number; warn: number } {
  const argv = [
    "eval",
    "--format",
    "json",
    "-d",
    "policies/platform",
    "--ignore",
    "*_test.rego",
    "--input",
    input,
    "data.platform.main.findings",
  ];
  const time = "/usr/bin/time";
  const timed = existsSync(time);
  const started = performance.now();
  const child = timed
    ? spawnSync(time, ["-f", "%M %U %S", opa, ...argv], {
        cwd: root,
        encoding: "utf8",
        maxBuffer: 256 * 1024 ** 2,
      })
    : spawnSync(opa, argv, { cwd: root, encoding: "utf8", maxBuffer: 256 * 1024 ** 2 });
  const wallMs = round(performance.now() - started);
  if (child.error) throw child.error;
  if (child.status !== 0)
    throw new Error(`opa eval failed (exit ${child.status}): ${child.stderr.slice(0, 2000)}`);
  const output = JSON.parse(child.stdout) as {
    result?: { expressions: { value: { deny?: unknown[]; warn?: unknown[] } }[] }[];
  };
  const value = output.result?.[0]?.expressions[0]?.value;
  if (!value || !Array.isArray(value.deny) || !Array.isArray(value.warn)) {
    throw new Error(`opa eval gave no findings decision: ${child.stdout.slice(0, 400)}`);
  }
  // /usr/bin/time's line: peak RSS (KiB), user and system CPU time (s).
  const [kib, user, system] = timed
    ? (child.stderr.trim().split("\n").pop() ?? "").split(" ").map(Number)
    : [Number.NaN, Number.NaN, Number.NaN];
  const cpu = (user ?? Number.NaN) + (system ?? Number.NaN);
  return {
    wallMs,
    cpuMs: Number.isFinite(cpu) ? round(cpu * 1000) : null,
    peakRssMiB: kib !== undefined && Number.isFinite(kib) ? round(kib / 1024) : null,
    deny: value.deny.length,
    warn: value.warn.length,
  };
}

export function policyMarkdown(report: PolicyReport): string {
  const m = report.machine;
  const w = report.wholeProcess;
  const p = report.parts;
  const lines = [
    "# Policy stage",
    "",
    `${report.date}, commit ${report.commit.id}${report.commit.dirty ? " (with uncommitted changes)" : ""}; ` +
      `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, opa ${report.opa.version}; ` +
      `load average ${m.loadAverage} at the start, ${report.loadAverageAtEnd} at the end.`,
    ...uncommittedNote(report.uncommitted),
    "",
    `A generated repository (seed ${report.seed}) of ${report.services} services × ${report.environments} environments ` +
      `with this repository's policies/: ${report.resolved} resolved services judged, one evaluation per environment. ` +
      "The repository passes every rule, so every decision is two empty sets.",
    "",
    "## In-process (idp's compiled modules, a fresh process per run, after validate)",
    "",
    "| what | ms | evaluations per second |",
    "| --- | ---: | ---: |",
    `| whole stage, checkPolicies (median of ${report.stage.runs.length}; min ${report.stage.min}) | ${report.stage.median} | ${report.stage.evaluationsPerSecond} |`,
    `| read and check the bundle | ${p.readBundleMs} | |`,
    `| load the wasm | ${p.loadWasmMs} | |`,
    ...p.environments.map(
      (e) =>
        `| ${e.name}: build input (${e.services} services, ${round(e.inputBytes / 1024)} KiB) / evaluate | ${e.buildInputMs} / ${e.evaluateMs} | |`,
    ),
    `| evaluate, all environments | ${p.evaluateMs} | ${p.evaluationsPerSecond} |`,
    "",
    "## Whole process, same inputs (one run)",
    "",
    "| evaluator | wall ms | CPU ms | peak RSS MiB | evaluations per second |",
    "| --- | ---: | ---: | ---: | ---: |",
    `| wasm in Node (one process, ${w.wasm.inside.inputs.length} inputs; inside: load ${w.wasm.inside.loadWasmMs}, evaluate ${round(w.wasm.inside.inputs.reduce((s, i) => s + i.evaluateMs, 0))}) | ${w.wasm.wallMs} | ${w.wasm.cpuMs} | ${w.wasm.peakRssMiB} | ${w.wasm.evaluationsPerSecond} |`,
    ...w.opaEval.inputs.map(
      (i) =>
        `| opa eval, ${i.environment} | ${i.wallMs} | ${i.cpuMs ?? "n/a"} | ${i.peakRssMiB ?? "n/a"} | |`,
    ),
    `| opa eval, all (${w.opaEval.inputs.length} processes) | ${w.opaEval.wallMs} | ${w.opaEval.cpuMs ?? "n/a"} | | ${w.opaEval.evaluationsPerSecond} |`,
    "",
    `opa eval / wasm: ${w.ratio}×. Decisions agree (denials and warnings per input): ${w.agree ? "yes" : "**no**"}.`,
    "",
    "## Targets (issue 4)",
    "",
    "| target | limit | measured | met |",
    "| --- | --- | --- | --- |",
    ...report.targets.map((t) => `| ${t.what} | ${t.limit} | ${t.measured} | ${t.met ? "yes" : "**no**"} |`),
    "",
  ];
  return lines.join("\n");
}
