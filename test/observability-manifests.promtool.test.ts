/**
 * The monitoring every example service ships with, as committed in
 * manifests/: each PrometheusRule's groups, and each dashboard's queries,
 * go through the real promtool (tools/promtool.sh). The generator's own
 * tests (observability-rules.promtool.test.ts) prove what the alerts do;
 * this one proves that what is rendered for the examples is what Prometheus
 * loads.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";
import { installedPromtool, runPromtool } from "./support/promtool.js";

const ROOT = join(import.meta.dirname, "..");
const work = mkdtempSync(join(tmpdir(), "idp-manifest-rules-"));
let promtool = "";

beforeAll(() => {
  promtool = installedPromtool();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface KubeObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: { groups?: Array<{ rules: Array<{ alert?: string; record?: string }> }> };
}

/** Every service manifest of every environment: [environment, service, objects]. */
function renderedServices(): Array<[string, string, KubeObject[]]> {
  const out: Array<[string, string, KubeObject[]]> = [];
  for (const environment of readdirSync(join(ROOT, "manifests"), { withFileTypes: true })) {
    if (!environment.isDirectory()) continue;
    for (const service of readdirSync(join(ROOT, "manifests", environment.name))) {
      if (service === "_platform") continue;
      const file = join(ROOT, "manifests", environment.name, service, "manifest.yaml");
      const objects = parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJSON() as KubeObject);
      out.push([environment.name, service, objects]);
    }
  }
  return out;
}

const services = renderedServices();

describe("the examples' rendered monitoring", () => {
  it("renders a PrometheusRule for every example service in every environment", () => {
    expect(services.length).toBeGreaterThan(20);
    for (const [environment, service, objects] of services) {
      expect(
        objects.filter((o) => o.kind === "PrometheusRule"),
        `${environment}/${service}`,
      ).toHaveLength(1);
    }
  });

  it.each(services.map(([environment, service]) => [`${environment}/${service}`]))(
    "%s: promtool check rules accepts its PrometheusRule",
    (name) => {
      const [environment, service] = name.split("/") as [string, string];
      const objects = services.find(([e, s]) => e === environment && s === service)?.[2] ?? [];
      const rule = objects.find((o) => o.kind === "PrometheusRule");
      const file = join(work, `${environment}-${service}.rules.yaml`);
      writeFileSync(file, stringify({ groups: rule?.spec?.groups ?? [] }, { lineWidth: 0 }));
      const run = runPromtool(promtool, ["check", "rules", "--lint=all", "--lint-fatal", file], work);
      expect(run.output, name).toContain("SUCCESS");
      expect(run.status, run.output).toBe(0);
      // Paging SLO alerts wherever the service has an objective there; basic alerts everywhere.
      const alerts = (rule?.spec?.groups ?? []).flatMap((g) => g.rules.map((r) => r.alert)).filter(Boolean);
      expect(alerts, name).toContain("PodCrashLooping");
    },
  );

  it("checkout in prod (critical, 99.9 % and a latency objective) pages on both objectives", () => {
    const objects = services.find(([e, s]) => e === "prod" && s === "checkout")?.[2] ?? [];
    const rule = objects.find((o) => o.kind === "PrometheusRule");
    const alerts = new Set((rule?.spec?.groups ?? []).flatMap((g) => g.rules.map((r) => r.alert)));
    expect([...alerts].filter(Boolean).sort()).toEqual([
      "AvailabilityErrorBudgetBurn",
      "LatencyErrorBudgetBurn",
      "PodCrashLooping",
      "ReplicasUnavailable",
    ]);
  });
});
