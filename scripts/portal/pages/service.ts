import { formatRange } from "../../cost/cost.js";
import { parseQuantity } from "../../model/quantity.js";
import type { DependencyClass } from "../../model/types.generated.js";
import { manifestPath, type PortalModel, type PortalService, type ServiceManifests } from "../collect.js";
import {
  cpuText,
  daysLeftText,
  imageVersion,
  levelBadge,
  memoryText,
  replicasText,
  severityBadge,
  tierBadge,
} from "../format.js";
import { type Content, codeBlock, externalLink, type HtmlParts, html, join } from "../html.js";
import { commitUrl, editUrl, pullRequestUrl, sourceUrl } from "../repository-links.js";
import { environmentPath, relativeLink, servicePath, teamPath } from "../site.js";
import { observabilitySection } from "./observability.js";
import { contactList } from "./team.js";

/** One service's page: owners, links, promotion, readiness, observability, runtime, dependencies, calls, findings, history. */
export function servicePage(
  model: PortalModel,
  service: PortalService,
  committed: ServiceManifests,
): { path: string; title: string; body: Content; tail: HtmlParts } {
  const path = servicePath(service.name);
  const to = (target: string) => relativeLink(path, target);
  const team = model.teams.find((t) => t.name === service.team);
  const present = model.environments.filter((e) => service.byEnvironment.has(e.name));
  const body = html`<div class="page-head">
<p class="crumbs"><a href="${to("index.html")}">Catalog</a> / <span>${service.name}</span></p>
<h1>${service.name} ${tierBadge(service.tier)}</h1>
<p class="lead">${service.description}</p>
<ul class="facts">
<li><span>Team</span> <a href="${to(teamPath(service.team))}">${service.team}</a></li>
<li><span>Type</span> ${service.type}</li>
<li><span>Runs in</span> ${present.length > 0 ? join(present.map((e) => html`<a href="${to(environmentPath(e.name))}">${e.name}</a>`)) : "no environment"}</li>
</ul>
</div>
<div class="grid">
<section class="card" aria-labelledby="owners"><h2 id="owners">Owners and contact</h2>
${team ? contactList(team) : html`<p>No team file for ${service.team}.</p>`}
</section>
<section class="card" aria-labelledby="links"><h2 id="links">Links</h2>${links(model, service)}</section>
</div>
${promotion(model, service)}
${readiness(model, service)}
${observabilitySection(model, service)}
${runtime(model, service)}
${dependencies(model, service)}
${secrets(model, service)}
${calls(service, to)}
${findings(model, service)}
${changes(model, service)}
`;
  return { path, title: service.name, body, tail: manifests(service, committed) };
}

function links(model: PortalModel, service: PortalService): Content {
  const repo = model.links;
  if (!repo) return html`<p>Source: <code>${service.file}</code> (no http(s) GitOps repoURL to link to).</p>`;
  return html`<ul class="plain">
<li>${externalLink(sourceUrl(repo, service.file), html`Source: <code>${service.file}</code>`)}</li>
<li>${externalLink(editUrl(repo, service.file), "Edit on GitHub (opens a pull request)")}</li>
${[...service.byEnvironment.keys()].map((env) => html`<li>${externalLink(sourceUrl(repo, manifestPath(env, service.name)), `Rendered manifests in ${env}`)}</li>`)}
</ul>`;
}

/** Image per environment, and what the previous environment runs that this one does not yet. */
function promotion(model: PortalModel, service: PortalService): Content {
  const rows = model.environments.map((environment) => {
    const here = service.byEnvironment.get(environment.name);
    const from = environment.spec.promotesFrom;
    const previous = from ? service.byEnvironment.get(from) : undefined;
    let status: Content = from ? "" : "first environment";
    if (!here) status = "not enabled";
    else if (previous && previous.image !== here.image)
      status = html`<span class="badge waiting">waiting</span> ${from} runs <code>${imageVersion(previous.image)}</code>`;
    else if (previous) status = html`<span class="badge same">up to date</span> with ${from}`;
    return html`<tr><th scope="row">${environment.name}</th><td>${here ? html`<code class="wrap">${here.image}</code>` : "—"}</td><td>${here ? html`<code>${imageVersion(here.image)}</code>` : "—"}</td><td>${status}</td></tr>`;
  });
  return html`<section aria-labelledby="promotion"><h2 id="promotion">Promotion</h2>
<div class="table-wrap"><table><thead><tr><th scope="col">Environment</th><th scope="col">Image</th><th scope="col">Version</th><th scope="col">Promotion</th></tr></thead>
<tbody>${rows}</tbody></table></div></section>`;
}

