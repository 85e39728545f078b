import { formatRange, formatUsd } from "../../cost/cost.js";
import { podRequests } from "../../model/pod-requests.js";
import { parseQuantity } from "../../model/quantity.js";
import type { TeamModel } from "../../model/resolved.js";
import { LEVELS } from "../../scorecard/checks.js";
import { summarizeTeams } from "../../scorecard/scorecard.js";
import { type PortalModel, productionLevel } from "../collect.js";
import { cpuText, levelBadge, memoryText, podRange, tierBadge } from "../format.js";
import { type Content, externalLink, html, join } from "../html.js";
import { environmentPath, relativeLink, servicePath, teamPath } from "../site.js";

const EMAIL = /^[^\s@<>"']+@[^\s@<>"']+$/;

/** Members, GitHub team and contact of a team (also on each service page). */
export function contactList(team: TeamModel): Content {
  const { contact, members, github } = team.spec;
  const email = contact.email && EMAIL.test(contact.email) ? contact.email : undefined;
  return html`<dl class="pairs">
<dt>Team</dt><dd>${team.name} (${externalLink(`https://github.com/${github.split("/").map(encodeURIComponent).join("/")}`, github)} on GitHub)</dd>
<dt>Members</dt><dd>${join(members.map((m) => externalLink(`https://github.com/${encodeURIComponent(m)}`, m)))}</dd>
${contact.slack ? html`<dt>Slack</dt><dd>${contact.slack}</dd>` : ""}
${contact.email ? html`<dt>Email</dt><dd>${email ? html`<a href="mailto:${email}">${email}</a>` : contact.email}</dd>` : ""}
</dl>`;
}

/** A team's page: contact, services, and what its services request against the quota of each environment. */
export function teamPage(
  model: PortalModel,
  team: TeamModel,
): { path: string; title: string; body: Content } {
  const path = teamPath(team.name);
  const to = (target: string) => relativeLink(path, target);
  const services = model.services.filter((s) => s.team === team.name);
  const levelOf = (s: (typeof services)[number]) => {
    const level = productionLevel(model, s);
    return level === undefined ? "—" : levelBadge(level);
  };
  const rows = services.map(
    (s) =>
      html`<tr><th scope="row"><a href="${to(servicePath(s.name))}">${s.name}</a></th><td>${tierBadge(s.tier)}</td><td>${levelOf(s)}</td><td>${s.type}</td><td class="desc">${s.description}</td></tr>`,
  );
  const body = html`<div class="page-head"><p class="crumbs"><a href="${to("teams.html")}">Teams</a> / <span>${team.name}</span></p>
<h1>Team ${team.name}</h1><p class="lead">${services.length} services.</p></div>
<div class="grid"><section class="card" aria-labelledby="contact"><h2 id="contact">Members and contact</h2>${contactList(team)}</section>
<section class="card" aria-labelledby="domains"><h2 id="domains">Domains</h2>${(team.spec.domains ?? []).length > 0 ? html`<ul class="chips">${(team.spec.domains ?? []).map((d) => html`<li>${d}</li>`)}</ul>` : html`<p class="muted">Only each environment's own domain.</p>`}</section></div>
<section aria-labelledby="services"><h2 id="services">Services</h2>
${rows.length > 0 ? html`<div class="table-wrap"><table><thead><tr><th scope="col">Service</th><th scope="col">Tier</th><th scope="col">Readiness</th><th scope="col">Type</th><th scope="col">Description</th></tr></thead><tbody>${rows}</tbody></table></div>` : html`<p class="muted">No services yet.</p>`}
</section>
${readiness(model, team.name)}
${cost(model, team.name)}
${quota(model, team.name, to)}`;
  return { path, title: `Team ${team.name}`, body };
}

/** Requests × pods (autoscale at its minimum and maximum) against the namespace quota, per environment. */
function quota(model: PortalModel, team: string, to: (target: string) => string): Content {
  const rows = model.environments.map((environment) => {
    const running = model.services.flatMap((s) => {
      const resolved = s.team === team ? s.byEnvironment.get(environment.name) : undefined;
      return resolved ? [resolved] : [];
    });
    let cpu = 0;
    let memory = 0;
    let pods = 0;
    let cpuMax = 0;
    let memoryMax = 0;
    let podsMax = 0;
    for (const s of running) {
      const pod = podRequests(s);
      const range = podRange(s);
      cpu += pod.cpu * range.min;
      memory += pod.memory * range.min;
      pods += range.min;
      cpuMax += pod.cpu * range.max;
      memoryMax += pod.memory * range.max;
      podsMax += range.max;
    }
    const limit = environment.spec.quota;
    const cell = (used: number, most: number, text: (n: number) => string, of: number | undefined) => {
      const share = of ? Math.round((most / of) * 100) : undefined;
      const over = of !== undefined && most > of;
      return html`<td${over ? html` class="over"` : ""}>${text(used)}${most !== used ? html`–${text(most)}` : ""} <span class="muted">of ${of === undefined ? "no quota" : text(of)}${share === undefined ? "" : ` (${share} %)`}</span>${of ? meter(most, of) : ""}</td>`;
    };
    return html`<tr><th scope="row"><a href="${to(environmentPath(environment.name))}">${environment.name}</a></th>
${cell(cpu, cpuMax, cpuText, limit?.cpu === undefined ? undefined : parseQuantity(limit.cpu))}
${cell(memory, memoryMax, memoryText, limit?.memory === undefined ? undefined : parseQuantity(limit.memory))}
${cell(pods, podsMax, String, limit?.pods)}</tr>`;
  });
  return html`<section aria-labelledby="quota"><h2 id="quota">Requests against quota</h2>
<p class="muted">What the team's services request (per pod × pods, autoscale from its minimum to its maximum) in its namespace.</p>
<div class="table-wrap"><table><thead><tr><th scope="col">Environment</th><th scope="col">CPU</th><th scope="col">Memory</th><th scope="col">Pods</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

/** A bar for a share; `<meter>` carries the numbers for assistive technology. */
function meter(value: number, max: number): Content {
  return html` <meter min="0" max="${max}" low="${max * 0.8}" high="${max * 0.95}" optimum="0" value="${Math.min(value, max)}" aria-hidden="true"></meter>`;
}

/** Every team, with its services and contact. */
export function teamsIndexPage(model: PortalModel): { path: string; title: string; body: Content } {
  const path = "teams.html";
  const cards = model.teams.map((team) => {
    const count = model.services.filter((s) => s.team === team.name).length;
    return html`<li class="card"><h2><a href="${relativeLink(path, teamPath(team.name))}">${team.name}</a></h2><p>${count} services · ${team.spec.members.length} members</p>${team.spec.contact.slack ? html`<p class="muted">${team.spec.contact.slack}</p>` : ""}</li>`;
  });
  return {
    path,
    title: "Teams",
    body: html`<div class="page-head"><h1>Teams</h1></div><ul class="cards">${cards}</ul>`,
  };
}

/** How many of the team's (service, environment) scorecards are at each level (`idp scorecard`'s team summary). */
function readiness(model: PortalModel, team: string): Content {
  const cards = [...model.scorecards.values()].flatMap((byEnvironment) => [...byEnvironment.values()]);
  const summary = summarizeTeams(cards, [team])[0];
  if (!summary || summary.services === 0) return "";
  const levels = [...[...LEVELS].reverse(), "none"] as const;
  return html`<section aria-labelledby="readiness"><h2 id="readiness">Readiness</h2>
<p class="muted">Scorecards of the team's ${summary.services} services, one per service and environment.</p>
<div class="table-wrap"><table><thead><tr>${levels.map((l) => html`<th scope="col">${l === "none" ? "No level" : levelBadge(l)}</th>`)}</tr></thead>
<tbody><tr>${levels.map((l) => html`<td>${summary.levels[l]}</td>`)}</tr></tbody></table></div></section>`;
}

/** The team's monthly cost in each environment and in total, against its budget. */
function cost(model: PortalModel, team: string): Content {
  const own = model.costs.teams.find((t) => t.team === team);
  if (!own) return "";
  const share = own.budget > 0 ? Math.round((own.monthly.max / own.budget) * 100) : undefined;
  const rows = own.environments.map(
    (e) =>
      html`<tr><th scope="row">${e.environment}</th><td>${e.services}</td><td>${formatRange(e.monthly)}</td></tr>`,
  );
  return html`<section aria-labelledby="cost"><h2 id="cost">Cost against budget</h2>
<p><strong>${formatRange(own.monthly)}</strong> a month of a ${formatUsd(own.budget)} budget${share === undefined ? "" : ` (${share} % at the largest scale)`}${own.budget > 0 ? meter(own.monthly.max, own.budget) : ""}</p>
<div class="table-wrap"><table><thead><tr><th scope="col">Environment</th><th scope="col">Services</th><th scope="col">Monthly cost</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}
