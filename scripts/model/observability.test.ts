import { describe, expect, it } from "vitest";
import type { LoadedDocument } from "./document.js";
import { SLI_DEFAULTS } from "./observability.js";
import { parseYamlDocument } from "./parse-yaml.js";
import { resolveRepository } from "./resolve.js";

function doc(file: string, text: string): LoadedDocument {
  const { document, diagnostics } = parseYamlDocument(file, text);
  if (!document) throw new Error(`test YAML does not parse: ${JSON.stringify(diagnostics)}`);
  return document;
}

const environment = (name: string, observability: string) => `apiVersion: idp/v1
kind: Environment
metadata: { name: ${name} }
spec:
  cluster: { name: ${name}, server: https://${name}.example.test }
  namespace: "{team}-${name}"
  domain: ${name}.example.test
  gitops: { repoURL: https://git.example.test/platform.git }
  registries: [ghcr.io/x]
  defaults: { replicas: 2, resources: { cpu: 100m, memory: 128Mi } }
${observability}`;

const TEAM = `apiVersion: idp/v1
kind: Team
metadata: { name: shop }
spec: { github: x/shop, members: [a], budget: { monthly: 1 }, contact: { slack: "#shop" } }
`;

const PROD = environment(
  "prod",
  `  observability:
    interval: 15s
    objectives:
      critical: { availability: 99.9, latency: { threshold: 0.5, objective: 99 } }
      standard: { availability: 99.5 }
`,
);

function resolve(service: string, env = PROD) {
  return resolveRepository({
    environments: [doc("environments/prod.yaml", env)],
    teams: [doc("teams/shop.yaml", TEAM)],
    services: [doc("services/web/service.yaml", service)],
  });
}

const service = (tier: string, spec: string) => `apiVersion: idp/v1
kind: Service
metadata: { name: web, team: shop, tier: ${tier} }
spec:
  image: ghcr.io/x/web:1.0.0
${spec}`;

describe("resolveObservability", () => {
  it("takes the tier's objectives and the environment's interval, the service's own objective first", () => {
    const result = resolve(
      service(
        "critical",
        `  type: web
  ports: [{ name: http, port: 80, targetPort: 8080 }, { name: grpc, port: 5050, protocol: grpc }]
  observability:
    metrics: { port: http }
    slo: { availability: 99.95 }
    runbook: https://runbooks.example.test/web
`,
      ),
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.services[0]?.observability).toEqual({
      metrics: { port: "http", path: "/metrics", interval: "15s" },
      protocol: "http",
      sli: SLI_DEFAULTS.http,
      slo: { availability: 99.95, latency: { threshold: 0.5, objective: 99 }, window: "30d" },
      runbook: "https://runbooks.example.test/web",
      severity: "critical",
    });
  });

  it("reads gRPC metrics when the metrics port is a grpc port, and lets sli names be overridden", () => {
    const result = resolve(
      service(
        "standard",
        `  type: web
  ports: [{ name: grpc, port: 5050, protocol: grpc }]
  observability:
    metrics: { port: grpc }
    sli: { duration: rpc_server_duration_seconds }
`,
      ),
    );
    expect(result.diagnostics).toEqual([]);
    const observability = result.services[0]?.observability;
    expect(observability?.protocol).toBe("grpc");
    expect(observability?.sli).toEqual({ ...SLI_DEFAULTS.grpc, duration: "rpc_server_duration_seconds" });
    expect(observability?.severity).toBe("warning");
    expect(observability?.slo).toEqual({ availability: 99.5, window: "30d" });
  });

  it("gives a worker's metrics the container port named metrics", () => {
    const result = resolve(
      service("standard", "  type: worker\n  observability: { metrics: { port: 9090 } }\n"),
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.services[0]?.observability.metrics?.port).toBe("metrics");
    expect(result.services[0]?.observability.containerPort).toBe(9090);
  });

  it.each([
    ["the environment scrapes nothing", environment("prod", "  observability: { metrics: false }\n"), ""],
    ["the service switches metrics off here", PROD, ", enabled: false"],
  ])("has neither metrics nor an SLO when %s", (_name, env, enabled) => {
    const spec = `  type: web\n  port: 8080\n  observability: { metrics: { port: http${enabled} } }\n`;
    const result = resolve(service("critical", spec), env);
    expect(result.diagnostics).toEqual([]);
    expect(result.services[0]?.observability.metrics).toBeUndefined();
    expect(result.services[0]?.observability.slo).toBeUndefined();
  });

  it.each([
    [
      "a web port name the service does not have",
      "  type: web\n  port: 8080\n  observability:\n    metrics: { port: admin }\n",
      'services/web/service.yaml:9:22: error resolve.metrics-port: observability.metrics.port "admin" is not one of the ports of web',
      "use one of its port names: http",
    ],
    [
      "a number for a web service",
      "  type: web\n  port: 8080\n  observability:\n    metrics: { port: 8080 }\n",
      "services/web/service.yaml:9:22: error resolve.metrics-port: observability.metrics.port 8080 is a number; a web service's metrics port is one of its ports, by name",
      "use one of its port names: http",
    ],
    [
      "a port name for a worker",
      "  type: worker\n  observability:\n    metrics: { port: http }\n",
      'services/web/service.yaml:8:22: error resolve.metrics-port: observability.metrics.port "http" names a port, but web is a worker and has no named ports',
      "give the container port number the metrics listen on, such as port: 9090",
    ],
    [
      "no port at all",
      "  type: web\n  port: 8080\n  observability:\n    metrics: { path: /stats }\n",
      "services/web/service.yaml:9:14: error resolve.metrics-port: observability.metrics of web names no port in prod",
      "add port: with the name of one of its ports (http), or enabled: false",
    ],
  ])("reports %s at its line and column", (_name, spec, where, hint) => {
    const result = resolve(service("standard", spec));
    const [diagnostic] = result.diagnostics;
    expect(result.diagnostics).toHaveLength(1);
    expect(
      `${diagnostic?.file}:${diagnostic?.line}:${diagnostic?.column}: ${diagnostic?.severity} ${diagnostic?.code}: ${diagnostic?.message}`,
    ).toBe(where);
    expect(diagnostic?.hint).toBe(hint);
  });
});
