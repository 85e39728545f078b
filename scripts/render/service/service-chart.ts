import type { Construct } from "constructs";
import { monitoringEnabled, OBSERVABILITY_NAMESPACE } from "../../model/observability.js";
import type { ResolvedService } from "../../model/resolved.js";
import { secretStoreName } from "../../model/secret-store.js";
import { serviceDashboardJson } from "../../observability/dashboard-json.js";
import { prometheusRuleGroups } from "../../observability/rules.js";
import { synthChart } from "../chart.js";
import type { RenderContext } from "../context.js";
import { addDashboardConfigMap } from "../dashboard-config-map.js";
import type { KubeObject } from "../kube-object.js";
import { configHash } from "./config-hash.js";
import { addEnvConfigMap } from "./config-map.js";
import { addCronJob } from "./cron-job.js";
import { addDependencyClaim } from "./dependency-claim.js";
import { addDeployment } from "./deployment.js";
import { resolveVariables } from "./environment-variables.js";
import { addExternalSecret, externalSecretSpec, SECRETS_SUFFIX } from "./external-secret.js";
import { addFilesConfigMap } from "./files-config-map.js";
import { addHorizontalPodAutoscaler } from "./horizontal-pod-autoscaler.js";
import { addHttpRoute } from "./http-route.js";
import { addIngress } from "./ingress.js";
import { addPodMonitor, addServiceMonitor } from "./monitor.js";
import { addNetworkPolicy } from "./network-policy.js";
import { identify, metadataOf } from "./object-metadata.js";
import { addPodDisruptionBudget, needsDisruptionBudget } from "./pod-disruption-budget.js";
import { podTemplate } from "./pod-template.js";
import { addPrometheusRule } from "./prometheus-rule.js";
import { addService, routedPort } from "./service.js";
import { addServiceAccount } from "./service-account.js";
import { calledService, indexServices } from "./service-index.js";

/** The name suffix of a service's dashboard ConfigMap. */
export const DASHBOARD_SUFFIX = "dashboard";

type DashboardMetadata = Parameters<typeof addDashboardConfigMap>[2]["metadata"];

/** The routing controller's namespace when the environment does not name one. */
export const DEFAULT_CONTROLLER_NAMESPACE = "ingress-nginx";

/**
 * Renders one service in one environment as plain Kubernetes objects, all in
 * `service.namespace`, named `<service>` or `<service>-<suffix>`, in this
 * fixed order (each only when it applies):
 *
 * 1. ServiceAccount `<service>`
 * 2. ConfigMap `<service>-env` (plain variables, when there are any)
 * 3. ExternalSecret `<service>-secrets` (when there are `secrets`), then
 *    ConfigMap `<service>-files` (when there are `files`)
 * 4. dependency claims `<service>-<dependency>`, by dependency name (a
 *    PersistentVolumeClaim for a volume class, mounted by the pod)
 * 5. Service `<service>` (web; type LoadBalancer with `expose: loadBalancer`)
 * 6. Deployment `<service>` (web, worker) or CronJob `<service>` (cron)
 * 7. HorizontalPodAutoscaler `<service>` (autoscale)
 * 8. PodDisruptionBudget `<service>` (more than one pod can run)
 * 9. Ingress or HTTPRoute `<service>` (a route; the environment's routing.kind)
 * 10. NetworkPolicy `<service>`
 * 11. ServiceMonitor (web) or PodMonitor (worker, cron) `<service>` (metrics scraped here)
 * 12. PrometheusRule `<service>` (SLI recording rules, SLO and workload alerts)
 * 13. ConfigMap `<service>-dashboard` (its Grafana dashboard, for the sidecar)
 *
 * Deterministic: the same input gives the same objects, with no time or
 * randomness. Keys are left in construction order; serialisation sorts them.
 * Input that resolve has refused (an unknown call, an output a dependency
 * does not have) is not expected here and throws a plain Error.
 */
export function renderService(service: ResolvedService, context: RenderContext): KubeObject[] {
  return synthChart(`${service.environment}-${service.name}`, service.namespace, (scope) =>
    buildService(scope, service, context),
  );
}

