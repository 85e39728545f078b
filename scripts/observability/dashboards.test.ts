import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultDashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { describe, expect, it } from "vitest";
import {
  cartGrpc,
  checkoutHttp,
  emailWorker,
  nightlyReportCron,
  observedExamples,
} from "../../test/support/observed-services.js";
import { dashboardUid, type GrafanaDashboard, serviceDashboard, teamDashboard } from "./dashboards.js";
import type { ObservedService } from "./model.js";

/** Outside test/golden/, which the render golden test owns whole. */
const GOLDEN = join(import.meta.dirname, "..", "..", "test", "golden-observability");
/** `UPDATE_GOLDEN=1 npx vitest run scripts/observability/dashboards.test.ts` rewrites the dashboard goldens. */
const UPDATE = process.env.UPDATE_GOLDEN === "1" && process.env.CI !== "true";

interface PanelJson {
  id?: number;
  type: string;
  title?: string;
  gridPos?: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  targets?: Array<{ refId?: string; expr?: string; datasource?: { uid?: string } }>;
}

function panelsOf(dashboard: GrafanaDashboard): PanelJson[] {
  return (dashboard.panels ?? []) as PanelJson[];
}

function titles(dashboard: GrafanaDashboard): string[] {
  return panelsOf(dashboard).map((panel) => panel.title ?? "");
}

function expressions(dashboard: GrafanaDashboard): string[] {
  return panelsOf(dashboard).flatMap((panel) => (panel.targets ?? []).map((target) => target.expr ?? ""));
}

const goldens: Array<[string, () => GrafanaDashboard]> = [
  ...observedExamples.map(
    ([kind, service]) =>
      [`service-${kind}-${service.name}.json`, () => serviceDashboard(service)] as [
        string,
        () => GrafanaDashboard,
      ],
  ),
  [
    "team-overview.json",
    () =>
      teamDashboard(
        "storefront",
        "prod",
        observedExamples.map(([, s]) => s),
      ),
  ],
];

describe("dashboard goldens", () => {
  if (UPDATE) {
    mkdirSync(GOLDEN, { recursive: true });
    for (const [file, build] of goldens)
      writeFileSync(join(GOLDEN, file), `${JSON.stringify(build(), null, 2)}\n`);
  }
  it.each(goldens)("%s matches its golden file", (file, build) => {
    expect(existsSync(join(GOLDEN, file)), `missing golden ${file}: run UPDATE_GOLDEN=1`).toBe(true);
    expect(`${JSON.stringify(build(), null, 2)}\n`).toBe(readFileSync(join(GOLDEN, file), "utf8"));
  });
});