function runtime(model: PortalModel, service: PortalService): Content {
  const rows = model.environments.flatMap((environment) => {
    const s = service.byEnvironment.get(environment.name);
    if (!s) return [];
    const route = s.route
      ? externalLink(`https://${s.route.host}${s.route.path}`, `${s.route.host}${s.route.path}`)
      : "—";
    const cpu = parseQuantity(s.resources.cpu);
    const memory = parseQuantity(s.resources.memory);
    return [
      html`<tr><th scope="row">${environment.name}</th><td>${replicasText(s)}</td>
<td>${cpu === undefined ? s.resources.cpu : cpuText(cpu)} / ${s.resources.limits.cpu ?? "no limit"}</td>
<td>${memory === undefined ? s.resources.memory : memoryText(memory)} / ${s.resources.limits.memory}</td>
<td>${route}${s.expose ? html` <span class="badge warn">LoadBalancer</span>` : ""}</td><td><code>${s.namespace}</code></td></tr>`,
    ];
  });
  return html`<section aria-labelledby="runtime"><h2 id="runtime">Replicas, resources and routes</h2>
<div class="table-wrap"><table><thead><tr><th scope="col">Environment</th><th scope="col">Replicas</th><th scope="col">CPU request / limit</th><th scope="col">Memory request / limit</th><th scope="col">Route</th><th scope="col">Namespace</th></tr></thead>
<tbody>${rows}</tbody></table></div></section>`;
}

/** A dependency class in a few words: the claim's kind and its parameters. */
function classText(dependency: { size: string; class: DependencyClass }): Content {
  const chosen = dependency.class;
  if ("volume" in chosen)
    return html`<strong>${dependency.size}</strong> volume <span class="muted">(${chosen.volume.storageClassName}, ${String(chosen.volume.size)})</span>`;
  const claim = chosen.claim as { kind?: string; spec?: { parameters?: Record<string, unknown> } };
  const parameters = Object.entries(claim.spec?.parameters ?? {}).map(
    ([k, v]) => `${k}: ${JSON.stringify(v)}`,
  );
  return html`<strong>${dependency.size}</strong> ${claim.kind ?? ""}${parameters.length > 0 ? html` <span class="muted">(${parameters.join(", ")})</span>` : ""}`;
}

function dependencies(model: PortalModel, service: PortalService): Content {
  const names = [
    ...new Set([...service.byEnvironment.values()].flatMap((s) => s.dependencies.map((d) => d.name))),
  ].sort();
  if (names.length === 0) return "";
  const present = model.environments.filter((e) => service.byEnvironment.has(e.name));
  const rows = names.map((name) => {
    const type = [...service.byEnvironment.values()]
      .flatMap((s) => s.dependencies)
      .find((d) => d.name === name)?.type;
    return html`<tr><th scope="row">${name}</th><td>${type}</td>${present.map((e) => {
      const dependency = service.byEnvironment.get(e.name)?.dependencies.find((d) => d.name === name);
      return html`<td>${dependency ? classText(dependency) : "—"}</td>`;
    })}</tr>`;
  });
  return html`<section aria-labelledby="dependencies"><h2 id="dependencies">Dependencies</h2>
<div class="table-wrap"><table><thead><tr><th scope="col">Name</th><th scope="col">Type</th>${present.map((e) => html`<th scope="col">Class in ${e.name}</th>`)}</tr></thead>
<tbody>${rows}</tbody></table></div></section>`;
}

