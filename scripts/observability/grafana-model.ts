/**
 * The Grafana dashboard model (classic JSON, schemaVersion 42) as plain data:
 * the few kinds of object our dashboards use, with the keys, defaults and
 * key order that @grafana/grafana-foundation-sdk 0.0.21's builders gave them,
 * so the rendered bytes are the ones the builders produced
 * (test/golden-observability/ and the render goldens hold them). Built here
 * rather than with the SDK because loading the SDK (its stat, timeseries and
 * prometheus entry points pull in 223 modules, the v2 dashboard schemas
 * among them) cost every rendering thread about 300 ms of CPU, more than
 * cdk8s-plus-28 itself.
 */

/** Which datasource a panel or query reads. */
export interface DatasourceRef {
  type: string;
  uid: string;
}

/** A Prometheus query (the SDK's prometheus Dataquery without its marker method). */
export interface PrometheusQuery {
  expr: string;
  legendFormat: string;
  refId: string;
  datasource: DatasourceRef;
  range: boolean;
  instant: boolean;
}

export interface GridPos {
  h: number;
  w: number;
  x: number;
  y: number;
}

export interface ThresholdStep {
  value: number | null;
  color: string;
}

export interface DashboardLink {
  title: string;
  type: "link";
  icon: string;
  tooltip: string;
  tags: string[];
  asDropdown: boolean;
  placement: "inControlsMenu";
  targetBlank: boolean;
  includeVars: boolean;
  keepTime: boolean;
  url: string;
}

interface PanelBase {
  type: string;
  transparent: boolean;
  repeatDirection: "h";
  id: number;
  title: string;
  description?: string;
  datasource: DatasourceRef;
  targets: PrometheusQuery[];
  gridPos: GridPos;
  links?: DashboardLink[];
}

export interface StatPanel extends PanelBase {
  type: "stat";
  options: {
    graphMode: "none";
    colorMode: "value";
    justifyMode: "auto";
    textMode: "auto";
    wideLayout: boolean;
    showPercentChange: boolean;
    reduceOptions: { calcs: string[] };
    percentChangeColorMode: "standard";
    orientation: "auto";
  };
  fieldConfig: {
    defaults: { unit: string; decimals: number; thresholds: { mode: "absolute"; steps: ThresholdStep[] } };
    overrides: never[];
  };
}

export interface TimeseriesPanel extends PanelBase {
  type: "timeseries";
  options: {
    legend: { displayMode: "list"; placement: "bottom"; showLegend: boolean; calcs: string[] };
    tooltip: { mode: "single"; sort: "asc" };
  };
  fieldConfig: { defaults: { custom: Record<string, never>; unit: string; min: number }; overrides: never[] };
}

export interface RowPanel {
  type: "row";
  collapsed: boolean;
  id: number;
  panels: never[];
  title: string;
  gridPos?: { x: number; y: number; h: number; w: number };
}

export type Panel = StatPanel | TimeseriesPanel;

export interface DatasourceVariable {
  type: "datasource";
  name: string;
  skipUrlSync: boolean;
  multi: boolean;
  allowCustomValue: boolean;
  includeAll: boolean;
  auto: boolean;
  auto_min: string;
  auto_count: number;
  label: string;
  query: string;
}

/** A dashboard as Grafana's JSON model, ready for JSON.stringify. */
export interface GrafanaDashboard {
  timezone: string;
  editable: boolean;
  graphTooltip: 0;
  fiscalYearStartMonth: number;
  schemaVersion: number;
  templating: { list: DatasourceVariable[] };
  annotations: Record<string, never>;
  title: string;
  uid: string;
  tags: string[];
  refresh: string;
  time: { from: string; to: string };
  description?: string;
  panels?: Array<Panel | RowPanel>;
}

/** The schema version of the classic dashboard JSON (the SDK's defaultDashboard().schemaVersion). */
export const SCHEMA_VERSION = 42;

export function prometheusQuery(
  datasource: DatasourceRef,
  expr: string,
  legendFormat: string,
  refId: string,
  instant: boolean,
): PrometheusQuery {
  return instant
    ? { expr, legendFormat, refId, datasource, instant: true, range: false }
    : { expr, legendFormat, refId, datasource, range: true, instant: false };
}

