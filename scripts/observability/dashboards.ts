import { createHash } from "node:crypto";
import { burnRateAlerts } from "./burn-rates.js";
import {
  dashboardLink,
  datasourceVariable,
  type GrafanaDashboard,
  type Panel,
  PanelGrid,
  type PrometheusQuery,
  prometheusQuery,
  rowPanel,
  SCHEMA_VERSION,
  type StatPanel,
  statPanel,
  type ThresholdStep,
  type TimeseriesPanel,
  timeseriesPanel,
} from "./grafana-model.js";
import { podMatcher } from "./kube-series.js";
import type { ObservedService } from "./model.js";
import { formatNumber, matcher } from "./promql.js";
import {
  errorBudget,
  errorRatioExpr,
  ratioRecord,
  type SliKind,
  type SliSeries,
  serviceMatchers,
  sliSeries,
  slowRatioExpr,
} from "./sli.js";

export type { GrafanaDashboard } from "./grafana-model.js";

/** Every query reads the Prometheus the viewer picks in the `datasource` variable. */
const DATASOURCE = { type: "prometheus", uid: "${datasource}" };
const RATE = "$__rate_interval";

/**
 * A stable dashboard uid from names (Grafana allows at most 40 characters of
 * [a-zA-Z0-9_-]): the same service in the same environment keeps its uid,
 * so links and bookmarks survive a re-render.
 */
export function dashboardUid(kind: "service" | "team", ...names: string[]): string {
  const digest = createHash("sha256")
    .update(JSON.stringify([kind, ...names]))
    .digest("hex");
  return `idp-${kind === "service" ? "s" : "t"}-${digest.slice(0, 30)}`;
}

/** Hands out panel ids and refIds in order, so the JSON is the same on every render. */
class Ids {
  private next = 1;
  take(): number {
    return this.next++;
  }
}

function query(expr: string, legend: string, refId: string, instant = false): PrometheusQuery {
  return prometheusQuery(DATASOURCE, expr, legend, refId, instant);
}

function timeseries(
  ids: Ids,
  title: string,
  unit: string,
  targets: PrometheusQuery[],
  description: string,
  width = 8,
): TimeseriesPanel {
  return timeseriesPanel({
    id: ids.take(),
    title,
    description,
    datasource: DATASOURCE,
    unit,
    min: 0,
    targets,
    height: 8,
    width,
  });
}

function stat(
  ids: Ids,
  title: string,
  unit: string,
  expr: string,
  steps: Array<[number | null, string]>,
): StatPanel {
  return statPanel({
    id: ids.take(),
    title,
    datasource: DATASOURCE,
    unit,
    decimals: 3,
    steps: steps.map(([value, color]): ThresholdStep => ({ value, color })),
    target: query(expr, "", "A", true),
    height: 5,
    width: 6,
  });
}

function newDashboard(title: string, uid: string, tags: string[], description: string): GrafanaDashboard {
  return {
    timezone: "utc",
    editable: false,
    graphTooltip: 0,
    fiscalYearStartMonth: 0,
    schemaVersion: SCHEMA_VERSION,
    templating: { list: [datasourceVariable("datasource", "Prometheus", "prometheus")] },
    annotations: {},
    title,
    uid,
    tags,
    refresh: "1m",
    time: { from: "now-6h", to: "now" },
    description,
  };
}

/** The objectives a service has, with its SLI expression over any range and its budget. */
interface Slo {
  kind: SliKind;
  objective: number;
  budget: number;
  ratio: (range: string) => string;
}

function slosOf(service: ObservedService, series: SliSeries): Slo[] {
  const { slo, metrics } = service.observability;
  if (!slo || !metrics) return [];
  const slos: Slo[] = [];
  if (slo.availability !== undefined)
    slos.push({
      kind: "availability",
      objective: slo.availability,
      budget: errorBudget(slo.availability),
      ratio: (range) => errorRatioExpr(series, range),
    });
  const slow = slowRatioExpr(series, "5m");
  if (slo.latency && slow)
    slos.push({
      kind: "latency",
      objective: slo.latency.objective,
      budget: errorBudget(slo.latency.objective),
      ratio: (range) => slowRatioExpr(series, range) ?? "",
    });
  return slos;
}

/**
 * A service's dashboard in one environment: requests, errors and latency
 * quantiles (when scraped), CPU and memory against requests and limits, and
 * per objective the SLI over the SLO window, the error budget left and the
 * burn rates the alerts watch. Throws PromqlValueError like the rules.
 */
