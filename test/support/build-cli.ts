import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");

/**
 * Vitest global setup: builds the CLI once (`npm run build`) for the suites
 * that run it as users do (`node bin/idp.js`), such as worker-thread
 * rendering, which exists only in the built code. tsc emits even when a file
 * fails to type-check (npm test's typecheck step reports that); only a build
 * that leaves no CLI stops the run.
 *
 * Renders remember committed files in a per-user cache (digest-cache.ts):
 * the suites' hundreds of temporary repositories get one of their own,
 * removed afterwards, instead of filling the user's ~/.cache/idp.
 */
export default function buildCli(): () => void {
  const build = spawnSync("npm", ["run", "-s", "build"], { cwd: ROOT, encoding: "utf8" });
  if (!existsSync(join(ROOT, "dist", "scripts", "cli.js")))
    throw new Error(`npm run build produced no CLI:\n${build.stdout}${build.stderr}`);
  if (process.env.IDP_CACHE_DIR !== undefined) return () => {};
  const cache = mkdtempSync(join(tmpdir(), "idp-test-cache-"));
  process.env.IDP_CACHE_DIR = cache;
  return () => rmSync(cache, { recursive: true, force: true });
}