export interface StatProps {
  id: number;
  title: string;
  datasource: DatasourceRef;
  unit: string;
  decimals: number;
  steps: ThresholdStep[];
  target: PrometheusQuery;
  height: number;
  width: number;
}

/** A stat panel reducing its one query to the last value, coloured by absolute thresholds, without a sparkline. */
export function statPanel(props: StatProps): StatPanel {
  return {
    type: "stat",
    transparent: false,
    repeatDirection: "h",
    options: {
      graphMode: "none",
      colorMode: "value",
      justifyMode: "auto",
      textMode: "auto",
      wideLayout: true,
      showPercentChange: false,
      reduceOptions: { calcs: ["lastNotNull"] },
      percentChangeColorMode: "standard",
      orientation: "auto",
    },
    id: props.id,
    title: props.title,
    datasource: props.datasource,
    fieldConfig: {
      defaults: {
        unit: props.unit,
        decimals: props.decimals,
        thresholds: { mode: "absolute", steps: props.steps },
      },
      overrides: [],
    },
    targets: [props.target],
    gridPos: { h: props.height, w: props.width, x: 0, y: 0 },
  };
}

export interface TimeseriesProps {
  id: number;
  title: string;
  description: string;
  datasource: DatasourceRef;
  unit: string;
  min: number;
  targets: PrometheusQuery[];
  height: number;
  width: number;
}

/** A time series panel with the SDK's default legend (a hidden list) and single-series tooltip. */
export function timeseriesPanel(props: TimeseriesProps): TimeseriesPanel {
  return {
    type: "timeseries",
    transparent: false,
    repeatDirection: "h",
    options: {
      legend: { displayMode: "list", placement: "bottom", showLegend: false, calcs: [] },
      tooltip: { mode: "single", sort: "asc" },
    },
    fieldConfig: { defaults: { custom: {}, unit: props.unit, min: props.min }, overrides: [] },
    id: props.id,
    title: props.title,
    description: props.description,
    datasource: props.datasource,
    targets: props.targets,
    gridPos: { h: props.height, w: props.width, x: 0, y: 0 },
  };
}

/** An expanded row header; the panels after it in the dashboard belong to it. */
export function rowPanel(id: number, title: string): RowPanel {
  return { type: "row", collapsed: false, id, panels: [], title };
}

/** A link to another page that keeps the viewer's time range. */
export function dashboardLink(title: string, url: string): DashboardLink {
  return {
    title,
    type: "link",
    icon: "",
    tooltip: "",
    tags: [],
    asDropdown: false,
    placement: "inControlsMenu",
    targetBlank: false,
    includeVars: false,
    keepTime: true,
    url,
  };
}

/** The variable that lets the viewer pick a datasource of one type. */
export function datasourceVariable(name: string, label: string, type: string): DatasourceVariable {
  return {
    type: "datasource",
    name,
    skipUrlSync: false,
    multi: false,
    allowCustomValue: true,
    includeAll: false,
    auto: false,
    auto_min: "10s",
    auto_count: 30,
    label,
    query: type,
  };
}

/**
 * Lays panels out on Grafana's 24-column grid in the order they are added,
 * left to right, wrapping when a line is full; a row header takes a line of
 * its own. The same placement as the SDK's DashboardBuilder (withPanel,
 * withRow) for panels added at x = y = 0.
 */
export class PanelGrid {
  readonly panels: Array<Panel | RowPanel> = [];
  private x = 0;
  private y = 0;
  private lineHeight = 0;

  add<T extends Panel>(panel: T): T {
    if (panel.gridPos.x === 0 && panel.gridPos.y === 0) {
      panel.gridPos.x = this.x;
      panel.gridPos.y = this.y;
    }
    this.panels.push(panel);
    this.x += panel.gridPos.w;
    this.lineHeight = Math.max(this.lineHeight, panel.gridPos.h);
    if (this.x >= 24) {
      this.x = 0;
      this.y += this.lineHeight;
      this.lineHeight = 0;
    }
    return panel;
  }

  addRow(row: RowPanel): void {
    row.gridPos = { x: 0, y: this.y + this.lineHeight, h: 1, w: 24 };
    this.panels.push(row);
    this.x = 0;
    this.y = row.gridPos.y + 1;
    this.lineHeight = 0;
  }
}
