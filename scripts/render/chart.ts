import { App, Chart } from "cdk8s";
import type { Construct } from "constructs";
import type { KubeObject } from "./kube-object.js";

/**
 * Builds one cdk8s chart in an App of its own and returns its objects as
 * plain JSON. One small App per (service, environment) keeps synthesis linear
 * (one App holding thousands of charts measured superlinear), and generated
 * name hashes are off: every object is named by us, readable and stable.
 */
export function synthChart(
  name: string,
  namespace: string | undefined,
  build: (scope: Construct) => void,
): KubeObject[] {
  const app = new App();
  const chart = new Chart(app, name, {
    disableResourceNameHashes: true,
    ...(namespace ? { namespace } : {}),
  });
  build(chart);
  return chart.toJson() as KubeObject[];
}
