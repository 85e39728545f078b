import { runValidateBenchmark, type Size } from "./validate.js";

/**
 * `npm run bench -- <benchmark> [--sizes examples,100,1000] [--runs N]`:
 * builds, then runs one benchmark and records its results in bench/results/.
 */
const USAGE = `usage: npm run bench -- <benchmark> [--sizes examples,100,1000,5000] [--runs 3]

benchmarks:
  validate   idp validate on the examples and generated repositories (bench/results/validate.*)`;

function parse(argv: readonly string[]): { name?: string; sizes?: Size[]; runs?: number } {
  const options: { name?: string; sizes?: Size[]; runs?: number } = {};
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

try {
  const { name, ...options } = parse(process.argv.slice(2));
  if (name === "validate") {
    const report = runValidateBenchmark({ ...options, log: (line) => console.log(line) });
    console.log(`\nwrote bench/results/validate.json and validate.md (${report.results.length} sizes)`);
  } else {
    console.error(name === undefined ? USAGE : `unknown benchmark "${name}"\n\n${USAGE}`);
    process.exitCode = 2;
  }
} catch (failure) {
  console.error(failure instanceof Error ? failure.message : String(failure));
  process.exitCode = 2;
}
