import type { EnvironmentModel, ResolvedService } from "../../model/resolved.js";
import type { PortalModel } from "../collect.js";
import { imageVersion, replicasText, tierBadge } from "../format.js";
import { type Content, externalLink, html } from "../html.js";
import { environmentPath, relativeLink, servicePath, teamPath } from "../site.js";

/** An environment: cluster and GitOps controller, what runs there, and versions against the previous environment. */
export function environmentPage(
  model: PortalModel,
  environment: EnvironmentModel,
): { path: string; title: string; body: Content } {
  const path = environmentPath(environment.name);
  const to = (target: string) => relativeLink(path, target);
  const spec = environment.spec;
  const previous = spec.promotesFrom;
  const next = model.environments.filter((e) => e.spec.promotesFrom === environment.name).map((e) => e.name);
  const running = model.services.filter((s) => s.byEnvironment.has(environment.name));
  let drifted = 0;
  const rows = running.map((service) => {
    const here = service.byEnvironment.get(environment.name);
    const before = previous ? service.byEnvironment.get(previous) : undefined;
    const differs = here && before && here.image !== before.image;
    if (differs) drifted += 1;
    return html`<tr><th scope="row"><a href="${to(servicePath(service.name))}">${service.name}</a></th><td><a href="${to(teamPath(service.team))}">${service.team}</a></td><td>${tierBadge(service.tier)}</td>
<td><code>${here ? imageVersion(here.image) : ""}</code></td>${previous ? html`<td>${before ? html`<code>${imageVersion(before.image)}</code>` : html`<span class="muted">not in ${previous}</span>`}${differs ? html` <span class="badge waiting">differs</span>` : ""}</td>` : ""}<td>${here ? replicasText(here) : ""}</td><td>${here ? observedText(here) : ""}</td></tr>`;
  });
  const body = html`<div class="page-head"><p class="crumbs"><a href="${to("environments.html")}">Environments</a> / <span>${environment.name}</span></p>
<h1>Environment ${environment.name}</h1>
<p class="lead">${running.length} services${previous ? html`, ${drifted} running a different version than ${previous}` : ""}.</p></div>
<div class="grid"><section class="card" aria-labelledby="cluster"><h2 id="cluster">Cluster and GitOps</h2><dl class="pairs">
<dt>Cluster</dt><dd>${spec.cluster.name}${spec.cluster.server ? html` (${externalLink(spec.cluster.server)})` : ""}</dd>
<dt>GitOps controller</dt><dd>${spec.gitops.controller ?? "argocd"}${spec.gitops.namespace ? html` in <code>${spec.gitops.namespace}</code>` : ""}</dd>
<dt>Follows</dt><dd>${externalLink(spec.gitops.repoURL)} at <code>${spec.gitops.revision ?? "main"}</code></dd>
<dt>Namespaces</dt><dd><code>${spec.namespace}</code></dd>
<dt>Domain</dt><dd>${spec.domain}</dd>
</dl></section>
<section class="card" aria-labelledby="promotion"><h2 id="promotion">Promotion</h2><dl class="pairs">
<dt>Promotes from</dt><dd>${previous ? html`<a href="${to(environmentPath(previous))}">${previous}</a>` : "— (first environment)"}</dd>
<dt>Promotes to</dt><dd>${next.length > 0 ? next.map((n) => html`<a href="${to(environmentPath(n))}">${n}</a> `) : "— (last environment)"}</dd>
<dt>Registries</dt><dd>${spec.registries.map((r) => html`<code>${r}</code> `)}</dd>
${(spec.freeze ?? []).map((f) => html`<dt>Freeze</dt><dd>${f.from} to ${f.to}: ${f.reason}</dd>`)}
</dl></section></div>
<section aria-labelledby="running"><h2 id="running">What runs here</h2>
<div class="table-wrap"><table><thead><tr><th scope="col">Service</th><th scope="col">Team</th><th scope="col">Tier</th><th scope="col">Version</th>${previous ? html`<th scope="col">In ${previous}</th>` : ""}<th scope="col">Replicas</th><th scope="col">Observability</th></tr></thead>
<tbody>${rows}</tbody></table></div></section>`;
  return { path, title: `Environment ${environment.name}`, body };
}

/** Whether Prometheus scrapes the service here and whether it has objectives (the service page has the details). */
function observedText(service: ResolvedService): Content {
  const { metrics, slo } = service.observability;
  if (!metrics) return html`<span class="muted">not scraped</span>`;
  return slo ? "scraped, SLOs" : html`scraped, <span class="muted">no SLO</span>`;
}

/** Every environment in promotion order. */
export function environmentsIndexPage(model: PortalModel): { path: string; title: string; body: Content } {
  const path = "environments.html";
  const cards = model.environments.map((environment) => {
    const count = model.services.filter((s) => s.byEnvironment.has(environment.name)).length;
    return html`<li class="card"><h2><a href="${relativeLink(path, environmentPath(environment.name))}">${environment.name}</a></h2><p>${count} services on ${environment.spec.cluster.name}</p><p class="muted">${environment.spec.gitops.controller ?? "argocd"}${environment.spec.promotesFrom ? ` · promotes from ${environment.spec.promotesFrom}` : ""}</p></li>`;
  });
  return {
    path,
    title: "Environments",
    body: html`<div class="page-head"><h1>Environments</h1><p class="lead">In promotion order.</p></div><ul class="cards">${cards}</ul>`,
  };
}
