import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { containerEnvironment } from "../../../test/support/kube-env-expansion.js";
import { outputsOf } from "../../model/dependencies.js";
import type { LoadedDocument } from "../../model/document.js";
import { parseYamlDocument } from "../../model/parse-yaml.js";
import { resolveRepository } from "../../model/resolve.js";
import type { ResolvedService } from "../../model/resolved.js";
import { type ValidatedRepository, validateRepository } from "../../model/validate-repository.js";
import type { RenderContext } from "../context.js";
import type { KubeObject } from "../kube-object.js";
import { selectorLabels, serviceAnnotations, serviceLabels, workloadLabels } from "../labels.js";
import { renderService } from "./service-chart.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Every (environment, service) of a resolution with its render context. */
function contexts(resolution: Pick<ValidatedRepository, "environments" | "services" | "teams">) {
  return resolution.environments.map((environment) => ({
    environment,
    services: resolution.services.filter((s) => s.environment === environment.name),
    teams: resolution.teams,
  }));
}

let example: ValidatedRepository;
let byEnv: Map<string, RenderContext>;

beforeAll(() => {
  example = validateRepository(ROOT);
  expect(example.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  byEnv = new Map(contexts(example).map((c) => [c.environment.name, c]));
});

/** The rendered objects of an example service in an example environment. */
function render(env: string, name: string): KubeObject[] {
  const context = byEnv.get(env);
  const service = context?.services.find((s) => s.name === name);
  if (!context || !service) throw new Error(`no example ${name} in ${env}`);
  return renderService(service, context);
}

function find(objects: KubeObject[], kind: string, name?: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (!found) throw new Error(`no ${kind} ${name ?? ""} in ${objects.map((o) => o.kind).join(", ")}`);
  return found;
}

// biome-ignore lint/suspicious/noExplicitAny: rendered JSON is walked freely in assertions
type Json = any;
const spec = (o: KubeObject): Json => o.spec as Json;
const podSpecOf = (o: KubeObject): Json =>
  o.kind === "CronJob" ? spec(o).jobTemplate.spec.template : spec(o).template;

describe("renderService on the example repository", () => {
  it("renders every object in the fixed order, named after the service, in its namespace", () => {
    expect(render("prod", "checkout").map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "ServiceAccount/checkout",
      "ConfigMap/checkout-env",
      "ExternalSecret/checkout-secrets",
      "PostgreSQLInstance/checkout-orders-db",
      "Service/checkout",
      "Deployment/checkout",
      "HorizontalPodAutoscaler/checkout",
      "PodDisruptionBudget/checkout",
      "NetworkPolicy/checkout",
      "ServiceMonitor/checkout",
      "PrometheusRule/checkout",
      "ConfigMap/checkout-dashboard",
    ]);
    expect(render("staging", "payments").map((o) => o.kind)).toEqual([
      "ServiceAccount",
      "ExternalSecret",
      "PostgreSQLInstance",
      "Service",
      "Deployment",
      "PodDisruptionBudget",
      "Ingress",
      "NetworkPolicy",
      "ServiceMonitor",
      "PrometheusRule",
      "ConfigMap",
    ]);
  });

  it("puts the service labels and annotations on every object, and the version on the workload and its pods only", () => {
    for (const context of byEnv.values()) {
      for (const service of context.services) {
        for (const object of renderService(service, context)) {
          expect(object.metadata.namespace).toBe(service.namespace);
          // Claims keep their class's labels besides ours; the workload and its pods add the
          // version; every other object has ours exactly, without the version.
          const workload = object.kind === "Deployment" || object.kind === "CronJob";
          if (service.dependencies.some((d) => "claim" in d.class && d.class.claim.kind === object.kind)) {
            expect(object.metadata.labels).toMatchObject(serviceLabels(service));
          } else if (object.metadata.name === `${service.name}-dashboard`) {
            // and the label Grafana's sidecar finds dashboards by
            expect(object.metadata.labels).toEqual({ ...serviceLabels(service), grafana_dashboard: "1" });
          } else {
            expect(object.metadata.labels).toEqual(
              workload ? workloadLabels(service) : serviceLabels(service),
            );
          }
          if (!workload) expect(object.metadata.labels).not.toHaveProperty(["app.kubernetes.io/version"]);
          expect(object.metadata.annotations).toMatchObject(serviceAnnotations(service));
          if (workload) {
            expect(podSpecOf(object).metadata.labels).toEqual(workloadLabels(service));
            expect(podSpecOf(object).metadata.labels).toHaveProperty(["app.kubernetes.io/version"]);
          }
        }
      }
    }
  });

  it("is deterministic: rendering twice gives equal objects", () => {
    for (const context of byEnv.values()) {
      for (const service of context.services) {
        expect(renderService(service, context)).toEqual(renderService(service, context));
      }
    }
  });

  it("makes every pod spec meet Pod Security restricted, sidecars and init containers included", () => {
    let pods = 0;
    let sidecarPods = 0;
    for (const context of byEnv.values()) {
      for (const service of context.services) {
        for (const object of renderService(service, context)) {
          if (object.kind !== "Deployment" && object.kind !== "CronJob") continue;
          pods++;
          const pod = podSpecOf(object).spec;
          expect(pod.automountServiceAccountToken).toBe(false);
          expect(pod.serviceAccountName).toBe(service.name);
          expect(pod.securityContext).toMatchObject({
            runAsNonRoot: true,
            runAsUser: 10001,
            runAsGroup: 10001,
            fsGroup: 10001,
            seccompProfile: { type: "RuntimeDefault" },
          });
          expect(pod.volumes[0]).toEqual({ name: "tmp", emptyDir: {} });
          // Volume types the restricted profile allows: emptyDir, configMap and persistentVolumeClaim are ours.
          expect(pod.volumes.every((v: Json) => v.emptyDir || v.configMap || v.persistentVolumeClaim)).toBe(
            true,
          );
          expect(pod.containers).toHaveLength(1);
          expect((pod.initContainers ?? []).map((c: Json) => c.name)).toEqual([
            ...service.initContainers.map((c) => c.name),
            ...service.sidecars.map((c) => c.name),
          ]);
          const extras = [...service.initContainers, ...service.sidecars];
          const all = [
            { rendered: pod.containers[0], image: service.image, resources: service.resources },
            ...extras.map((c, i) => ({
              rendered: pod.initContainers[i],
              image: c.image,
              resources: c.resources,
            })),
          ];
          for (const { rendered: container, image, resources } of all) {
            expect(container.securityContext).toMatchObject({
              runAsNonRoot: true,
              allowPrivilegeEscalation: false,
              privileged: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ["ALL"] },
            });
            expect(container.securityContext.capabilities.add).toBeUndefined();
            expect(container.volumeMounts.slice(0, 1 + service.volumes.length)).toEqual([
              { name: "tmp", mountPath: "/tmp" },
              ...service.volumes.map((v, i) => ({ name: `scratch-${i}`, mountPath: v.path })),
            ]);
            expect(container.imagePullPolicy).toBe("IfNotPresent");
            expect(container.image).toBe(image);
            expect(container.resources.requests).toEqual({ cpu: resources.cpu, memory: resources.memory });
            expect(container.resources.limits.memory).toBe(resources.limits.memory);
            expect(container.resources.limits.cpu).toBe(resources.limits.cpu);
          }
          if (extras.length > 0) sidecarPods++;
          // Only our labels: no cdk8s-plus address label (the workloads are L1 objects).
          expect(Object.keys(podSpecOf(object).metadata.labels)).not.toContain("cdk8s.io/metadata.addr");
        }
      }
    }
    expect(pods).toBe(23);
    expect(sidecarPods).toBe(3);
  });

  it("keeps resource quantities exactly as written, with a cpu limit only when set", () => {
    const payments = podSpecOf(find(render("prod", "payments"), "Deployment")).spec.containers[0];
    expect(payments.resources).toEqual({
      requests: { cpu: "500m", memory: "512Mi" },
      limits: { cpu: "1", memory: "1Gi" },
    });
    const report = podSpecOf(find(render("prod", "nightly-report"), "CronJob")).spec.containers[0];
    expect(report.resources).toEqual({ requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "1Gi" } });
  });

  describe("cron", () => {
    it("renders a CronJob that never overlaps, with history limits, in UTC", () => {
      const objects = render("dev", "nightly-report");
      expect(objects.some((o) => o.kind === "Deployment" || o.kind === "Service")).toBe(false);
      const cron = spec(find(objects, "CronJob", "nightly-report"));
      expect(cron).toMatchObject({
        schedule: "0 */6 * * *",
        concurrencyPolicy: "Forbid",
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 1,
        timeZone: "Etc/UTC",
        startingDeadlineSeconds: 300,
        suspend: false,
      });
      expect(cron.jobTemplate.spec.backoffLimit).toBe(2);
      expect(cron.jobTemplate.spec.template.spec.restartPolicy).toBe("Never");
      expect(spec(find(render("prod", "nightly-report"), "CronJob")).schedule).toBe("0 3 * * *");
    });

    it("gives a cron job an egress-only NetworkPolicy", () => {
      const policy = spec(find(render("dev", "nightly-report"), "NetworkPolicy"));
      expect(policy.policyTypes).toEqual(["Egress"]);
      expect(policy.ingress).toBeUndefined();
    });
  });

  describe("web", () => {
    it("exposes the port shorthand as Service port 80 named http", () => {
      const objects = render("dev", "catalog");
      expect(spec(find(objects, "Service"))).toEqual({
        type: "ClusterIP",
        selector: selectorLabels(exampleService("dev", "catalog")),
        ports: [{ name: "http", port: 80, targetPort: 8080, appProtocol: "http" }],
      });
      const container = podSpecOf(find(objects, "Deployment")).spec.containers[0];
      expect(container.ports).toEqual([{ name: "http", containerPort: 8080 }]);
    });

    it("declares ports as written, with appProtocol per protocol", () => {
      expect(spec(find(render("prod", "payments"), "Service")).ports).toEqual([
        { name: "http", port: 80, targetPort: 8080, appProtocol: "http" },
        { name: "grpc", port: 5050, targetPort: 5050, appProtocol: "kubernetes.io/h2c" },
      ]);
    });

    it("routes through an Ingress with TLS from cert-manager when the environment has an issuer", () => {
      const ingress = find(render("staging", "payments"), "Ingress", "payments");
      expect(ingress.apiVersion).toBe("networking.k8s.io/v1");
      expect(ingress.metadata.annotations?.["cert-manager.io/cluster-issuer"]).toBe("letsencrypt");
      expect(spec(ingress)).toEqual({
        ingressClassName: "nginx",
        rules: [
          {
            host: "webhooks.pay.staging.acme.example",
            http: {
              paths: [
                {
                  path: "/stripe",
                  pathType: "Prefix",
                  backend: { service: { name: "payments", port: { number: 80 } } },
                },
              ],
            },
          },
        ],
        tls: [{ hosts: ["webhooks.pay.staging.acme.example"], secretName: "payments-tls" }],
      });
    });

    it("routes through an Ingress without TLS when the environment has no issuer", () => {
      const ingress = find(render("dev", "storefront"), "Ingress");
      expect(spec(ingress).tls).toBeUndefined();
      expect(ingress.metadata.annotations).toEqual(serviceAnnotations(exampleService("dev", "storefront")));
    });

    it("routes through a Gateway API HTTPRoute when the environment routes by gateway", () => {
      const objects = render("prod", "storefront");
      expect(objects.some((o) => o.kind === "Ingress")).toBe(false);
      const route = find(objects, "HTTPRoute", "storefront");
      expect(route.apiVersion).toBe("gateway.networking.k8s.io/v1");
      expect(spec(route)).toEqual({
        parentRefs: [
          {
            group: "gateway.networking.k8s.io",
            kind: "Gateway",
            name: "public",
            namespace: "gateway-system",
          },
        ],
        hostnames: ["shop.acme.example"],
        rules: [
          {
            matches: [{ path: { type: "PathPrefix", value: "/" } }],
            backendRefs: [{ name: "storefront", port: 80 }],
          },
        ],
      });
    });

    it("lets the routing controller in on the routed container port", () => {
      const staging = spec(find(render("staging", "payments"), "NetworkPolicy"));
      expect(staging.ingress).toContainEqual({
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }],
        ports: [{ protocol: "TCP", port: 8080 }],
      });
      const prod = spec(find(render("prod", "payments"), "NetworkPolicy"));
      expect(prod.ingress).toContainEqual({
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "gateway-system" } } }],
        ports: [{ protocol: "TCP", port: 8080 }],
      });
    });
  });

  describe("worker", () => {
    it("renders a Deployment without Service, with command, args and an exec liveness probe", () => {
      const objects = render("dev", "email-worker");
      expect(objects.some((o) => o.kind === "Service")).toBe(false);
      const deployment = find(objects, "Deployment", "email-worker");
      expect(spec(deployment).replicas).toBe(1);
      const container = podSpecOf(deployment).spec.containers[0];
      expect(container.command).toEqual(["/app/worker"]);
      expect(container.args).toEqual(["--concurrency", "4"]);
      // its only port is the metrics port its PodMonitor scrapes, which only Prometheus may reach
      expect(container.ports).toEqual([{ name: "metrics", containerPort: 9090 }]);
      expect(container.livenessProbe).toEqual({
        exec: { command: ["/app/worker", "healthcheck"] },
        periodSeconds: 30,
        failureThreshold: 3,
      });
      expect(container.readinessProbe).toBeUndefined();
      const policy = spec(find(objects, "NetworkPolicy"));
      expect(policy.policyTypes).toEqual(["Ingress", "Egress"]);
      expect(policy.ingress).toEqual([
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
          ports: [{ protocol: "TCP", port: 9090 }],
        },
      ]);
    });
  });

  describe("secrets", () => {
    it("reads secrets through an ExternalSecret from the team namespace's own SecretStore, wired by envFrom", () => {
      const objects = render("prod", "payments");
      const externalSecret = find(objects, "ExternalSecret", "payments-secrets");
      expect(externalSecret.apiVersion).toBe("external-secrets.io/v1");
      expect(externalSecret.metadata.namespace).toBe("payments");
      expect(spec(externalSecret)).toEqual({
        refreshInterval: "1h",
        secretStoreRef: { name: "vault", kind: "SecretStore" },
        target: { name: "payments-secrets", creationPolicy: "Owner" },
        data: [
          { secretKey: "STRIPE_KEY", remoteRef: { key: "payments/stripe", property: "api_key" } },
          {
            secretKey: "STRIPE_WEBHOOK_SECRET",
            remoteRef: { key: "payments/stripe", property: "webhook_secret" },
          },
        ],
      });
      const container = podSpecOf(find(objects, "Deployment")).spec.containers[0];
      // payments has no plain variables: no ConfigMap, only the secret.
      expect(objects.some((o) => o.kind === "ConfigMap" && !o.metadata.name.endsWith("-dashboard"))).toBe(
        false,
      );
      expect(container.envFrom).toEqual([{ secretRef: { name: "payments-secrets" } }]);
    });

    it("wires the ConfigMap and the secret both when a service has plain variables and secrets", () => {
      const container = podSpecOf(find(render("dev", "checkout"), "Deployment")).spec.containers[0];
      expect(container.envFrom).toEqual([
        { configMapRef: { name: "checkout-env" } },
        { secretRef: { name: "checkout-secrets" } },
      ]);
    });

    it("rolls the pods when configuration changes, through a config hash on the pod template", () => {
      const hash = (objects: KubeObject[]) =>
        podSpecOf(find(objects, "Deployment")).metadata.annotations["idp/config-hash"];
      const dev = hash(render("dev", "checkout"));
      expect(dev).toMatch(/^[0-9a-f]{64}$/);
      expect(hash(render("dev", "checkout"))).toBe(dev);
      // Staging differs in its secret store and its placeholders' namespaces.
      expect(hash(render("staging", "checkout"))).not.toBe(dev);
    });
  });

  describe("autoscale", () => {
    it("renders an HPA on CPU, a Deployment without replicas, and a PodDisruptionBudget", () => {
      const objects = render("prod", "checkout");
      expect(spec(find(objects, "Deployment"))).not.toHaveProperty("replicas");
      const hpa = find(objects, "HorizontalPodAutoscaler", "checkout");
      expect(hpa.apiVersion).toBe("autoscaling/v2");
      expect(spec(hpa)).toMatchObject({
        minReplicas: 3,
        maxReplicas: 20,
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "checkout" },
        metrics: [
          {
            type: "Resource",
            resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } },
          },
        ],
      });
      const pdb = find(objects, "PodDisruptionBudget", "checkout");
      expect(pdb.apiVersion).toBe("policy/v1");
      expect(spec(pdb)).toEqual({
        maxUnavailable: 1,
        selector: { matchLabels: selectorLabels(exampleService("prod", "checkout")) },
      });
    });

    it("renders a PodDisruptionBudget only when more than one pod can run", () => {
      expect(render("dev", "checkout").some((o) => o.kind === "PodDisruptionBudget")).toBe(false);
      expect(render("staging", "checkout").some((o) => o.kind === "PodDisruptionBudget")).toBe(true);
      expect(spec(find(render("staging", "checkout"), "Deployment")).replicas).toBe(2);
    });
  });

  describe("calls", () => {
    it("resolves call placeholders by short name in the same namespace, fully qualified across", () => {
      expect(find(render("prod", "checkout"), "ConfigMap").data).toEqual({
        LOG_LEVEL: "info",
        CART_ADDR: "cart.storefront.svc.cluster.local:5050",
        CATALOG_URL: "http://catalog.storefront.svc.cluster.local:80",
        PAYMENTS_URL: "http://payments:80",
      });
      expect(find(render("dev", "storefront"), "ConfigMap").data).toEqual({
        LOG_LEVEL: "info",
        CATALOG_URL: "http://catalog:80",
        CART_ADDR: "cart:5050",
        CHECKOUT_URL: "http://checkout.payments-dev.svc.cluster.local:80",
      });
    });

    it("lets callers in and lets the service out to what it calls, plus DNS", () => {
      const catalog = spec(find(render("dev", "catalog"), "NetworkPolicy", "catalog"));
      expect(catalog.podSelector).toEqual({ matchLabels: selectorLabels(exampleService("dev", "catalog")) });
      expect(catalog.policyTypes).toEqual(["Ingress", "Egress"]);
      const peer = (namespace: string, name: string) => ({
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
        podSelector: { matchLabels: { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": name } },
      });
      expect(catalog.ingress).toEqual([
        {
          from: [
            peer("payments-dev", "checkout"),
            peer("data-dev", "nightly-report"),
            peer("storefront-dev", "search"),
            peer("storefront-dev", "storefront"),
          ],
          ports: [{ protocol: "TCP", port: 8080 }],
        },
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
          ports: [{ protocol: "TCP", port: 8080 }],
        },
      ]);
      const storefront = spec(find(render("dev", "storefront"), "NetworkPolicy"));
      expect(storefront.egress).toEqual([
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
              podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
          ],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
        { to: [peer("storefront-dev", "catalog")], ports: [{ protocol: "TCP", port: 8080 }] },
        { to: [peer("storefront-dev", "cart")], ports: [{ protocol: "TCP", port: 5050 }] },
        { to: [peer("payments-dev", "checkout")], ports: [{ protocol: "TCP", port: 8080 }] },
      ]);
    });

    it("lets nobody in to a web service nobody calls and that has no route", () => {
      const policy = spec(find(render("dev", "search"), "NetworkPolicy"));
      expect(policy.policyTypes).toEqual(["Ingress", "Egress"]);
      expect(policy.ingress).toBeUndefined();
    });
  });

  describe("dependencies", () => {
    it("renders the class's claim with writeConnectionSecretToRef, keeping class labels", () => {
      const claim = find(render("prod", "payments"), "PostgreSQLInstance", "payments-ledger-db");
      expect(claim.apiVersion).toBe("database.acme.io/v1alpha1");
      expect(claim.metadata.labels).toMatchObject({ "acme.io/backup": "hourly", "idp/team": "payments" });
      expect(spec(claim)).toEqual({
        parameters: { storageGB: 200, version: "16", highAvailability: true },
        writeConnectionSecretToRef: { name: "payments-ledger-db" },
      });
    });

    it("never shares the class's objects with the output", () => {
      const claim = find(render("dev", "catalog"), "PostgreSQLInstance");
      spec(claim).parameters.storageGB = 999;
      const service = exampleService("dev", "catalog");
      const first = service.dependencies[0]?.class;
      expect(first && "claim" in first ? first.claim.spec : undefined).not.toHaveProperty(
        "writeConnectionSecretToRef",
      );
      expect(spec(find(render("dev", "catalog"), "PostgreSQLInstance")).parameters.storageGB).toBe(5);
    });

    it("passes secret outputs as secretKeyRefs and value outputs as plain text", () => {
      const objects = render("dev", "nightly-report");
      expect(find(objects, "ConfigMap").data).toEqual({
        S3_ENDPOINT: "https://s3.eu-west-1.amazonaws.com",
        CATALOG_URL: "http://catalog.storefront-dev.svc.cluster.local:80",
      });
      const container = podSpecOf(find(objects, "CronJob")).spec.containers[0];
      expect(container.env).toEqual([
        {
          name: "REPORT_BUCKET",
          valueFrom: { secretKeyRef: { name: "nightly-report-reports", key: "bucket" } },
        },
      ]);
    });

    it("composes a value from a secret output and plain text through a secretKeyRef listed before it", () => {
      const objects = render("prod", "cart");
      expect(objects.some((o) => o.kind === "ConfigMap" && !o.metadata.name.endsWith("-dashboard"))).toBe(
        false,
      );
      const container = podSpecOf(find(objects, "Deployment")).spec.containers[0];
      expect(container.env).toEqual([
        { name: "REDIS_URL", valueFrom: { secretKeyRef: { name: "cart-sessions", key: "url" } } },
        { name: "IDP.REDIS_ADDR.1", valueFrom: { secretKeyRef: { name: "cart-sessions", key: "host" } } },
        { name: "REDIS_ADDR", value: "$(IDP.REDIS_ADDR.1):6379" },
      ]);
      expect(
        containerEnvironment(container.env, { "cart-sessions": { url: "redis://r", host: "r-1" } }),
      ).toEqual({
        REDIS_URL: "redis://r",
        "IDP.REDIS_ADDR.1": "r-1",
        REDIS_ADDR: "r-1:6379",
      });
    });

    it("never writes a variable with a secret part into a ConfigMap, in any example", () => {
      for (const context of byEnv.values()) {
        for (const service of context.services) {
          const secretParts = new Set(
            service.dependencies.flatMap((d) =>
              Object.entries(outputsOf(d.class))
                .filter(([, output]) => "secretKey" in output)
                .map(([name]) => `\${dependencies.${d.name}.${name}}`),
            ),
          );
          const withSecret = Object.keys(service.env).filter((key) =>
            [...secretParts].some((part) => service.env[key]?.includes(part)),
          );
          for (const object of renderService(service, context)) {
            if (object.kind !== "ConfigMap") continue;
            const data = (object as Json).data as Record<string, string>;
            expect(Object.keys(data).filter((key) => withSecret.includes(key))).toEqual([]);
            expect(Object.values(data).join("\n")).not.toMatch(/\$\{dependencies\.|\$\(IDP\./);
          }
        }
      }
    });

    it("lets the service out to its dependencies on their port, or 443", () => {
      const egress = (env: string, name: string) => spec(find(render(env, name), "NetworkPolicy")).egress;
      expect(egress("prod", "catalog")).toContainEqual({ ports: [{ protocol: "TCP", port: 5432 }] });
      expect(egress("prod", "nightly-report")).toContainEqual({ ports: [{ protocol: "TCP", port: 443 }] });
      expect(egress("prod", "cart")).toContainEqual({ ports: [{ protocol: "TCP", port: 6379 }] });
    });
  });

  describe("probes", () => {
    it("renders gRPC probes, which cdk8s-plus-28's Probe cannot say, with their timings", () => {
      const container = podSpecOf(find(render("prod", "cart"), "Deployment")).spec.containers[0];
      expect(container.readinessProbe).toEqual({ grpc: { port: 5050 }, failureThreshold: 3 });
      expect(container.livenessProbe).toEqual({
        grpc: { port: 5050 },
        periodSeconds: 10,
        failureThreshold: 3,
      });
    });

    it("renders a path as an HTTP GET on the first container port, and http probes as written", () => {
      const container = podSpecOf(find(render("prod", "payments"), "Deployment")).spec.containers[0];
      expect(container.readinessProbe).toEqual({
        httpGet: { path: "/ready", port: 8080, scheme: "HTTP" },
        failureThreshold: 3,
      });
      expect(container.livenessProbe).toEqual({
        httpGet: {
          path: "/healthz",
          port: 8080,
          scheme: "HTTP",
          httpHeaders: [{ name: "X-Health-Check", value: "kubelet" }],
        },
        initialDelaySeconds: 10,
        failureThreshold: 3,
      });
      expect(container.startupProbe).toBeUndefined();
    });
  });
});