export function serviceDashboard(service: ObservedService): GrafanaDashboard {
  const ids = new Ids();
  const own = serviceMatchers(service);
  const dashboard = newDashboard(
    `${service.name} (${service.environment})`,
    dashboardUid("service", service.environment, service.name),
    ["idp", `team:${service.team}`, `environment:${service.environment}`, `service:${service.name}`],
    `${service.tier} ${service.type} service of team ${service.team}, namespace ${service.namespace}.`,
  );
  const grid = new PanelGrid();

  if (service.observability.metrics) {
    const series = sliSeries(service);
    const slos = slosOf(service, series);
    if (slos.length > 0) {
      grid.addRow(rowPanel(ids.take(), "Service level objectives"));
      for (const slo of slos) sloPanels(grid, ids, service, own, slo);
    }
    grid.addRow(rowPanel(ids.take(), "Requests"));
    grid.add(
      timeseries(
        ids,
        "Request rate",
        "reqps",
        [query(`sum by (namespace, service) (rate(${series.requests}[${RATE}]))`, "requests/s", "A")],
        "Requests per second, all outcomes.",
      ),
    );
    grid.add(
      timeseries(
        ids,
        "Error ratio",
        "percentunit",
        [query(errorRatioExpr(series, RATE), "errors", "A")],
        `Share of requests whose ${service.observability.sli.errorLabel} matches ${service.observability.sli.errorValues}.`,
      ),
    );
    const quantile = (q: number, refId: string) =>
      query(
        `histogram_quantile(${q}, sum by (le) (rate(${series.buckets}[${RATE}])))`,
        `p${formatNumber(q * 100)}`,
        refId,
      );
    grid.add(
      timeseries(
        ids,
        "Latency",
        "s",
        [quantile(0.5, "A"), quantile(0.95, "B"), quantile(0.99, "C")],
        `Request duration quantiles from ${service.observability.sli.duration}.`,
      ),
    );
  }
  saturationPanels(grid, ids, service);
  return withPanels(dashboard, grid);
}

function sloPanels(grid: PanelGrid, ids: Ids, service: ObservedService, own: string, slo: Slo): void {
  const window = service.observability.slo?.window ?? "30d";
  const target = slo.objective / 100;
  const name = slo.kind === "availability" ? "Availability" : "Latency SLI";
  grid.add(
    described(
      stat(ids, `${name} (${window})`, "percentunit", `1 - (${slo.ratio(window)})`, [
        [null, "red"],
        [target, "green"],
      ]),
      `Objective: ${formatNumber(slo.objective)} % over ${window}.`,
    ),
  );
  grid.add(
    described(
      stat(
        ids,
        `${name}: error budget left`,
        "percentunit",
        `1 - (${slo.ratio(window)}) / ${formatNumber(slo.budget)}`,
        [
          [null, "red"],
          [0.25, "orange"],
          [0.5, "green"],
        ],
      ),
      `Share of the ${window} error budget (${formatNumber(slo.budget * 100)} % of requests) not yet spent.`,
    ),
  );
  const alerts = burnRateAlerts(window).filter((alert) => alert.urgency === "page");
  grid.add(
    timeseries(
      ids,
      `${name}: burn rate`,
      "x",
      alerts.map((alert, i) =>
        query(
          `${ratioRecord(slo.kind, alert.long)}{${own}} / ${formatNumber(slo.budget)}`,
          `${alert.long} (pages above ${formatNumber(alert.burnRate)})`,
          String.fromCharCode(65 + i),
        ),
      ),
      "How many times faster than sustainable the error budget burns, over the windows the paging alerts read.",
      12,
    ),
  );
}