describe("dashboards are valid Grafana dashboard JSON", () => {
  const all: Array<[string, GrafanaDashboard]> = goldens.map(([file, build]) => [file, build()]);

  it.each(all)("%s: schema version, uid, datasource variable", (_, dashboard) => {
    expect(dashboard.schemaVersion).toBe(defaultDashboard().schemaVersion);
    expect(dashboard.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(dashboard.editable).toBe(false);
    const variables = dashboard.templating.list ?? [];
    expect(variables).toEqual([
      expect.objectContaining({ type: "datasource", name: "datasource", query: "prometheus" }),
    ]);
  });

  it.each(all)(
    "%s: unique panel ids, every panel inside the 24-column grid, none overlapping",
    (_, dashboard) => {
      const panels = panelsOf(dashboard);
      const ids = panels.map((panel) => panel.id);
      expect(ids.every((id) => typeof id === "number")).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      const cells = new Set<string>();
      for (const panel of panels) {
        const pos = panel.gridPos;
        expect(pos, panel.title).toBeDefined();
        if (!pos) continue;
        expect(pos.x + pos.w).toBeLessThanOrEqual(24);
        for (let x = pos.x; x < pos.x + pos.w; x++)
          for (let y = pos.y; y < pos.y + pos.h; y++) {
            expect(cells.has(`${x},${y}`), `${panel.title} overlaps at ${x},${y}`).toBe(false);
            cells.add(`${x},${y}`);
          }
      }
    },
  );

  it.each(all)(
    "%s: every query reads the datasource variable, with a refId unique in its panel",
    (_, dashboard) => {
      for (const panel of panelsOf(dashboard).filter((p) => p.type !== "row")) {
        expect(panel.datasource).toEqual({ type: "prometheus", uid: "${datasource}" });
        const targets = panel.targets ?? [];
        expect(targets.length, panel.title).toBeGreaterThan(0);
        expect(new Set(targets.map((t) => t.refId)).size).toBe(targets.length);
        for (const target of targets) {
          expect(target.expr).toMatch(/\S/);
          expect(target.datasource?.uid).toBe("${datasource}");
        }
      }
    },
  );
});

describe("serviceDashboard", () => {
  it("http with both objectives: SLO panels per objective, requests, errors, latency quantiles, saturation", () => {
    const dashboard = serviceDashboard(checkoutHttp);
    expect(dashboard.title).toBe("checkout (prod)");
    expect(titles(dashboard)).toEqual([
      "Service level objectives",
      "Availability (30d)",
      "Availability: error budget left",
      "Availability: burn rate",
      "Latency SLI (30d)",
      "Latency SLI: error budget left",
      "Latency SLI: burn rate",
      "Requests",
      "Request rate",
      "Error ratio",
      "Latency",
      "Saturation",
      "CPU",
      "Memory",
      "Container restarts",
    ]);
    const latency = panelsOf(dashboard).find((p) => p.title === "Latency");
    expect(latency?.targets?.map((t) => t.expr)).toEqual(
      [0.5, 0.95, 0.99].map(
        (q) =>
          `histogram_quantile(${q}, sum by (le) (rate(http_server_request_duration_seconds_bucket{namespace="payments",service="checkout"}[$__rate_interval])))`,
      ),
    );
    const burn = panelsOf(dashboard).find((p) => p.title === "Availability: burn rate");
    expect(burn?.targets?.map((t) => t.expr)).toEqual([
      'namespace_service:sli_error:ratio_rate1h{namespace="payments",service="checkout"} / 0.001',
      'namespace_service:sli_error:ratio_rate6h{namespace="payments",service="checkout"} / 0.001',
    ]);
  });

  it("saturation compares cAdvisor usage with kube-state-metrics requests and limits of the service's pods", () => {
    const cpu = panelsOf(serviceDashboard(emailWorker)).find((p) => p.title === "CPU");
    const pods = 'namespace="platform",pod=~"email-worker-[a-z0-9]+-[a-z0-9]{5}"';
    expect(cpu?.targets?.map((t) => t.expr)).toEqual([
      `sum(rate(container_cpu_usage_seconds_total{${pods},container!="",container!="POD"}[$__rate_interval]))`,
      `sum(kube_pod_container_resource_requests{${pods},resource="cpu"})`,
      `sum(kube_pod_container_resource_limits{${pods},resource="cpu"})`,
    ]);
  });

  it.each([
    ["grpc, availability only", cartGrpc, ["Availability (30d)", "Request rate"], ["Latency SLI (30d)"]],
    ["worker without an SLO", emailWorker, ["Request rate", "Latency", "CPU"], ["Service level objectives"]],
    [
      "cron without metrics",
      nightlyReportCron,
      ["CPU", "Memory", "Container restarts"],
      ["Requests", "Request rate"],
    ],
  ] as const)("%s", (_, service, present, absent) => {
    const shown = titles(serviceDashboard(service));
    for (const title of present) expect(shown).toContain(title);
    for (const title of absent) expect(shown).not.toContain(title);
  });

  it.each(observedExamples)("%s: plain JSON data (a JSON round trip changes nothing)", (_, service) => {
    const dashboard = serviceDashboard(service);
    expect(JSON.parse(JSON.stringify(dashboard))).toStrictEqual(dashboard);
  });

  it("is deterministic, with a uid per service and environment", () => {
    expect(serviceDashboard(checkoutHttp)).toEqual(serviceDashboard(checkoutHttp));
    const staging: ObservedService = { ...checkoutHttp, environment: "staging" };
    expect(serviceDashboard(staging).uid).not.toBe(serviceDashboard(checkoutHttp).uid);
    expect(serviceDashboard(checkoutHttp).uid).toBe(dashboardUid("service", "prod", "checkout"));
    expect(dashboardUid("service", "a-b", "c")).not.toBe(dashboardUid("service", "a", "b-c"));
  });
});

describe("teamDashboard", () => {
  it("one row per service by name, each stat linking to the service's dashboard", () => {
    const dashboard = teamDashboard("storefront", "prod", [nightlyReportCron, checkoutHttp, cartGrpc]);
    const panels = panelsOf(dashboard);
    expect(panels.filter((p) => p.type === "row").map((p) => p.title)).toEqual([
      "cart",
      "checkout",
      "nightly-report",
    ]);
    expect(titles(dashboard)).toContain("availability (30d) vs 99.9 %");
    expect(titles(dashboard)).toContain("latency: burn rate 1h");
    const checkoutLinks = panels
      .filter((p) => p.title === "availability (30d) vs 99.9 %")
      .map((p) => (p as { links?: Array<{ url: string }> }).links?.[0]?.url);
    expect(checkoutLinks).toEqual([`/d/${dashboardUid("service", "prod", "checkout")}`]);
    expect(dashboard.uid).toBe(dashboardUid("team", "prod", "storefront"));
  });

  it("a service without an objective shows request and error rates; one without metrics its restarts", () => {
    const shown = titles(teamDashboard("platform", "prod", [emailWorker, nightlyReportCron]));
    expect(shown).toEqual([
      "email-worker",
      "requests/s",
      "error ratio (5m)",
      "nightly-report",
      "restarts (1h)",
    ]);
  });

  it("every expression of every dashboard names the service's own series", () => {
    for (const [, service] of observedExamples)
      for (const expr of expressions(serviceDashboard(service)))
        expect(expr).toContain(`namespace="${service.namespace}"`);
  });
});
