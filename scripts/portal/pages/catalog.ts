import { LEVELS } from "../../scorecard/checks.js";
import { type PortalModel, type PortalService, productionLevel } from "../collect.js";
import { imageVersion, levelBadge, tierBadge } from "../format.js";
import { type Content, html } from "../html.js";
import { environmentPath, relativeLink, servicePath, teamPath } from "../site.js";

const PATH = "index.html";

/**
 * The catalog: every service with team, tier, type, description and the
 * version in each environment, rendered as rows (readable without script)
 * that assets/portal.js filters in place by search text, team, tier and environment.
 */
export function catalogPage(model: PortalModel): { path: string; title: string; body: Content } {
  const to = (target: string) => relativeLink(PATH, target);
  const environments = model.environments.map((e) => e.name);
  const options = (values: readonly string[]) => values.map((v) => html`<option value="${v}">${v}</option>`);
  const tiers = [...new Set(model.services.map((s) => s.tier))].sort();
  const row = (service: PortalService) => {
    const running = environments.filter((e) => service.byEnvironment.has(e));
    const level = productionLevel(model, service);
    return html`<tr data-team="${service.team}" data-tier="${service.tier}" data-env="${running.join(" ")}" data-level="${level ?? "none"}">
<th scope="row"><a href="${to(servicePath(service.name))}">${service.name}</a></th>
<td><a href="${to(teamPath(service.team))}">${service.team}</a></td><td>${tierBadge(service.tier)}</td><td>${level === undefined ? "—" : levelBadge(level)}</td><td>${service.type}</td>
<td class="desc">${service.description}</td>${environments.map((e) => {
      const resolved = service.byEnvironment.get(e);
      return resolved
        ? html`<td class="ver" data-env="${e}"><code>${imageVersion(resolved.image)}</code></td>`
        : html`<td class="ver off">—</td>`;
    })}</tr>`;
  };
  const body = html`<div class="page-head"><h1>Service catalog</h1>
<p class="lead">${model.services.length} services owned by ${model.teams.length} teams, running in ${environments.length} environments.</p></div>
<form class="filters" role="search" aria-label="Filter services" id="catalog-filters">
<div class="field grow"><label for="q">Search</label><input id="q" name="q" type="search" placeholder="Name, team or description" autocomplete="off"></div>
<div class="field"><label for="f-team">Team</label><select id="f-team" name="team"><option value="">All teams</option>${options(model.teams.map((t) => t.name))}</select></div>
<div class="field"><label for="f-tier">Tier</label><select id="f-tier" name="tier"><option value="">All tiers</option>${options(tiers)}</select></div>
<div class="field"><label for="f-level">Readiness</label><select id="f-level" name="level"><option value="">Any level</option>${options([...LEVELS])}<option value="none">below bronze</option></select></div>
<div class="field"><label for="f-env">Runs in</label><select id="f-env" name="env"><option value="">Any environment</option>${options(environments)}</select></div>
</form>
<p id="catalog-count" class="count" role="status" aria-live="polite">${model.services.length} of ${model.services.length} services</p>
<div class="table-wrap"><table class="catalog" id="catalog">
<caption class="visually-hidden">Services, with the image version running in each environment</caption>
<thead><tr><th scope="col">Service</th><th scope="col">Team</th><th scope="col">Tier</th><th scope="col">Readiness</th><th scope="col">Type</th><th scope="col">Description</th>${environments.map((e) => html`<th scope="col" class="ver"><a href="${to(environmentPath(e))}">${e}</a></th>`)}</tr></thead>
<tbody>
${model.services.map(row)}
</tbody></table></div>
<p id="catalog-empty" class="empty" hidden>No service matches these filters.</p>`;
  return { path: PATH, title: "Service catalog", body };
}
