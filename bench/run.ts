import { runHelmBenchmark } from "./helm.js";
import { runIncrementalBenchmark } from "./incremental.js";
import { runObservabilityBenchmark } from "./observability.js";
import { runPlanBenchmark } from "./plan.js";
import { runPolicyBenchmark } from "./policy.js";
import { runPortalBenchmark } from "./portal.js";
import { runRenderBenchmark, type Target } from "./render.js";
import { runValidateBenchmark, type Size } from "./validate.js";

/**
 * `npm run bench -- <benchmark> [--sizes examples,100,1000] [--runs N]`:
 * builds, then runs one benchmark and records its results in bench/results/.
 */
const USAGE = `usage: npm run bench -- <benchmark> [--sizes 100,1000,5000] [--runs 3] [--profile | --no-profile]

benchmarks:
  validate   idp validate on the examples and generated repositories (bench/results/validate.*)
             --sizes examples,100,1000,5000 (default)
  render     idp render (first render, re-render) against its floor on generated repositories
             (bench/results/render.*); --sizes 100,1000,5000 (default); a CPU profile of the
             1,000-service render when a target is missed, always with --profile, never with --no-profile
  policy     the policy stage in-process and wasm against opa eval, whole process
             (bench/results/policy.*); --sizes 1000 (default; one size)
  plan       idp plan --base main for a one-service change (bench/results/plan.*);
             --sizes 10,100,1000 (default), interleaved rounds
  helm       idp render (first render) against helm template of the same objects, objects compared
             (bench/results/helm.*); --sizes 1000 (default; one size); builds Helm with tools/helm.sh
  incremental  idp render --check and a one-service render against idp validate, and the first
             render's growth (bench/results/incremental.*); --sizes 1000,5000,10000 (default: the
             first size for the ratios, all of them for the growth)
  portal     idp portal on a rendered, committed repository (bench/results/portal.*);
             --sizes 1000 (default; one size)
  observability  idp render --full with observability on, off and none, interleaved rounds
             (bench/results/observability.*); --sizes 1000 (default; one size)`;

interface Options {
  name?: string;
  sizes?: Size[];
  runs?: number;
  profile?: boolean;
}

function parse(argv: readonly string[]): Options {
  const options: Options = {};
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] as string;
    const value = () => {
      const next = argv[index + 1];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      index += 1;
      return next;
    };
    if (arg === "--sizes") {
      options.sizes = value()
        .split(",")
        .map((size): Size => {
          if (size === "examples") return "examples";
          const count = Number(size);
          if (!Number.isInteger(count) || count < 0) throw new Error(`--sizes: "${size}" is not a count`);
          return count;
        });
    } else if (arg === "--runs") {
      const runs = Number(value());
      if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs must be a whole number of at least 1");
      options.runs = runs;
    } else if (arg === "--profile" || arg === "--no-profile") {
      options.profile = arg === "--profile";
    } else if (arg.startsWith("-")) {
      throw new Error(`unknown option ${arg}`);
    } else if (options.name === undefined) {
      options.name = arg;
    } else {
      throw new Error(`unexpected argument ${arg}`);
    }
  }
  return options;
}

/** Generated sizes only: "examples" is the validate benchmark's. */
function counts(sizes: Size[] | undefined, benchmark: string): number[] | undefined {
  if (sizes === undefined) return undefined;
  return sizes.map((size) => {
    if (size === "examples")
      throw new Error(`--sizes: the ${benchmark} benchmark runs on generated repositories only`);
    return size;
  });
}

/** Each target, met or missed, then which results files were written. */
function printTargets(targets: readonly Target[], written: string): void {
  console.log("");
  for (const target of targets) {
    console.log(`${target.met ? "met   " : "MISSED"} ${target.what}: ${target.measured} (${target.limit})`);
  }
  console.log(`\nwrote bench/results/${written}`);
}

try {
  const { name, sizes, runs, profile } = parse(process.argv.slice(2));
  const log = (line: string) => console.log(line);
  if (profile !== undefined && name !== "render")
    throw new Error("--profile and --no-profile are for render only");
  if (name === "validate") {
    const report = runValidateBenchmark({ ...(sizes ? { sizes } : {}), ...(runs ? { runs } : {}), log });
    console.log(`\nwrote bench/results/validate.json and validate.md (${report.results.length} sizes)`);
  } else if (name === "render") {
    const renderSizes = counts(sizes, "render");
    const report = runRenderBenchmark({
      ...(renderSizes ? { sizes: renderSizes } : {}),
      ...(runs ? { runs } : {}),
      ...(profile !== undefined ? { profile } : {}),
      log,
    });
    printTargets(report.targets, `render.json and render.md (${report.results.length} sizes)`);
  } else if (name === "plan") {
    const planSizes = counts(sizes, "plan");
    const report = runPlanBenchmark({
      ...(planSizes ? { sizes: planSizes } : {}),
      ...(runs ? { runs } : {}),
      log,
    });
    printTargets(report.targets, "plan.json and plan.md");
  } else if (name === "helm") {
    const helmSizes = counts(sizes, "helm");
    if (helmSizes && helmSizes.length !== 1) throw new Error("--sizes: the helm benchmark takes one size");
    const report = runHelmBenchmark({
      ...(helmSizes ? { services: helmSizes[0] as number } : {}),
      ...(runs ? { runs } : {}),
      log,
    });
    printTargets(report.targets, "helm.json and helm.md");
  } else if (name === "incremental") {
    const growthSizes = counts(sizes, "incremental");
    const report = runIncrementalBenchmark({
      ...(growthSizes ? { services: growthSizes[0] as number, growthSizes } : {}),
      ...(runs ? { runs } : {}),
      log,
    });
    printTargets(report.targets, "incremental.json and incremental.md");
  } else if (name === "policy") {
    const policySizes = counts(sizes, "policy");
    if (policySizes && policySizes.length !== 1)
      throw new Error("--sizes: the policy benchmark takes one size");
    const report = runPolicyBenchmark({
      ...(policySizes ? { services: policySizes[0] as number } : {}),
      ...(runs ? { runs } : {}),
      log,
    });
    printTargets(report.targets, "policy.json and policy.md");
  } else if (name === "portal") {
    const portalSizes = counts(sizes, "portal");
    if (portalSizes && portalSizes.length !== 1)
      throw new Error("--sizes: the portal benchmark takes one size");
    const report = runPortalBenchmark({
      ...(portalSizes ? { services: portalSizes[0] as number } : {}),
      ...(runs ? { runs } : {}),
      log,
    });
    printTargets(report.targets, "portal.json and portal.md");
  } else if (name === "observability") {
    const observabilitySizes = counts(sizes, "observability");
    if (observabilitySizes && observabilitySizes.length !== 1)
      throw new Error("--sizes: the observability benchmark takes one size");
    const report = runObservabilityBenchmark({
      ...(observabilitySizes ? { services: observabilitySizes[0] as number } : {}),
      ...(runs ? { runs } : {}),
      log,
    });
    printTargets(report.targets, "observability.json and observability.md");
  } else {
    console.error(name === undefined ? USAGE : `unknown benchmark "${name}"\n\n${USAGE}`);
    process.exitCode = 2;
  }
} catch (failure) {
  console.error(failure instanceof Error ? failure.message : String(failure));
  process.exitCode = 2;
}