function buildService(scope: Construct, service: ResolvedService, context: RenderContext): void {
  const spec = context.environment.spec;
  const index = indexServices(context);
  const identity = identify(service);
  const variables = resolveVariables(service, index);

  const serviceAccount = addServiceAccount(scope, { identity });
  const hasPlain = Object.keys(variables.plain).length > 0;
  const configMap = hasPlain ? addEnvConfigMap(scope, { identity, data: variables.plain }) : undefined;
  const secrets =
    Object.keys(service.secrets).length > 0
      ? externalSecretSpec({
          identity,
          secrets: service.secrets,
          storeName: secretStoreName(context.environment),
          refreshInterval: spec.secretStore?.refreshInterval,
        })
      : undefined;
  if (secrets) addExternalSecret(scope, identity, secrets);
  const filesConfigMap =
    service.files.length > 0 ? addFilesConfigMap(scope, identity, service.files) : undefined;
  for (const dependency of service.dependencies) addDependencyClaim(scope, { identity, dependency });

  const kubeService =
    service.type === "web"
      ? addService(scope, {
          identity,
          ports: service.ports,
          ...(service.expose === "loadBalancer" ? { loadBalancer: true } : {}),
        })
      : undefined;

  const template = podTemplate({
    identity,
    serviceAccountName: serviceAccount.name,
    ...(configMap ? { configMapName: configMap.name } : {}),
    ...(secrets ? { secretName: `${service.name}-${SECRETS_SUFFIX}` } : {}),
    env: variables.env,
    ...(filesConfigMap ? { filesConfigMapName: filesConfigMap.name } : {}),
    configHash: configHash(variables.plain, secrets, service.files),
    ...(service.type === "cron" ? { restartPolicy: "Never" as const } : {}),
  });
  if (service.type === "cron") {
    if (!service.schedule) throw new Error(`cron service ${service.name} has no schedule`);
    addCronJob(scope, { identity, template, schedule: service.schedule });
  } else {
    const deployment = addDeployment(scope, {
      identity,
      template,
      ...(service.autoscale ? {} : { replicas: service.replicas ?? 1 }),
      recreate: service.dependencies.some((d) => d.path !== undefined),
    });
    if (service.autoscale)
      addHorizontalPodAutoscaler(scope, { identity, target: deployment, ...service.autoscale });
    if (needsDisruptionBudget(service.replicas, service.autoscale))
      addPodDisruptionBudget(scope, { identity });
  }

  const routing = spec.routing;
  let routeTarget: number | undefined;
  if (service.route && kubeService) {
    const port = routedPort(service.name, service.ports);
    routeTarget = port.targetPort;
    if (routing?.kind === "gateway") {
      if (!routing.gateway) {
        throw new Error(
          `environment ${context.environment.name} routes by gateway but names no routing.gateway`,
        );
      }
      addHttpRoute(scope, { identity, route: service.route, gateway: routing.gateway, port: port.port });
    } else {
      addIngress(scope, {
        identity,
        service: kubeService,
        route: service.route,
        port: port.port,
        className: routing?.className,
        tlsIssuer: routing?.tlsIssuer,
      });
    }
  }

  const metrics = service.observability.metrics;
  const metricsTarget = metrics
    ? (service.observability.containerPort ?? service.ports.find((p) => p.name === metrics.port)?.targetPort)
    : undefined;
  addNetworkPolicy(scope, {
    identity,
    ...(metricsTarget !== undefined
      ? {
          monitoring: {
            namespace: spec.observability?.namespace ?? OBSERVABILITY_NAMESPACE,
            targetPort: metricsTarget,
          },
        }
      : {}),
    ingress: service.type === "web",
    callers: index.callers.get(service.name) ?? [],
    ...(kubeService && service.expose === "loadBalancer" ? { public: true } : {}),
    ...(routeTarget !== undefined
      ? {
          routing: {
            namespace: routing?.controllerNamespace ?? DEFAULT_CONTROLLER_NAMESPACE,
            targetPort: routeTarget,
          },
        }
      : {}),
    called: service.calls.map((name) => calledService(service, name, index)),
    dependencies: service.dependencies,
    egress: service.egress,
  });

  // An environment without monitoring (observability.enabled: false) gets none of what follows.
  if (!monitoringEnabled(context.environment)) return;
  if (metrics) {
    if (service.type === "web") addServiceMonitor(scope, { identity, metrics });
    else addPodMonitor(scope, { identity, metrics });
  }
  addPrometheusRule(scope, {
    identity,
    groups: prometheusRuleGroups(service),
    observability: service.observability,
  });
  addDashboardConfigMap(scope, "dashboard", {
    metadata: metadataOf(identity, DASHBOARD_SUFFIX) as DashboardMetadata,
    file: `${service.namespace}-${service.name}.json`,
    json: serviceDashboardJson(service),
  });
}