function exampleService(env: string, name: string): ResolvedService {
  const found = byEnv.get(env)?.services.find((s) => s.name === name);
  if (!found) throw new Error(`no example ${name} in ${env}`);
  return found;
}

// Inline variants: a tiny repository resolved from YAML text, without files.

function doc(file: string, text: string): LoadedDocument {
  const { document, diagnostics } = parseYamlDocument(file, text);
  if (!document) throw new Error(`test YAML does not parse: ${JSON.stringify(diagnostics)}`);
  return document;
}

const TEAM = `apiVersion: idp/v1
kind: Team
metadata: { name: shop }
spec: { github: x/shop, members: [a], budget: { monthly: 1 }, contact: { slack: "#shop" } }
`;

function environment(extra = ""): string {
  return `apiVersion: idp/v1
kind: Environment
metadata: { name: dev }
spec:
  cluster: { name: dev, server: https://dev.example.test }
  namespace: "{team}-dev"
  domain: dev.example.test
  gitops: { repoURL: https://git.example.test/platform.git }
  registries: [ghcr.io/x]
  defaults: { replicas: 1, resources: { cpu: 100m, memory: 128Mi } }
  dependencyClasses:
    cache:
      default:
        claim: { apiVersion: cache.example.test/v1, kind: Cache, spec: { size: 1 } }
        outputs: { url: { secretKey: url }, port: { value: "not-a-number" } }
${extra}`;
}

