import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const WORKER = pathToFileURL(join(ROOT, "dist", "scripts", "render", "render-worker.js")).href;

/**
 * Loads the built render worker module in a fresh process (the worker
 * threads exist only in the built code, which test/support/build-cli.ts
 * builds) and lists every module URL it resolved, CommonJS and ES modules.
 */
function modulesLoadedByRenderWorker(): string[] {
  const script = `
    import { registerHooks } from "node:module";
    const urls = [];
    registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); urls.push(r.url); return r; } });
    await import(${JSON.stringify(WORKER)});
    process.stdout.write(JSON.stringify(urls));
  `;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as string[];
}

/** The installed package a module URL belongs to (its outermost node_modules folder), if any. */
function packageOf(url: string): string | undefined {
  const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  return match?.[1];
}

describe("what a rendering thread loads", () => {
  // Every rendering thread loads this before its first file: each package
  // here is paid for on the critical path of every render, check and plan.
  // The Grafana Foundation SDK was 223 modules (about 300 ms of CPU per
  // thread) for dashboards we build as plain data (grafana-model.ts); the
  // kubernetes-models packages are imported for their types only.
  it("loads only cdk8s, cdk8s-plus-28 and constructs from node_modules", () => {
    const packages = [...new Set(modulesLoadedByRenderWorker().flatMap((url) => packageOf(url) ?? []))];
    expect(packages.sort()).toEqual(["cdk8s", "cdk8s-plus-28", "constructs"]);
  });
});
