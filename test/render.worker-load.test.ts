import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const built = (module: string) => pathToFileURL(join(ROOT, "dist", "scripts", "render", module)).href;
const WORKER = built("render-worker.js");

/** A module the render worker resolved, and whether by an ES `import` (else by `require`). */
interface Loaded {
  url: string;
  imported: boolean;
}

/**
 * Loads the built module at `module` in a fresh process (the worker
 * threads exist only in the built code, which test/support/build-cli.ts
 * builds) and lists every module it resolved, CommonJS and ES modules.
 */
function modulesLoadedBy(module: string): Loaded[] {
  const script = `
    import { registerHooks } from "node:module";
    const loaded = [];
    registerHooks({
      resolve(specifier, context, next) {
        const resolved = next(specifier, context);
        loaded.push({ url: resolved.url, imported: context.conditions.includes("import") });
        return resolved;
      },
    });
    await import(${JSON.stringify(module)});
    process.stdout.write(JSON.stringify(loaded));
  `;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as Loaded[];
}

/** The installed package a module URL belongs to (its outermost node_modules folder), if any. */
function packageOf(url: string): string | undefined {
  const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  return match?.[1];
}

describe("what a rendering thread loads", () => {
  // The thread that reads the committed tree runs while the main thread
  // validates: whatever it loads slows validation on two cores. git's
  // wrapper (simple-git) is loaded only for --base, when it is used.
  it("the reader of the committed tree loads nothing from node_modules", () => {
    const packages = modulesLoadedBy(built("committed-tree-worker.js")).flatMap(
      ({ url }) => packageOf(url) ?? [],
    );
    expect(packages).toEqual([]);
  });

  // Every rendering thread loads this before its first file: each package
  // here is paid for on the critical path of every render, check and plan.
  // The Grafana Foundation SDK was 223 modules (about 300 ms of CPU per
  // thread) for dashboards we build as plain data (grafana-model.ts); the
  // kubernetes-models packages are imported for their types only.
  it("loads only cdk8s, cdk8s-plus-28 and constructs from node_modules", () => {
    const packages = [...new Set(modulesLoadedBy(WORKER).flatMap(({ url }) => packageOf(url) ?? []))];
    expect(packages.sort()).toEqual(["cdk8s", "cdk8s-plus-28", "constructs"]);
  });

  // An ES import of a CommonJS package makes Node scan its sources, and
  // every file its index re-exports, for export names before running it
  // (about 70 ms for cdk8s and cdk8s-plus-28): scripts/render/cdk8s.ts
  // requires them instead.
  it("requires the CommonJS packages rather than importing them", () => {
    const imported = modulesLoadedBy(WORKER).filter(({ url, imported }) => imported && packageOf(url));
    expect(imported.map(({ url }) => packageOf(url))).toEqual([]);
  });
});
