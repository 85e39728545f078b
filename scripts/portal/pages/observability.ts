import { monitoringEnabled } from "../../model/observability.js";
import type { EnvironmentModel, ResolvedService } from "../../model/resolved.js";
import { serviceDashboard } from "../../observability/dashboards.js";
import { formatNumber } from "../../observability/promql.js";
import { prometheusRuleGroups } from "../../observability/rules.js";
import { DASHBOARD_SUFFIX } from "../../render/service/service-chart.js";
import type { PortalModel, PortalService } from "../collect.js";
import { type Content, externalLink, html, join } from "../html.js";

/** An alert the service's PrometheusRule holds, with every severity it fires at. */
export interface ServiceAlert {
  name: string;
  severities: string[];
}

/**
 * The alerts of a service in one environment, read from the rule generator
 * itself (the same groups `idp render` writes), so the page never lists an
 * alert the cluster does not have.
 */
export function serviceAlerts(service: ResolvedService): ServiceAlert[] {
  const byName = new Map<string, Set<string>>();
  for (const group of prometheusRuleGroups(service))
    for (const rule of group.rules ?? []) {
      if (!rule.alert) continue;
      const severities = byName.get(rule.alert) ?? new Set<string>();
      if (rule.labels?.severity) severities.add(rule.labels.severity);
      byName.set(rule.alert, severities);
    }
  return [...byName].map(([name, severities]) => ({ name, severities: [...severities].sort() }));
}

/**
 * The address of a dashboard in the environment's Grafana
 * (observability.grafana.url), or undefined without one. The schema admits
 * only https without a query, fragment or user name; the page checks again
 * rather than trust that it ran: anything else gives no link.
 */
export function grafanaDashboardUrl(environment: EnvironmentModel, uid: string): string | undefined {
  const base = environment.spec.observability?.grafana?.url;
  if (base === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" || url.search || url.hash || url.username || url.password) return undefined;
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/d/${encodeURIComponent(uid)}`;
  return url.href;
}

/**
 * Per environment: what Prometheus scrapes, the objectives, the alerts, the
 * runbook and the Grafana dashboard, linked in the environment's Grafana
 * when it names one (observability.grafana.url), else named by uid and ConfigMap.
 */
export function observabilitySection(model: PortalModel, service: PortalService): Content {
  const rows = model.environments.flatMap((environment) => {
    const s = service.byEnvironment.get(environment.name);
    if (!s) return [];
    // Nothing of monitoring is rendered there: no alert or dashboard to list.
    if (!monitoringEnabled(environment))
      return [
        html`<tr><th scope="row">${environment.name}</th><td colspan="5"><span class="muted">no monitoring in this environment (observability.enabled: false)</span></td></tr>`,
      ];
    const { metrics, slo, runbook } = s.observability;
    const dashboard = serviceDashboard(s);
    const alerts = serviceAlerts(s);
    return [
      html`<tr><th scope="row">${environment.name}</th>
<td>${metrics ? html`port <code>${metrics.port}</code>, <code>${metrics.path}</code> every ${metrics.interval}` : html`<span class="muted">not scraped</span>`}</td>
<td>${sloText(slo)}</td>
<td>${alerts.length > 0 ? html`<ul class="plain">${alerts.map((a) => html`<li><code>${a.name}</code> <span class="muted">(${a.severities.join(", ")})</span></li>`)}</ul>` : "—"}</td>
<td>${runbook ? externalLink(runbook) : html`<span class="muted">none</span>`}</td>
<td>${dashboardTitle(environment, dashboard)}<br><span class="muted">uid <code>${dashboard.uid ?? ""}</code>, ConfigMap <code>${s.namespace}/${s.name}-${DASHBOARD_SUFFIX}</code></span></td></tr>`,
    ];
  });
  if (rows.length === 0) return "";
  return html`<section aria-labelledby="observability"><h2 id="observability">Observability</h2>
<p class="muted">Scraping, objectives and alerts as <code>idp render</code> writes them (ServiceMonitor or PodMonitor, PrometheusRule, Grafana dashboard ConfigMap).</p>
<div class="table-wrap"><table><thead><tr><th scope="col">Environment</th><th scope="col">Metrics</th><th scope="col">Objectives</th><th scope="col">Alerts</th><th scope="col">Runbook</th><th scope="col">Dashboard</th></tr></thead>
<tbody>${rows}</tbody></table></div></section>`;
}

/** The dashboard's title, a link into the environment's Grafana when it has one. */
function dashboardTitle(environment: EnvironmentModel, dashboard: { title?: string; uid?: string }): Content {
  const title = dashboard.title ?? "";
  const url = dashboard.uid === undefined ? undefined : grafanaDashboardUrl(environment, dashboard.uid);
  return url ? externalLink(url, `${title} in Grafana`) : title;
}

function sloText(slo: ResolvedService["observability"]["slo"]): Content {
  if (!slo) return html`<span class="muted">none</span>`;
  const parts: Content[] = [];
  if (slo.availability !== undefined) parts.push(`${formatNumber(slo.availability)} % available`);
  if (slo.latency)
    parts.push(`${formatNumber(slo.latency.objective)} % under ${formatNumber(slo.latency.threshold)} s`);
  return html`${join(parts, html`<br>`)}<br><span class="muted">over ${slo.window}</span>`;
}
