import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { validateRepository } from "../scripts/model/validate-repository.js";
import type { KubeObject } from "../scripts/render/kube-object.js";
import { renderRepository } from "../scripts/render/render-repository.js";
import { containerEnvironment, type EnvEntry } from "./support/kube-env-expansion.js";

const ROOT = join(import.meta.dirname, "..");
const GOLDEN = join(import.meta.dirname, "golden");
/** `UPDATE_GOLDEN=1 npx vitest run test/render.golden.test.ts` (npm run golden:update) rewrites the golden tree. */
const UPDATE = process.env.UPDATE_GOLDEN === "1" && process.env.CI !== "true";

function renderAt(root: string) {
  const validated = validateRepository(root);
  expect(validated.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return renderRepository(validated);
}

const tree = renderAt(ROOT);

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split("\\").join("/"))
    .sort();
}

describe("rendered manifests of the examples", () => {
  if (UPDATE) {
    rmSync(GOLDEN, { recursive: true, force: true });
    for (const [path, file] of tree.files) {
      mkdirSync(dirname(join(GOLDEN, path)), { recursive: true });
      writeFileSync(join(GOLDEN, path), file.text);
    }
  }

  it("has exactly the golden files", () => {
    expect([...tree.files.keys()].sort()).toEqual(listFiles(GOLDEN));
  });

  it.each([...tree.files.keys()].sort())("%s matches its golden file", (path) => {
    expect(tree.files.get(path)?.text).toBe(readFileSync(join(GOLDEN, path), "utf8"));
  });
});

/** The objects of one rendered file, parsed back from its YAML (what Argo CD will read). */
function objectsOf(path: string): KubeObject[] {
  const text = tree.files.get(path)?.text;
  if (text === undefined) throw new Error(`no rendered file ${path}`);
  return parseAllDocuments(text).map((d) => d.toJS() as KubeObject);
}

function find(path: string, kind: string): KubeObject {
  const found = objectsOf(path).find((o) => o.kind === kind);
  if (!found) throw new Error(`${path} has no ${kind}`);
  return found;
}

type Pod = { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } };

