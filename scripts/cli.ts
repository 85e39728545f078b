import { run } from "./run.js";

// A reader that stops early (`idp plan | head`) closes the pipe: what it did
// not read is not wanted, so that is no error and no stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  });
}

// The entry point: the only place that touches process output and exit codes.
const outcome = await run(process.argv.slice(2));
process.stdout.write(outcome.stdout);
process.stderr.write(outcome.stderr);
process.exitCode = outcome.exitCode;
