import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");

/**
 * Vitest global setup: builds the CLI once (`npm run build`) for the suites
 * that run it as users do (`node bin/idp.js`), such as worker-thread
 * rendering, which exists only in the built code. tsc emits even when a file
 * fails to type-check (npm test's typecheck step reports that); only a build
 * that leaves no CLI stops the run.
 */
export default function buildCli(): void {
  const build = spawnSync("npm", ["run", "-s", "build"], { cwd: ROOT, encoding: "utf8" });
  if (!existsSync(join(ROOT, "dist", "scripts", "cli.js")))
    throw new Error(`npm run build produced no CLI:\n${build.stdout}${build.stderr}`);
}