describe("intent: what the golden files must keep saying", () => {
  it("runs checkout in prod autoscaled from 3 to 20 pods, with no fixed replica count", () => {
    const deployment = find("prod/checkout/manifest.yaml", "Deployment") as KubeObject & {
      spec: Record<string, unknown>;
    };
    expect(deployment.spec.replicas).toBeUndefined();
    const hpa = find("prod/checkout/manifest.yaml", "HorizontalPodAutoscaler") as KubeObject & {
      spec: { minReplicas: number; maxReplicas: number };
    };
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([3, 20]);
  });

  it("runs the dev image override in dev and the release image in prod", () => {
    const image = (env: string) =>
      (
        (find(`${env}/checkout/manifest.yaml`, "Deployment").spec as { template: Pod }).template.spec
          .containers[0] as {
          image: string;
        }
      ).image;
    expect(image("dev")).toBe("ghcr.io/acme/checkout:1.5.0-rc.1");
    expect(image("prod")).toBe("ghcr.io/acme/checkout:1.4.2");
  });

  it("runs email-worker in prod with its relay as a native sidecar, a spool volume, its templates file, 60 s to stop, and SMTP out on 587 to the relay's network only", () => {
    const deployment = find("prod/email-worker/manifest.yaml", "Deployment") as KubeObject & {
      spec: { template: Pod };
    };
    const pod = deployment.spec.template.spec as Pod["spec"] & {
      initContainers: { name: string; restartPolicy?: string }[];
      volumes: unknown[];
    };
    expect(pod.initContainers.map((c) => [c.name, c.restartPolicy])).toEqual([["bounce-relay", "Always"]]);
    expect(pod.terminationGracePeriodSeconds).toBe(60);
    expect(pod.volumes).toContainEqual({ name: "scratch-0", emptyDir: { sizeLimit: "512Mi" } });
    expect(pod.volumes).toContainEqual({ name: "files", configMap: { name: "email-worker-files" } });
    const files = objectsOf("prod/email-worker/manifest.yaml").find(
      (o) => o.kind === "ConfigMap" && o.metadata.name === "email-worker-files",
    ) as (KubeObject & { data: object }) | undefined;
    expect(Object.keys(files?.data ?? {})).toEqual(["file-0"]);
    const external = (env: string) => {
      const policy = find(`${env}/email-worker/manifest.yaml`, "NetworkPolicy") as KubeObject & {
        spec: { egress: { to?: { ipBlock?: { cidr: string } }[]; ports: { port: number }[] }[] };
      };
      return [
        policy.metadata.annotations?.["idp/egress-hosts"],
        policy.spec.egress
          .filter((rule) => rule.to?.some((peer) => peer.ipBlock))
          .map((rule) => [rule.to?.[0]?.ipBlock?.cidr, rule.ports.map((p) => p.port)]),
      ];
    };
    // The prod override replaces the host entry with the relay's network: exactly that, nothing public.
    expect(external("prod")).toEqual([undefined, [["198.51.100.0/24", [587]]]]);
    expect(external("dev")).toEqual(["smtp.eu.mailgun.org:587", [["0.0.0.0/0", [587]]]]);
  });

  it("renders nightly-report as a CronJob that never overlaps", () => {
    const cron = find("prod/nightly-report/manifest.yaml", "CronJob") as KubeObject & {
      spec: { concurrencyPolicy: string };
    };
    expect(cron.spec.concurrencyPolicy).toBe("Forbid");
  });

  it("composes cart's REDIS_ADDR from the sessions secret in env, after its secretKeyRef, never in a ConfigMap", () => {
    for (const env of tree.environments) {
      const path = `${env}/cart/manifest.yaml`;
      const deployment = find(path, "Deployment").spec as { template: Pod };
      const container = deployment.template.spec.containers[0] as { env: EnvEntry[] };
      const names = container.env.map((e) => e.name);
      expect(names.indexOf("IDP.REDIS_ADDR.1"), path).toBeLessThan(names.indexOf("REDIS_ADDR"));
      expect(
        containerEnvironment(container.env, { "cart-sessions": { host: "h", url: "u" } }).REDIS_ADDR,
      ).toBe("h:6379");
      // its only ConfigMap is its Grafana dashboard: no env value in one
      const configMaps = objectsOf(path).filter((o) => o.kind === "ConfigMap");
      expect(configMaps.map((o) => o.metadata.name)).toEqual(["cart-dashboard"]);
    }
  });

  it("keeps search out of prod", () => {
    expect(tree.files.has("prod/search/manifest.yaml")).toBe(false);
    expect(tree.files.has("dev/search/manifest.yaml")).toBe(true);
  });

  it("makes every pod Pod Security restricted", () => {
    for (const [path] of tree.files) {
      for (const object of objectsOf(path)) {
        const template =
          object.kind === "Deployment"
            ? (object.spec as { template: Pod }).template
            : object.kind === "CronJob"
              ? (object.spec as { jobTemplate: { spec: { template: Pod } } }).jobTemplate.spec.template
              : undefined;
        if (!template) continue;
        const pod = template.spec as Record<string, unknown> & { containers: Record<string, unknown>[] };
        expect(pod.securityContext, path).toMatchObject({
          runAsNonRoot: true,
          seccompProfile: { type: "RuntimeDefault" },
        });
        expect(pod.automountServiceAccountToken, path).toBe(false);
        for (const container of pod.containers) {
          expect(container.securityContext, path).toMatchObject({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
          });
          const resources = container.resources as {
            requests: Record<string, string>;
            limits: Record<string, string>;
          };
          expect(Object.keys(resources.requests).sort(), path).toEqual(["cpu", "memory"]);
          expect(resources.limits.memory, path).toBeDefined();
        }
      }
    }
  });

  it("has an ApplicationSet-driven delivery for every environment", () => {
    for (const env of tree.environments) {
      const kinds = objectsOf(`${env}/_platform/manifest.yaml`).map((o) => o.kind);
      expect(kinds).toContain("ApplicationSet");
      expect(kinds).toContain("AppProject");
      expect(kinds).toContain("Namespace");
    }
  });

  it("reads storefront's secrets through the SecretStore of storefront's own namespace, never a cluster-wide store", () => {
    for (const env of tree.environments) {
      const externalSecret = find(`${env}/storefront/manifest.yaml`, "ExternalSecret") as KubeObject & {
        spec: { secretStoreRef: { kind: string; name: string } };
      };
      expect(externalSecret.apiVersion).toBe("external-secrets.io/v1");
      expect(externalSecret.spec.secretStoreRef).toEqual({ kind: "SecretStore", name: "vault" });
      const namespace = externalSecret.metadata.namespace;
      const stores = objectsOf(`${env}/_platform/manifest.yaml`).filter(
        (o) => o.kind === "SecretStore" && o.metadata.name === "vault" && o.metadata.namespace === namespace,
      );
      expect(stores).toHaveLength(1);
    }
    for (const [path] of tree.files) {
      for (const object of objectsOf(path)) {
        expect(object.kind).not.toBe("ClusterSecretStore");
        if (object.kind === "ExternalSecret")
          expect((object.spec as { secretStoreRef: { kind: string } }).secretStoreRef.kind).toBe(
            "SecretStore",
          );
      }
    }
  });

  it("gives each team namespace exactly one SecretStore, logging in as that team's own Vault role", () => {
    for (const env of tree.environments) {
      const objects = objectsOf(`${env}/_platform/manifest.yaml`);
      const namespaces = objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name);
      const stores = objects.filter((o) => o.kind === "SecretStore");
      expect(stores.map((o) => o.metadata.namespace).sort()).toEqual([...namespaces].sort());
      const roles = stores.map(
        (o) =>
          (o.spec as { provider: { vault: { auth: { kubernetes: { role: string } } } } }).provider.vault.auth
            .kubernetes.role,
      );
      expect(new Set(roles).size).toBe(stores.length);
      const storefront = stores.find((o) => o.metadata.labels?.["idp/team"] === "storefront");
      expect(storefront?.metadata.annotations?.["idp/secret-prefixes"]).toBe(
        "storefront/,shared/stripe-publishable/",
      );
    }
  });

  it("scrapes checkout through a ServiceMonitor on its http port, email-worker through a PodMonitor labelled service, and lets Prometheus in", () => {
    const monitor = find("prod/checkout/manifest.yaml", "ServiceMonitor").spec as {
      endpoints: { port: string; path: string; interval: string }[];
    };
    expect(monitor.endpoints).toEqual([{ port: "http", path: "/metrics", interval: "30s" }]);
    const pods = find("prod/email-worker/manifest.yaml", "PodMonitor").spec as {
      podMetricsEndpoints: { port: string; relabelings: unknown[] }[];
    };
    expect(pods.podMetricsEndpoints[0]?.port).toBe("metrics");
    expect(pods.podMetricsEndpoints[0]?.relabelings).toEqual([
      { action: "replace", targetLabel: "service", replacement: "email-worker" },
    ]);
    const policy = find("prod/email-worker/manifest.yaml", "NetworkPolicy").spec as {
      ingress: { from: unknown[]; ports: unknown[] }[];
    };
    expect(policy.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
        ports: [{ port: 9090, protocol: "TCP" }],
      },
    ]);
    // storefront switches metrics off in dev: no monitor there, but still its rules and dashboard
    const dev = objectsOf("dev/storefront/manifest.yaml").map((o) => o.kind);
    expect(dev).not.toContain("ServiceMonitor");
    expect(dev).toEqual(expect.arrayContaining(["PrometheusRule", "ConfigMap"]));
  });

  it("states checkout's prod objectives on its PrometheusRule and ships its dashboard to Grafana's sidecar", () => {
    const rule = find("prod/checkout/manifest.yaml", "PrometheusRule");
    expect(rule.metadata.annotations).toMatchObject({
      "idp/slo-availability": "99.9 %",
      "idp/slo-latency": "99 % under 0.5 s",
      "idp/slo-window": "30d",
      "idp/runbook": "https://runbooks.acme.example/checkout",
    });
    const payments = find("prod/payments/manifest.yaml", "PrometheusRule");
    expect(payments.metadata.annotations?.["idp/slo-availability"]).toBe("99.95 %");
    const dashboard = objectsOf("prod/checkout/manifest.yaml").find(
      (o) => o.kind === "ConfigMap" && o.metadata.labels?.grafana_dashboard === "1",
    ) as KubeObject & { data: Record<string, string> };
    expect(Object.keys(dashboard.data)).toEqual(["payments-checkout.json"]);
    expect(JSON.parse(dashboard.data["payments-checkout.json"] as string)).toHaveProperty("title");
  });

  it("routes each team's alerts by severity to its contact: payments' critical ones to Slack and email, with the webhook from Vault", () => {
    for (const env of tree.environments) {
      const objects = objectsOf(`${env}/_platform/manifest.yaml`);
      const configs = objects.filter((o) => o.kind === "AlertmanagerConfig");
      expect(configs.map((o) => o.metadata.namespace).sort()).toEqual(
        objects
          .filter((o) => o.kind === "Namespace")
          .map((o) => o.metadata.name)
          .sort(),
      );
    }
    const payments = objectsOf("prod/_platform/manifest.yaml").find(
      (o) => o.kind === "AlertmanagerConfig" && o.metadata.namespace === "payments",
    );
    const spec = payments?.spec as {
      route: { matchers: unknown[]; routes: { receiver: string; matchers: unknown[] }[] };
      receivers: {
        name: string;
        slackConfigs?: { channel: string; apiURL?: unknown }[];
        emailConfigs?: { to: string }[];
      }[];
    };
    expect(spec.route.matchers).toEqual([{ name: "team", value: "payments", matchType: "=" }]);
    expect(spec.route.routes).toEqual([
      { receiver: "critical", matchers: [{ name: "severity", value: "critical", matchType: "=" }] },
    ]);
    const critical = spec.receivers.find((r) => r.name === "critical");
    expect(critical?.slackConfigs?.[0]).toMatchObject({
      channel: "#payments",
      apiURL: { name: "alerting", key: "slack-webhook-url" },
    });
    expect(critical?.emailConfigs).toEqual([{ to: "payments@acme.example", sendResolved: true }]);
    expect(spec.receivers.find((r) => r.name === "warning")?.emailConfigs).toBeUndefined();
  });
});

describe("determinism", () => {
  const copies: string[] = [];
  afterAll(() => {
    for (const dir of copies) rmSync(dir, { recursive: true, force: true });
  });

  it("renders the same bytes twice, and from a copy at another path", () => {
    const copy = mkdtempSync(join(tmpdir(), "idp-copy-"));
    copies.push(copy);
    for (const folder of ["environments", "teams", "services", "schemas"]) {
      cpSync(join(ROOT, folder), join(copy, folder), { recursive: true });
    }
    const again = renderAt(ROOT);
    const elsewhere = renderAt(copy);
    const texts = (t: typeof tree) => [...t.files].map(([path, file]) => [path, file.text]);
    expect(texts(again)).toEqual(texts(tree));
    expect(texts(elsewhere)).toEqual(texts(tree));
  });
});
