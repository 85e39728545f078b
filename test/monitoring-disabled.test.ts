import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { validateRepository } from "../scripts/model/validate-repository.js";
import type { KubeObject } from "../scripts/render/kube-object.js";
import { renderPlatform } from "../scripts/render/platform/platform-chart.js";
import { renderService } from "../scripts/render/service/service-chart.js";

const ROOT = join(import.meta.dirname, "..");
const MONITORING_KINDS = ["ServiceMonitor", "PodMonitor", "PrometheusRule", "AlertmanagerConfig"];

/** The example repository with `observability.enabled: false` in prod (its other observability settings kept). */
function examplesWithoutMonitoringInProd(): string {
  const root = mkdtempSync(join(tmpdir(), "idp-monitoring-off-"));
  for (const folder of ["environments", "teams", "services", "schemas"])
    cpSync(join(ROOT, folder), join(root, folder), { recursive: true });
  const file = join(root, "environments/prod.yaml");
  const text = readFileSync(file, "utf8");
  const edited = text.replace(/^( {2}observability:.*\n)/m, "$1    enabled: false\n");
  expect(edited).not.toBe(text);
  writeFileSync(file, edited);
  return root;
}

function renderEnvironment(root: string, environment: string): KubeObject[] {
  const repository = validateRepository(root);
  expect(repository.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const env = repository.environments.find((e) => e.name === environment);
  if (!env) throw new Error(`no environment ${environment}`);
  const context = {
    environment: env,
    services: repository.services.filter((s) => s.environment === environment),
    teams: repository.teams,
  };
  return [...renderPlatform(context), ...context.services.flatMap((s) => renderService(s, context))];
}

const isMonitoring = (o: KubeObject) =>
  MONITORING_KINDS.includes(o.kind) ||
  (o.kind === "ConfigMap" && o.metadata.labels?.grafana_dashboard !== undefined) ||
  (o.kind === "ExternalSecret" && o.metadata.name === "alerting");

describe("observability.enabled: false", () => {
  const root = examplesWithoutMonitoringInProd();
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("renders no monitor, rule, dashboard, AlertmanagerConfig or webhook secret in that environment", () => {
    const prod = renderEnvironment(root, "prod");
    expect(prod.filter(isMonitoring).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    expect(prod.some((o) => o.kind === "Deployment")).toBe(true);
  });

  it("scrapes nothing there: no metrics or objectives resolved, Prometheus not let in", () => {
    const repository = validateRepository(root);
    const prod = repository.services.filter((s) => s.environment === "prod");
    expect(prod.filter((s) => s.observability.metrics || s.observability.slo).map((s) => s.name)).toEqual([]);
    const policies = renderEnvironment(root, "prod").filter((o) => o.kind === "NetworkPolicy");
    expect(JSON.stringify(policies)).not.toContain('"monitoring"');
  });

  it("leaves the other environments' monitoring as it was", () => {
    const staging = renderEnvironment(root, "staging");
    const kinds = new Set(staging.filter(isMonitoring).map((o) => o.kind));
    expect([...kinds].sort()).toEqual([
      "AlertmanagerConfig",
      "ConfigMap",
      "ExternalSecret",
      "PodMonitor",
      "PrometheusRule",
      "ServiceMonitor",
    ]);
  });
});
