import type { ObservedService } from "./model.js";

/** A Grafana dashboard as the JSON Grafana imports. */
export type DashboardJson = Record<string, unknown>;

/**
 * SEAM, replaced by the observability-rules branch on merge (which builds
 * the dashboards with @grafana/grafana-foundation-sdk): a service's
 * dashboard. This stand-in has a title, a uid and tags only.
 */
export function serviceDashboard(service: ObservedService): DashboardJson {
  return {
    uid: `${service.environment}-${service.name}`.slice(0, 40),
    title: `${service.name} (${service.environment})`,
    tags: ["idp", `team:${service.team}`, `environment:${service.environment}`],
    panels: [],
    schemaVersion: 41,
  };
}

/** SEAM (see serviceDashboard): the overview dashboard of a team's services in one environment. */
export function teamDashboard(team: string, services: readonly ObservedService[]): DashboardJson {
  const environment = services[0]?.environment ?? "";
  return {
    uid: `${environment}-team-${team}`.slice(0, 40),
    title: `Team ${team} (${environment})`,
    tags: ["idp", `team:${team}`, `environment:${environment}`],
    panels: [],
    schemaVersion: 41,
  };
}
