import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The repository this benchmark code belongs to: the nearest folder above this
 * module holding both package.json and schemas/. Works from the compiled
 * `dist/bench/*.js` and from the TypeScript source alike.
 */
export function repositoryRoot(): string {
  let folder = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (
      existsSync(path.join(folder, "package.json")) &&
      existsSync(path.join(folder, "schemas", "service.schema.json"))
    ) {
      return folder;
    }
    const parent = path.dirname(folder);
    if (parent === folder) throw new Error("cannot find the repository root above the bench scripts");
    folder = parent;
  }
}

/** The `idp` entry point the benchmarks run as a child process. */
export function idpEntryPoint(): string {
  return path.join(repositoryRoot(), "bin", "idp.js");
}

/** True when the module at `url` is the script node was started with. */
export function isMainModule(url: string): boolean {
  const started = process.argv[1];
  return started !== undefined && path.resolve(started) === fileURLToPath(url);
}

/**
 * Writes one benchmark's results: `<name>.json` (the report) and `<name>.md`
 * (for people) into `folder`, by default this repository's bench/results.
 */
export function writeResults(name: string, report: unknown, markdown: string, folder?: string): void {
  const resultsDir = folder ?? path.join(repositoryRoot(), "bench", "results");
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(path.join(resultsDir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(path.join(resultsDir, `${name}.md`), markdown);
}
