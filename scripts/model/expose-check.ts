import type { Findings } from "./findings.js";
import type { Origin } from "./merge.js";
import type { EnvironmentModel, ResolvedService } from "./resolved.js";

/**
 * `expose: loadBalancer` buys a public address from the cloud provider, past
 * the ingress controller or gateway the platform runs: only where the
 * environment offers it (`routing.loadBalancers: true`), never by default.
 * (That it is only for web services is checkWorkloadShape's.)
 */
export function checkExpose(
  service: ResolvedService,
  env: EnvironmentModel,
  origin: (dotted: string) => Origin,
  findings: Findings,
): void {
  if (service.expose !== "loadBalancer" || service.type !== "web") return;
  if (env.spec.routing?.loadBalancers === true) return;
  findings.error(
    "resolve.load-balancer",
    "expose: loadBalancer is not offered in {env} (its routing.loadBalancers is not true)",
    origin("expose"),
    {
      environment: env.name,
      hint: "give the service a route: with a host name, set expose: cluster for {env} under environments:, or ask the platform team for routing.loadBalancers: true",
    },
  );
}