function service(name: string, body: string): string {
  return `apiVersion: idp/v1
kind: Service
metadata: { name: ${name}, team: shop }
spec:
${body
  .split("\n")
  .map((line) => `  ${line}`)
  .join("\n")}
`;
}

/** Renders `name` from a repository of one environment, team shop and the given services. */
function renderInline(services: Record<string, string>, name: string, environmentExtra = ""): KubeObject[] {
  const resolution = resolveRepository({
    environments: [doc("environments/dev.yaml", environment(environmentExtra))],
    teams: [doc("teams/shop.yaml", TEAM)],
    services: Object.entries(services).map(([n, body]) =>
      doc(`services/${n}/service.yaml`, service(n, body)),
    ),
  });
  expect(resolution.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const [context] = contexts(resolution);
  const target = context?.services.find((s) => s.name === name);
  if (!context || !target) throw new Error(`${name} did not resolve`);
  return renderService(target, context);
}

describe("renderService on inline variants", () => {
  it("uses the platform defaults when the environment names no routing or secret store", () => {
    const objects = renderInline(
      {
        web: `type: web
image: ghcr.io/x/web:1.0.0
port: 8080
route: { host: www.dev.example.test }
secrets: { TOKEN: shop/web#token }`,
      },
      "web",
    );
    expect(spec(find(objects, "Ingress")).ingressClassName).toBe("nginx");
    expect(spec(find(objects, "Ingress")).tls).toBeUndefined();
    expect(spec(find(objects, "ExternalSecret"))).toMatchObject({
      refreshInterval: "1h",
      secretStoreRef: { name: "secrets", kind: "SecretStore" },
    });
    expect(spec(find(objects, "NetworkPolicy")).ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }],
        ports: [{ protocol: "TCP", port: 8080 }],
      },
    ]);
  });

  it("routes to the first http port, even when it is not the first port", () => {
    const objects = renderInline(
      {
        web: `type: web
image: ghcr.io/x/web:1.0.0
ports:
  - { name: raw, port: 9000, protocol: tcp }
  - { name: web, port: 8080, targetPort: 8081 }
route: { host: www.dev.example.test, path: /app }`,
      },
      "web",
      "  routing: { kind: ingress, className: internal, controllerNamespace: edge }\n",
    );
    expect(spec(find(objects, "Service")).ports).toEqual([
      { name: "raw", port: 9000, targetPort: 9000 },
      { name: "web", port: 8080, targetPort: 8081, appProtocol: "http" },
    ]);
    const ingress = spec(find(objects, "Ingress"));
    expect(ingress.ingressClassName).toBe("internal");
    expect(ingress.rules[0].http.paths[0]).toMatchObject({
      path: "/app",
      backend: { service: { name: "web", port: { number: 8080 } } },
    });
    expect(spec(find(objects, "NetworkPolicy")).ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "edge" } } }],
      ports: [{ protocol: "TCP", port: 8081 }],
    });
  });

  it("resolves $${ to a literal ${ and substitutes placeholders inside longer values", () => {
    const objects = renderInline(
      {
        api: `type: web
image: ghcr.io/x/api:1.0.0
ports: [{ name: grpc, port: 5050, protocol: grpc }]`,
        web: `type: web
image: ghcr.io/x/web:1.0.0
port: 8080
calls: [api]
env:
  TEMPLATE: "$\${HOME}/x"
  API: "dns:///\${calls.api.address}"
  API_URL: \${calls.api.url}
  API_HOST: \${calls.api.host}
  API_PORT: \${calls.api.port}`,
      },
      "web",
    );
    expect(find(objects, "ConfigMap").data).toEqual({
      TEMPLATE: "${HOME}/x",
      API: "dns:///api:5050",
      API_URL: "api:5050",
      API_HOST: "api",
      API_PORT: "5050",
    });
  });

  it("passes a secret dependency output as a secretKeyRef and allows 443 when the port is not numeric", () => {
    const objects = renderInline(
      {
        worker: `type: worker
image: ghcr.io/x/worker:1.0.0
env: { CACHE_URL: "\${dependencies.cache.url}" }
dependencies: { cache: { type: cache } }`,
      },
      "worker",
    );
    expect(objects.some((o) => o.kind === "ConfigMap" && !o.metadata.name.endsWith("-dashboard"))).toBe(
      false,
    );
    const container = podSpecOf(find(objects, "Deployment")).spec.containers[0];
    expect(container.env).toEqual([
      { name: "CACHE_URL", valueFrom: { secretKeyRef: { name: "worker-cache", key: "url" } } },
    ]);
    expect(container.envFrom).toBeUndefined();
    expect(find(objects, "Cache", "worker-cache").spec).toEqual({
      size: 1,
      writeConnectionSecretToRef: { name: "worker-cache" },
    });
    expect(spec(find(objects, "NetworkPolicy")).egress).toContainEqual({
      ports: [{ protocol: "TCP", port: 443 }],
    });
  });

  it("keeps plain values in the ConfigMap and composed secret values in env, each after its secret parts", () => {
    const objects = renderInline(
      {
        worker: `type: worker
image: ghcr.io/x/worker:1.0.0
env:
  LOG_LEVEL: info
  CACHE: "redis://\${dependencies.cache.url}/0?name=$(HOSTNAME)&port=\${dependencies.cache.port}"
  TEMPLATE: "$(HOSTNAME) $\${HOME}"
dependencies: { cache: { type: cache } }`,
      },
      "worker",
    );
    expect(find(objects, "ConfigMap").data).toEqual({ LOG_LEVEL: "info", TEMPLATE: "$(HOSTNAME) ${HOME}" });
    const container = podSpecOf(find(objects, "Deployment")).spec.containers[0];
    expect(container.envFrom).toEqual([{ configMapRef: { name: "worker-env" } }]);
    expect(container.env).toEqual([
      { name: "IDP.CACHE.1", valueFrom: { secretKeyRef: { name: "worker-cache", key: "url" } } },
      { name: "CACHE", value: "redis://$(IDP.CACHE.1)/0?name=$$(HOSTNAME)&port=not-a-number" },
    ]);
    expect(
      containerEnvironment(container.env, { "worker-cache": { url: "c:1" } }, { HOSTNAME: "pod-1" }).CACHE,
    ).toBe("redis://c:1/0?name=$(HOSTNAME)&port=not-a-number");
  });

  it("renders a PodDisruptionBudget for autoscale with max above 1, even at min 1", () => {
    const objects = renderInline(
      { web: "type: web\nimage: ghcr.io/x/web:1.0.0\nport: 8080\nautoscale: { max: 3 }" },
      "web",
    );
    expect(spec(find(objects, "HorizontalPodAutoscaler"))).toMatchObject({ minReplicas: 1, maxReplicas: 3 });
    expect(objects.some((o) => o.kind === "PodDisruptionBudget")).toBe(true);
  });

  it("sends probe headers in the order written and renders tcp probes as tcpSocket", () => {
    const objects = renderInline(
      {
        db: `type: web
image: ghcr.io/x/db:1.0.0
ports: [{ name: http, port: 80, targetPort: 8080 }, { name: pg, port: 5432, protocol: tcp }]
probes:
  readiness: { http: { path: /ready, headers: { Host: db.internal, X-Probe: kubelet } }, periodSeconds: 5 }
  liveness: { tcp: { port: 5432 }, initialDelaySeconds: 15 }`,
      },
      "db",
    );
    const container = podSpecOf(find(objects, "Deployment")).spec.containers[0];
    expect(container.readinessProbe).toEqual({
      failureThreshold: 3,
      periodSeconds: 5,
      httpGet: {
        path: "/ready",
        port: 8080,
        scheme: "HTTP",
        httpHeaders: [
          { name: "Host", value: "db.internal" },
          { name: "X-Probe", value: "kubelet" },
        ],
      },
    });
    expect(container.livenessProbe).toEqual({
      failureThreshold: 3,
      initialDelaySeconds: 15,
      tcpSocket: { port: 5432 },
    });
  });

  it.each([
    ["web", "port: 8080\nterminationGracePeriodSeconds: 90", "Deployment", 90],
    ["web", "port: 8080", "Deployment", 30],
    ["cron", 'schedule: "0 3 * * *"\nterminationGracePeriodSeconds: 5', "CronJob", 5],
  ])("gives a %s pod the grace period it sets, 30 by default (%s)", (type, body, kind, seconds) => {
    const objects = renderInline({ svc: `type: ${type}\nimage: ghcr.io/x/svc:1.0.0\n${body}` }, "svc");
    expect(podSpecOf(find(objects, kind)).spec.terminationGracePeriodSeconds).toBe(seconds);
  });

  it("allows egress to CIDRs as ipBlocks and to hosts as their ports on public IPv4, annotated", () => {
    const objects = renderInline(
      {
        worker: `type: worker
image: ghcr.io/x/worker:1.0.0
egress:
  - { host: api.stripe.com, ports: [443] }
  - { cidr: 203.0.113.0/24, ports: [5432] }
  - { host: hooks.slack.com, ports: [8443, 443] }`,
      },
      "worker",
    );
    const policy = find(objects, "NetworkPolicy");
    expect(policy.metadata.annotations?.["idp/egress-hosts"]).toBe(
      "api.stripe.com:443 hooks.slack.com:8443,443",
    );
    expect(spec(policy).egress.slice(1)).toEqual([
      { to: [{ ipBlock: { cidr: "203.0.113.0/24" } }], ports: [{ protocol: "TCP", port: 5432 }] },
      {
        to: [
          {
            ipBlock: {
              cidr: "0.0.0.0/0",
              except: [
                "10.0.0.0/8",
                "100.64.0.0/10",
                "127.0.0.0/8",
                "169.254.0.0/16",
                "172.16.0.0/12",
                "192.168.0.0/16",
              ],
            },
          },
        ],
        ports: [
          { protocol: "TCP", port: 443 },
          { protocol: "TCP", port: 8443 },
        ],
      },
    ]);
  });

  it("annotates no egress hosts and opens nothing outside when a service declares no egress", () => {
    const objects = renderInline({ worker: "type: worker\nimage: ghcr.io/x/worker:1.0.0" }, "worker");
    const policy = find(objects, "NetworkPolicy");
    expect(policy.metadata.annotations?.["idp/egress-hosts"]).toBeUndefined();
    expect(JSON.stringify(spec(policy).egress)).not.toContain("ipBlock");
  });

  it("renders init containers, then native sidecars, restricted like the main container", () => {
    const objects = renderInline(
      {
        job: `type: cron
image: ghcr.io/x/job:1.0.0
schedule: "0 3 * * *"
initContainers:
  - { name: migrate, image: ghcr.io/x/migrate:1.0.0, args: [up], resources: { cpu: 50m, memory: 64Mi } }
sidecars:
  - name: shipper
    image: ghcr.io/x/shipper:2.0.0
    command: [/bin/ship]
    env: { TARGET: logs.internal }
    resources: { cpu: 10m, memory: 32Mi, limits: { cpu: 100m, memory: 64Mi } }`,
      },
      "job",
    );
    const pod = podSpecOf(find(objects, "CronJob")).spec;
    const restricted = {
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      privileged: false,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    };
    expect(pod.initContainers).toEqual([
      {
        name: "migrate",
        image: "ghcr.io/x/migrate:1.0.0",
        imagePullPolicy: "IfNotPresent",
        args: ["up"],
        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "64Mi" } },
        securityContext: restricted,
      },
      {
        name: "shipper",
        image: "ghcr.io/x/shipper:2.0.0",
        imagePullPolicy: "IfNotPresent",
        command: ["/bin/ship"],
        env: [{ name: "TARGET", value: "logs.internal" }],
        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
        resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
        securityContext: restricted,
        restartPolicy: "Always",
      },
    ]);
    expect(pod.containers.map((c: Json) => c.name)).toEqual(["app"]);
  });

  it("mounts scratch volumes in every container and files read-only from <service>-files in the main one", () => {
    const body = (content: string) => `type: worker
image: ghcr.io/x/worker:1.0.0
volumes: [{ path: /var/cache/app, emptyDir: { sizeLimit: 1Gi } }]
files:
  - { path: /etc/app/config.yaml, content: "${content}" }
initContainers:
  - { name: warm, image: ghcr.io/x/warm:1.0.0, resources: { cpu: 10m, memory: 16Mi } }`;
    const objects = renderInline({ worker: body("level: info") }, "worker");
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toContain("ConfigMap/worker-files");
    expect(find(objects, "ConfigMap", "worker-files").data).toEqual({ "file-0": "level: info" });
    const template = spec(find(objects, "Deployment")).template;
    expect(template.spec.volumes).toEqual([
      { name: "tmp", emptyDir: {} },
      { name: "scratch-0", emptyDir: { sizeLimit: "1Gi" } },
      { name: "files", configMap: { name: "worker-files" } },
    ]);
    const scratch = [
      { name: "tmp", mountPath: "/tmp" },
      { name: "scratch-0", mountPath: "/var/cache/app" },
    ];
    expect(template.spec.containers[0].volumeMounts).toEqual([
      ...scratch,
      { name: "files", mountPath: "/etc/app/config.yaml", subPath: "file-0", readOnly: true },
    ]);
    expect(template.spec.initContainers[0].volumeMounts).toEqual(scratch);
    const changed = spec(
      find(renderInline({ worker: body("level: debug") }, "worker"), "Deployment"),
    ).template;
    expect(changed.metadata.annotations["idp/config-hash"]).not.toBe(
      template.metadata.annotations["idp/config-hash"],
    );
  });

  it("refuses gateway routing without a gateway, with a plain message", () => {
    expect(() =>
      renderInline(
        { web: "type: web\nimage: ghcr.io/x/web:1.0.0\nport: 8080\nroute: { host: www.dev.example.test }" },
        "web",
        "  routing: { kind: gateway }\n",
      ),
    ).toThrow("environment dev routes by gateway but names no routing.gateway");
  });
});

