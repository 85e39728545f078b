// The build of `idp` (tsc, then the schema precompile), skipped when its inputs did not change.
//
// `bin/idp.js` calls ensureBuilt() before every run, so `npx idp`, `npm run idp` and CI never run
// a stale dist/ and never pay for a build (5 to 20 s) when nothing changed: the check compares
// the inputs' sizes and times with the stamp (a few ms), and their bytes when those differ.
// `node tools/build.mjs` (npm run build) builds when stale; `--force` always builds.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository that holds this tool (not the one `idp --root` works on). */
export const TOOL_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Folders whose files feed the build: the compiled TypeScript and what the precompile reads. */
const INPUT_FOLDERS = ["scripts", "bench", "schemas", "upstream"];
/** Single files that change what tsc emits or what the precompiled code is made with. */
const INPUT_FILES = ["tsconfig.json", "tsconfig.build.json", "package.json", "package-lock.json"];
/** Written after a successful build: the hash of the inputs it was made from. */
const STAMP = join("dist", ".build-stamp");
/** Held while a build runs, so parallel `idp` runs do not compile into dist/ at once. */
const LOCK = join("dist", ".build-lock");
const LOCK_STALE_MS = 10 * 60 * 1000;

/** Every input file, relative to `root`, sorted: unit tests beside the code are not compiled. */
export function buildInputs(root = TOOL_ROOT) {
  const files = INPUT_FILES.filter((file) => existsSync(join(root, file)));
  const walk = (folder) => {
    for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (path !== join("bench", "results")) walk(path);
      } else if (entry.isFile() && !entry.name.endsWith(".test.ts")) {
        files.push(path);
      }
    }
  };
  for (const folder of INPUT_FOLDERS) if (existsSync(join(root, folder))) walk(folder);
  return files.sort();
}

/** A hash of the names and bytes of every input: any edit, addition or removal changes it. */
export function inputsHash(root = TOOL_ROOT) {
  const hash = createHash("sha256");
  for (const file of buildInputs(root)) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/**
 * The stamp: the inputs' hash, then one line per input with its size and
 * modification time. Unchanged sizes and times spare reading the inputs (a
 * few ms instead of about 100); a file touched but not changed (a checkout)
 * is read, found equal, and its new time recorded.
 */
function stampText(root, hash) {
  const lines = buildInputs(root).map((file) => {
    const stat = statSync(join(root, file));
    return `${stat.size} ${stat.mtimeMs} ${file}`;
  });
  return `${hash}\n${lines.join("\n")}\n`;
}

/** True when dist/ holds a CLI built from exactly the current inputs. */
export function isBuildFresh(root = TOOL_ROOT) {
  const stamp = join(root, STAMP);
  if (!existsSync(stamp) || !existsSync(join(root, "dist", "scripts", "cli.js"))) return false;
  const stored = readFileSync(stamp, "utf8");
  const hash = stored.slice(0, stored.indexOf("\n"));
  if (stampText(root, hash) === stored) return true;
  if (inputsHash(root) !== hash) return false;
  writeStamp(root, hash);
  return true;
}

/**
 * Builds unless dist/ is fresh. Build output goes to stderr, so a command's
 * stdout (`idp plan --format json > plan.json`) stays what the command printed.
 * Returns an error message when the build failed, else undefined.
 */
export function ensureBuilt({
  root = TOOL_ROOT,
  force = false,
  log = (line) => process.stderr.write(line),
} = {}) {
  if (!force && isBuildFresh(root)) return undefined;
  return withLock(root, () => {
    // Another process may have built while this one waited for the lock.
    if (!force && isBuildFresh(root)) return undefined;
    // Sizes and times before the hash, both before tsc reads: an edit during the build leaves a
    // stamp whose times differ, so the next run looks at the bytes again.
    const stamp = stampText(root, "");
    const hash = inputsHash(root);
    const compiler = typescriptCompiler(root);
    if (!compiler) return "dist/ is stale and typescript is not installed: run `npm ci` first";
    log("idp: building (tsc, schema precompile): its sources changed since the last build...\n");
    const tsc = spawnSync(process.execPath, [compiler, "-p", "tsconfig.build.json"], {
      cwd: root,
      stdio: ["ignore", 2, 2],
    });
    // tsc emits even when a file fails to type-check; the CLI may still run, but is not stamped.
    if (!existsSync(join(root, "dist", "scripts", "cli.js")))
      return "the build produced no dist/scripts/cli.js (see tsc's errors above)";
    const precompile = spawnSync(
      process.execPath,
      [join("dist", "scripts", "dev", "precompile-schemas.js")],
      {
        cwd: root,
        stdio: ["ignore", 2, 2],
      },
    );
    if (precompile.status !== 0) return "the schema precompile failed (see above)";
    if (tsc.status !== 0) {
      log("idp: tsc reported errors (above); running what it emitted, the build is not stamped\n");
      return undefined;
    }
    writeFileSync(join(root, STAMP), `${hash}${stamp}`);
    return undefined;
  });
}

/** Records that dist/ was built from the inputs as they are now. */
function writeStamp(root, hash) {
  writeFileSync(join(root, STAMP), stampText(root, hash));
}

/** tsc's script, or undefined when typescript is not installed (`npm ci --omit=dev`). */
function typescriptCompiler(root) {
  try {
    return createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");
  } catch {
    return undefined;
  }
}

/** Runs `action` holding dist/.build-lock; waits (up to 10 minutes) while another build holds it. */
function withLock(root, action) {
  const lock = join(root, LOCK);
  mkdirSync(dirname(lock), { recursive: true });
  const waitOneStep = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      // A lock left by a build that was killed is taken over once it is old.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > LOCK_STALE_MS)
        rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(waitOneStep, 0, 0, 200);
    }
  }
  try {
    return action();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

if (process.argv[1] && relative(process.argv[1], fileURLToPath(import.meta.url)) === "") {
  const failure = ensureBuilt({ force: process.argv.includes("--force") });
  if (failure) {
    process.stderr.write(`idp build: ${failure}\n`);
    process.exitCode = 1;
  }
}
