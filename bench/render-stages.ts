import { performance } from "node:perf_hooks";
import { ApiObject } from "cdk8s";
import { withPolicies } from "../scripts/check-repository.js";
import { validateRepository } from "../scripts/model/validate-repository.js";
import type { KubeObject } from "../scripts/render/kube-object.js";
import { renderJobs } from "../scripts/render/render-jobs.js";
import { hasErrors } from "../scripts/report/diagnostic.js";
import { isMainModule } from "./paths.js";

/**
 * What each stage of `idp render` costs in one thread, in one cold process,
 * and what cdk8s alone costs for the same objects: the parts a lower bound of
 * the whole render is made of.
 *
 *   node dist/bench/render-stages.js <root>
 *
 * Prints one JSON line of milliseconds:
 * - `loadRender`: importing the chart code (cdk8s, cdk8s-plus-28), which every rendering thread pays;
 * - `validate`: load, schema, checks and resolve (`validateRepository`);
 * - `policy`: the policy stage;
 * - `build`: our charts, from the resolved services to plain objects through cdk8s;
 * - `serialize`: those objects to YAML;
 * - `cdk8sAlone`: the same objects once more through bare cdk8s (an App and a
 *   Chart per file, an ApiObject per object given its final JSON, validation,
 *   `toJson`), the least any renderer that synthesizes with cdk8s pays on top
 *   of reading and writing.
 */
export interface StageReport {
  objects: number;
  files: number;
  ms: {
    loadRender: number;
    validate: number;
    policy: number;
    build: number;
    serialize: number;
    cdk8sAlone: number;
  };
}

export async function measureStages(root: string): Promise<StageReport> {
  let started = performance.now();
  const checked = validateRepository(root);
  const validate = performance.now() - started;
  if (hasErrors(checked.diagnostics)) throw new Error(`${root} does not validate`);

  started = performance.now();
  withPolicies(root, checked);
  const policy = performance.now() - started;

  started = performance.now();
  const { synthChart } = await import("../scripts/render/chart.js");
  const { renderPlatform } = await import("../scripts/render/platform/platform-chart.js");
  const { renderService } = await import("../scripts/render/service/service-chart.js");
  const { serializeObjects } = await import("../scripts/render/serialize.js");
  const loadRender = performance.now() - started;

  let build = 0;
  let serialize = 0;
  const rendered: KubeObject[][] = [];
  for (const job of renderJobs(checked)) {
    started = performance.now();
    const objects = job.service ? renderService(job.service, job.context) : renderPlatform(job.context);
    build += performance.now() - started;
    started = performance.now();
    serializeObjects(objects);
    serialize += performance.now() - started;
    rendered.push(objects);
  }

  started = performance.now();
  // idp's own synthesis (synthChart), with nothing to build but the final JSON.
  for (const objects of rendered) {
    synthChart("chart", undefined, (scope) => {
      objects.forEach((object, index) => {
        new ApiObject(scope, `o${index}`, object);
      });
    });
  }
  const cdk8sAlone = performance.now() - started;

  const ms = (value: number) => Math.round(value * 10) / 10;
  return {
    objects: rendered.reduce((sum, objects) => sum + objects.length, 0),
    files: rendered.length,
    ms: {
      loadRender: ms(loadRender),
      validate: ms(validate),
      policy: ms(policy),
      build: ms(build),
      serialize: ms(serialize),
      cdk8sAlone: ms(cdk8sAlone),
    },
  };
}

if (isMainModule(import.meta.url)) {
  const [root] = process.argv.slice(2);
  if (!root) {
    console.error("usage: node dist/bench/render-stages.js <root>");
    process.exit(2);
  }
  console.log(JSON.stringify(await measureStages(root)));
}