describe("a volume dependency", () => {
  const objects = renderInline(
    {
      worker: `type: worker
image: ghcr.io/x/worker:1.0.0
replicas: 1
dependencies:
  state: { type: store, path: /var/lib/worker }
  cache: { type: cache }`,
    },
    "worker",
    "    store:\n      default: { data: true, volume: { storageClassName: fast-rwo, size: 3Gi } }\n",
  );

  it("is a ReadWriteOnce PersistentVolumeClaim <service>-<dependency> of the class's storage class and size", () => {
    const claim = find(objects, "PersistentVolumeClaim", "worker-state");
    expect(claim.apiVersion).toBe("v1");
    expect(claim.spec).toEqual({
      accessModes: ["ReadWriteOnce"],
      storageClassName: "fast-rwo",
      resources: { requests: { storage: "3Gi" } },
    });
  });

  it("is mounted at its path in the main container only, and the Deployment recreates its pod", () => {
    const deployment = find(objects, "Deployment");
    const pod = podSpecOf(deployment).spec;
    expect(pod.volumes).toContainEqual({
      name: "volume-0",
      persistentVolumeClaim: { claimName: "worker-state" },
    });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: "volume-0", mountPath: "/var/lib/worker" });
    expect(spec(deployment).strategy).toEqual({ type: "Recreate" });
  });

  it("opens no egress: it is mounted, not connected to (the cache's port is still open)", () => {
    const egress = spec(find(objects, "NetworkPolicy")).egress as Json[];
    expect(egress.filter((rule) => rule.to === undefined)).toEqual([
      { ports: [{ protocol: "TCP", port: 443 }] },
    ]);
  });

  it("leaves a Deployment without one rolling", () => {
    const plain = renderInline({ worker: "type: worker\nimage: ghcr.io/x/worker:1.0.0" }, "worker");
    expect(spec(find(plain, "Deployment")).strategy.type).toBe("RollingUpdate");
  });
});

