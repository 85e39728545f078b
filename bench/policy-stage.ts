import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { validateRepository } from "../scripts/model/validate-repository.js";
import { BUNDLE_WASM, readPolicyBundle } from "../scripts/policy/bundle.js";
import { checkPolicies } from "../scripts/policy/check-policies.js";
import { PolicyEngine } from "../scripts/policy/engine.js";
import { buildPolicyInput, type PolicyInput } from "../scripts/policy/input.js";
import { isMainModule } from "./paths.js";

/**
 * The policy stage of idp, run by the `policy` benchmark as a child process
 * (a fresh process each time, so nothing is warm that would not be warm in
 * `idp validate`), with the compiled modules of dist/scripts/:
 *
 *   node dist/bench/policy-stage.js stage <root> <today>
 *     validateRepository, then checkPolicies timed: the whole stage as idp runs it
 *     (bundle read and freshness check, exceptions, wasm load, inputs, evaluation,
 *     findings turned into diagnostics).
 *   node dist/bench/policy-stage.js parts <root> <today> [<inputs-dir>]
 *     validateRepository, then the parts timed one by one: read the bundle, load the
 *     wasm, and per environment build the input and evaluate it; writes each
 *     environment's input as <inputs-dir>/<env>.json (after timing) for `opa eval`.
 *   node dist/bench/policy-stage.js files <wasm> <input.json>...
 *     load the wasm and evaluate each input file: the same job as `opa eval` on
 *     those files, as one whole process.
 *
 * Each prints one JSON line (times in ms).
 */
export interface StageReport {
  mode: "stage";
  validateMs: number;
  stageMs: number;
  evaluated: number;
  diagnostics: number;
}

export interface PartsReport {
  mode: "parts";
  validateMs: number;
  readBundleMs: number;
  loadWasmMs: number;
  environments: {
    name: string;
    services: number;
    inputBytes: number;
    buildInputMs: number;
    evaluateMs: number;
    deny: number;
    warn: number;
  }[];
}

export interface FilesReport {
  mode: "files";
  loadWasmMs: number;
  inputs: {
    file: string;
    services: number;
    readMs: number;
    evaluateMs: number;
    deny: number;
    warn: number;
  }[];
}

const ms = (start: number) => Math.round((performance.now() - start) * 10) / 10;

function validated(root: string) {
  const started = performance.now();
  const repository = validateRepository(root);
  const validateMs = ms(started);
  const errors = repository.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`${root} does not validate: ${errors[0]?.message}`);
  return { repository, validateMs };
}

export function runStage(root: string, today: string): StageReport {
  const { repository, validateMs } = validated(root);
  const started = performance.now();
  const outcome = checkPolicies(root, repository, {}, today);
  const stageMs = ms(started);
  return {
    mode: "stage",
    validateMs,
    stageMs,
    evaluated: outcome.evaluated,
    diagnostics: outcome.diagnostics.length,
  };
}

export function runParts(root: string, today: string, inputsDir?: string): PartsReport {
  const { repository, validateMs } = validated(root);
  let started = performance.now();
  const { bundle, diagnostics } = readPolicyBundle(root);
  if (!bundle) throw new Error(`no usable policy bundle: ${diagnostics[0]?.message}`);
  const readBundleMs = ms(started);
  started = performance.now();
  const engine = PolicyEngine.load(bundle.wasm, BUNDLE_WASM);
  const loadWasmMs = ms(started);
  const inputs: [string, PolicyInput][] = [];
  const environments: PartsReport["environments"] = [];
  for (const environment of repository.environments) {
    started = performance.now();
    const services = repository.services.filter((s) => s.environment === environment.name);
    const input = buildPolicyInput(environment, repository.environments, repository.teams, services, {
      date: today,
    });
    const buildInputMs = ms(started);
    started = performance.now();
    const findings = engine.evaluate(input);
    const evaluateMs = ms(started);
    inputs.push([environment.name, input]);
    environments.push({
      name: environment.name,
      services: services.length,
      inputBytes: 0,
      buildInputMs,
      evaluateMs,
      deny: findings.filter((f) => f.severity === "deny").length,
      warn: findings.filter((f) => f.severity === "warn").length,
    });
  }
  inputs.forEach(([name, input], index) => {
    const text = JSON.stringify(input);
    (environments[index] as PartsReport["environments"][0]).inputBytes = Buffer.byteLength(text);
    if (inputsDir) writeFileSync(path.join(inputsDir, `${name}.json`), text);
  });
  return { mode: "parts", validateMs, readBundleMs, loadWasmMs, environments };
}

export function runFiles(wasm: string, files: readonly string[]): FilesReport {
  let started = performance.now();
  const engine = PolicyEngine.load(readFileSync(wasm), wasm);
  const loadWasmMs = ms(started);
  const inputs = files.map((file) => {
    started = performance.now();
    const input = JSON.parse(readFileSync(file, "utf8")) as PolicyInput;
    const readMs = ms(started);
    started = performance.now();
    const findings = engine.evaluate(input);
    const evaluateMs = ms(started);
    return {
      file: path.basename(file),
      services: input.services.length,
      readMs,
      evaluateMs,
      deny: findings.filter((f) => f.severity === "deny").length,
      warn: findings.filter((f) => f.severity === "warn").length,
    };
  });
  return { mode: "files", loadWasmMs, inputs };
}

if (isMainModule(import.meta.url)) {
  const [mode, ...args] = process.argv.slice(2);
  const [first, second, third] = args;
  if (mode === "stage" && first && second) console.log(JSON.stringify(runStage(first, second)));
  else if (mode === "parts" && first && second) console.log(JSON.stringify(runParts(first, second, third)));
  else if (mode === "files" && first && args.length > 1)
    console.log(JSON.stringify(runFiles(first, args.slice(1))));
  else {
    console.error(
      "usage: node dist/bench/policy-stage.js stage <root> <today> | parts <root> <today> [<inputs-dir>] | files <wasm> <input.json>...",
    );
    process.exit(2);
  }
}
