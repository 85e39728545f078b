import type { Construct } from "constructs";
import { cdk8s } from "./cdk8s.js";
import type { KubeObject } from "./kube-object.js";

// cdk8s sorts every object's keys as it renders it (about 5% of rendering);
// serialize.ts sorts them again in its own (code point) order, so cdk8s's
// pass only costs. cdk8s reads this variable, per thread, on every render.
process.env.CDK8S_DISABLE_SORT ??= "1";

/**
 * Builds one cdk8s chart in an App of its own and returns its objects as
 * plain JSON, in the order they were added. One small App per (service,
 * environment) keeps synthesis linear (one App holding thousands of charts
 * measured superlinear), and generated name hashes are off: every object is
 * named by us, readable and stable.
 *
 * Synthesis is cdk8s's own minus its dependency graph: every construct's
 * validations run (as `Chart.toJson` runs them) and each ApiObject renders
 * itself with `toJson` (tokens resolved, JSON patches applied). Our charts
 * declare no dependencies, so the topological sort `Chart.toJson` does would
 * only return the construction order, at about a tenth of the render's cost.
 */
export function synthChart(
  name: string,
  namespace: string | undefined,
  build: (scope: Construct) => void,
): KubeObject[] {
  const app = new cdk8s.App();
  const chart = new cdk8s.Chart(app, name, {
    disableResourceNameHashes: true,
    ...(namespace ? { namespace } : {}),
  });
  build(chart);
  const constructs = chart.node.findAll();
  const errors = constructs.flatMap((c) => c.node.validate().map((e) => `[${c.node.path}] ${e}`));
  if (errors.length > 0) throw new Error(`validation failed:\n  ${errors.join("\n  ")}`);
  const objects: KubeObject[] = [];
  for (const construct of constructs) {
    if (construct.node.dependencies.length > 0) {
      throw new Error(`${construct.node.path} declares dependencies, which synthChart does not order by`);
    }
    if (construct instanceof cdk8s.ApiObject) objects.push(construct.toJson() as KubeObject);
  }
  return objects;
}