describe("expose: loadBalancer", () => {
  const objects = renderInline(
    {
      api: `type: web
image: ghcr.io/x/api:1.0.0
ports:
  - { name: grpc, port: 5000, targetPort: 5050, protocol: grpc }
  - { name: metrics, port: 9090, protocol: http }
expose: loadBalancer`,
    },
    "api",
    "  routing: { loadBalancers: true }\n",
  );

  it("renders the Service as type LoadBalancer, with every port", () => {
    const service = spec(find(objects, "Service"));
    expect(service.type).toBe("LoadBalancer");
    expect(service.ports.map((p: Json) => [p.port, p.targetPort])).toEqual([
      [5000, 5050],
      [9090, 9090],
    ]);
  });

  it("lets anyone in on the container ports: the load balancer's traffic has no narrower source", () => {
    expect(spec(find(objects, "NetworkPolicy")).ingress).toEqual([
      {
        ports: [
          { protocol: "TCP", port: 5050 },
          { protocol: "TCP", port: 9090 },
        ],
      },
    ]);
  });

  it("leaves a web service without it a ClusterIP Service that lets nobody in unasked", () => {
    const plain = renderInline({ api: "type: web\nimage: ghcr.io/x/api:1.0.0\nport: 8080" }, "api");
    expect(spec(find(plain, "Service")).type).toBe("ClusterIP");
    expect(spec(find(plain, "NetworkPolicy")).ingress).toBeUndefined();
  });
});