function saturationPanels(grid: PanelGrid, ids: Ids, service: ObservedService): void {
  const pods = `${matcher("namespace", service.namespace)},${podMatcher(service)}`;
  const containers = `${pods},container!="",container!="POD"`;
  const resource = (metric: string, name: string) => `sum(${metric}{${pods},resource="${name}"})`;
  grid.addRow(rowPanel(ids.take(), "Saturation"));
  grid.add(
    timeseries(
      ids,
      "CPU",
      "cores",
      [
        query(`sum(rate(container_cpu_usage_seconds_total{${containers}}[${RATE}]))`, "used", "A"),
        query(resource("kube_pod_container_resource_requests", "cpu"), "requested", "B"),
        query(resource("kube_pod_container_resource_limits", "cpu"), "limit", "C"),
      ],
      "CPU used by all pods (cAdvisor) against their requests and limits (kube-state-metrics).",
    ),
  );
  grid.add(
    timeseries(
      ids,
      "Memory",
      "bytes",
      [
        query(`sum(container_memory_working_set_bytes{${containers}})`, "working set", "A"),
        query(resource("kube_pod_container_resource_requests", "memory"), "requested", "B"),
        query(resource("kube_pod_container_resource_limits", "memory"), "limit", "C"),
      ],
      "Working set of all pods (cAdvisor) against their requests and limits (kube-state-metrics).",
    ),
  );
  grid.add(
    timeseries(
      ids,
      "Container restarts",
      "short",
      [query(`sum(increase(kube_pod_container_status_restarts_total{${pods}}[1h]))`, "restarts in 1h", "A")],
      "Restarts over the last hour; the PodCrashLooping alert fires above 2 in 15 minutes.",
    ),
  );
}

/**
 * A team's overview in one environment: one row per service (by name) with
 * its SLIs against their objectives, the budget left and the fast-burn rate;
 * a service without an objective shows its request and error rates, one
 * without metrics its restarts.
 */
export function teamDashboard(
  team: string,
  environment: string,
  services: ObservedService[],
): GrafanaDashboard {
  const ids = new Ids();
  const dashboard = newDashboard(
    `Team ${team} (${environment})`,
    dashboardUid("team", environment, team),
    ["idp", `team:${team}`, `environment:${environment}`],
    `The services of team ${team} in ${environment}, each linked to its own dashboard.`,
  );
  const grid = new PanelGrid();
  for (const service of [...services].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    grid.addRow(rowPanel(ids.take(), service.name));
    const own = serviceMatchers(service);
    const link = {
      title: `${service.name} dashboard`,
      url: `/d/${dashboardUid("service", environment, service.name)}`,
    };
    const slos = service.observability.metrics ? slosOf(service, sliSeries(service)) : [];
    for (const slo of slos) {
      const window = service.observability.slo?.window ?? "30d";
      const name = slo.kind === "availability" ? "availability" : "latency";
      const fast = burnRateAlerts(window)[0];
      grid.add(
        linked(
          stat(
            ids,
            `${name} (${window}) vs ${formatNumber(slo.objective)} %`,
            "percentunit",
            `1 - (${slo.ratio(window)})`,
            [
              [null, "red"],
              [slo.objective / 100, "green"],
            ],
          ),
          link,
        ),
      );
      grid.add(
        linked(
          stat(
            ids,
            `${name}: burn rate ${fast?.long ?? "1h"}`,
            "x",
            `${ratioRecord(slo.kind, fast?.long ?? "1h")}{${own}} / ${formatNumber(slo.budget)}`,
            [
              [null, "green"],
              [1, "orange"],
              [fast?.burnRate ?? 14.4, "red"],
            ],
          ),
          link,
        ),
      );
    }
    if (slos.length === 0 && service.observability.metrics) {
      const series = sliSeries(service);
      grid.add(
        linked(
          stat(ids, "requests/s", "reqps", `sum by (namespace, service) (rate(${series.requests}[5m]))`, [
            [null, "blue"],
          ]),
          link,
        ),
      );
      grid.add(
        linked(
          stat(ids, "error ratio (5m)", "percentunit", errorRatioExpr(series, "5m"), [[null, "green"]]),
          link,
        ),
      );
    }
    if (slos.length === 0 && !service.observability.metrics)
      grid.add(
        linked(
          stat(
            ids,
            "restarts (1h)",
            "short",
            `sum(increase(kube_pod_container_status_restarts_total{${matcher("namespace", service.namespace)},${podMatcher(service)}}[1h]))`,
            [
              [null, "green"],
              [1, "orange"],
            ],
          ),
          link,
        ),
      );
  }
  return withPanels(dashboard, grid);
}

/** Adds a description to a panel (after its position, where the SDK's builders put it). */
function described<T extends Panel>(panel: T, description: string): T {
  panel.description = description;
  return panel;
}

/** Adds a link to a panel. */
function linked<T extends Panel>(panel: T, link: { title: string; url: string }): T {
  panel.links = [dashboardLink(link.title, link.url)];
  return panel;
}

function withPanels(dashboard: GrafanaDashboard, grid: PanelGrid): GrafanaDashboard {
  if (grid.panels.length > 0) dashboard.panels = grid.panels;
  return dashboard;
}
