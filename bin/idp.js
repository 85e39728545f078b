#!/usr/bin/env node
// The entry point of `npx idp`, `npm run idp` and CI: runs the compiled CLI, building it first
// when its sources changed since the last build (tools/build.mjs), so no run uses a stale dist/.
import { ensureBuilt } from "../tools/build.mjs";

const failure = ensureBuilt();
if (failure) {
  process.stderr.write(`idp: ${failure}\n`);
  process.exit(2);
}
await import("../dist/scripts/cli.js");