/** Secret references: the variable and where the value lives, never a value. */
function secrets(model: PortalModel, service: PortalService): Content {
  const byVariable = new Map<string, Set<string>>();
  for (const s of service.byEnvironment.values())
    for (const [variable, reference] of Object.entries(s.secrets)) {
      const set = byVariable.get(variable) ?? new Set();
      set.add(reference);
      byVariable.set(variable, set);
    }
  if (byVariable.size === 0) return "";
  const rows = [...byVariable]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(
      ([variable, references]) =>
        html`<tr><th scope="row"><code>${variable}</code></th><td>${join([...references].map((r) => html`<code>${r}</code>`))}</td></tr>`,
    );
  return html`<section aria-labelledby="secrets"><h2 id="secrets">Secret references</h2>
<p class="muted">Names and store paths only: values live in ${model.environments[0]?.spec.secretStore?.name ?? "the secret store"} and never in the repository.</p>
<div class="table-wrap"><table><thead><tr><th scope="col">Variable</th><th scope="col">Reference (path#key)</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

function calls(service: PortalService, to: (target: string) => string): Content {
  const out = [...new Set([...service.byEnvironment.values()].flatMap((s) => s.calls))].sort();
  const incoming = service.calledBy;
  const list = (names: string[]) =>
    names.length === 0
      ? html`<p class="muted">None.</p>`
      : html`<ul class="chips">${names.map((n) => html`<li><a href="${to(servicePath(n))}">${n}</a></li>`)}</ul>`;
  return html`<div class="grid"><section class="card" aria-labelledby="calls-out"><h2 id="calls-out">Calls</h2>${list(out)}</section>
<section class="card" aria-labelledby="calls-in"><h2 id="calls-in">Called by</h2>${list(incoming)}</section></div>`;
}

function findings(model: PortalModel, service: PortalService): Content {
  const own = service.findings;
  const target = `services/${service.name}`;
  const waivers = model.exceptions.filter((e) => e.target === target || e.target === service.file);
  const items = own.map(
    (d) =>
      html`<li>${severityBadge(d.severity)} <code>${d.code.replace(/^policy\./, "")}</code> ${d.message} <span class="muted">(line ${d.line})</span></li>`,
  );
  const exceptions = waivers.map(
    (e) =>
      html`<li><code>${e.rule}</code> waived ${e.environments ? html`in ${e.environments.join(", ")}` : "everywhere"} until ${e.expires} <span class="badge warn">${daysLeftText(e.daysLeft)}</span>: ${e.reason} <span class="muted">(approved by ${e.approvedBy})</span></li>`,
  );
  return html`<section aria-labelledby="findings"><h2 id="findings">Policy findings and exceptions</h2>
${items.length > 0 ? html`<ul class="findings">${items}</ul>` : html`<p><span class="badge same">pass</span> No policy finding in any environment.</p>`}
${exceptions.length > 0 ? html`<h3>Exceptions in force</h3><ul class="findings">${exceptions}</ul>` : ""}
</section>`;
}

function changes(model: PortalModel, service: PortalService): Content {
  if (!model.history)
    return html`<section aria-labelledby="changes"><h2 id="changes">Last changes</h2><p class="muted">Built outside a git repository: no history.</p></section>`;
  const list = model.history.get(service.name) ?? [];
  const repo = model.links;
  const rows = list.map((c) => {
    const pr = c.pr === null ? "" : repo ? externalLink(pullRequestUrl(repo, c.pr), `#${c.pr}`) : `#${c.pr}`;
    const sha = repo ? externalLink(commitUrl(repo, c.sha), c.sha.slice(0, 7)) : c.sha.slice(0, 7);
    return html`<tr><td>${c.date}</td><td>${c.author}</td><td>${pr}</td><td><code>${sha}</code></td><td>${c.environments.join(", ")}</td><td class="desc">${c.what}<br><span class="muted">${c.subject}</span></td></tr>`;
  });
  return html`<section aria-labelledby="changes"><h2 id="changes">Last changes</h2>
${rows.length === 0 ? html`<p class="muted">No change recorded in the history.</p>` : html`<div class="table-wrap"><table><thead><tr><th scope="col">Date</th><th scope="col">Author</th><th scope="col">Pull request</th><th scope="col">Commit</th><th scope="col">Environments</th><th scope="col">Change</th></tr></thead><tbody>${rows}</tbody></table></div>`}
</section>`;
}

/**
 * The rendered manifests, last on the page and as bytes: at 1,000 services
 * they are most of the site, and read, escaped and written as bytes they are
 * never decoded and encoded again (codeBlock).
 */
function manifests(service: PortalService, committed: ServiceManifests): HtmlParts {
  const blocks = [...service.byEnvironment.keys()].flatMap((env) => {
    const bytes = committed.get(env);
    return [
      html`<details><summary>${env}: <code>${manifestPath(env, service.name)}</code></summary>`,
      ...(bytes === undefined
        ? [html`<p class="muted">Not rendered yet: run idp render.</p>`]
        : codeBlock(bytes)),
      html`</details>`,
    ];
  });
  return [
    html`<section aria-labelledby="manifests"><h2 id="manifests">Rendered manifests</h2>`,
    ...blocks,
    html`</section>`,
  ];
}

/** The scorecard in each environment (what is missing for the next level) and the monthly cost there. */
function readiness(model: PortalModel, service: PortalService): Content {
  const cards = model.scorecards.get(service.name);
  const rows = model.environments.flatMap((environment) => {
    const card = cards?.get(environment.name);
    if (!card) return [];
    const cost = service.costs.find((c) => c.environment === environment.name);
    const missing = card.checks.filter((c) => card.missing.includes(c.id));
    return [
      html`<tr><th scope="row">${environment.name}</th><td>${levelBadge(card.level)}</td>
<td>${card.next === null ? html`<span class="muted">top level</span>` : missing.length === 0 ? "" : html`for ${card.next}: <ul class="plain">${missing.map((c) => html`<li>${c.title} <span class="muted">(${c.detail})</span></li>`)}</ul>`}</td>
<td>${cost ? (cost.priced ? formatRange(cost.monthly) : html`<span class="muted">no price table</span>`) : "—"}</td></tr>`,
    ];
  });
  if (rows.length === 0) return "";
  return html`<section aria-labelledby="readiness"><h2 id="readiness">Readiness and cost</h2>
<p class="muted">Scorecard levels from <code>idp scorecard</code>; monthly cost from <code>idp cost</code> (requests × pods, autoscale from its minimum to its maximum, plus dependencies).</p>
<div class="table-wrap"><table><thead><tr><th scope="col">Environment</th><th scope="col">Level</th><th scope="col">Missing for the next level</th><th scope="col">Monthly cost</th></tr></thead>
<tbody>${rows}</tbody></table></div></section>`;
}
