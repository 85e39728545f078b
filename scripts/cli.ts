import { run } from "./run.js";

// The entry point: the only place that touches process output and exit codes.
const outcome = await run(process.argv.slice(2));
process.stdout.write(outcome.stdout);
process.stderr.write(outcome.stderr);
process.exitCode = outcome.exitCode;
