import type { PortalModel } from "../collect.js";
import { daysLeftText, severityBadge } from "../format.js";
import { type Content, html } from "../html.js";
import { relativeLink, servicePath } from "../site.js";

const PATH = "policies.html";

/** Every rule (from the Rego sources and their METADATA), where it reports today, and the exceptions in force. */
export function policiesPage(model: PortalModel): { path: string; title: string; body: Content } {
  const groups = new Map<string, typeof model.rules>();
  for (const rule of model.rules) {
    const list = groups.get(rule.group.file) ?? [];
    list.push(rule);
    groups.set(rule.group.file, list);
  }
  const sections = [...groups].map(([file, rules]) => {
    const group = rules[0]?.group;
    const rows = rules.map((rule) => {
      const reported = model.findings.filter((d) => d.code === `policy.${rule.id}`);
      const where = [...new Set(reported.map((d) => d.file))];
      return html`<tr id="${rule.id}"><th scope="row"><code>${rule.id}</code></th><td>${rule.description}</td><td>${rule.severities.length > 0 ? rule.severities.map((s) => severityBadge(s)) : "—"}</td><td>${where.length === 0 ? html`<span class="muted">nothing reported</span>` : html`${reported.length} finding${reported.length === 1 ? "" : "s"} in ${where.map((f) => html`<code>${f}</code> `)}`}</td></tr>`;
    });
    return html`<section aria-labelledby="g-${rules[0]?.id ?? "x"}"><h2 id="g-${rules[0]?.id ?? "x"}">${group?.title || file}</h2>
<p class="muted">${group?.description} <code>${file}</code></p>
<div class="table-wrap"><table><thead><tr><th scope="col">Rule</th><th scope="col">What it checks</th><th scope="col">Severity</th><th scope="col">Reported now</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
  });
  const exceptions = model.exceptions.map((e) => {
    const service = /^services\/([a-z0-9-]+)$/.exec(e.target)?.[1];
    const target = service
      ? html`<a href="${relativeLink(PATH, servicePath(service))}">${e.target}</a>`
      : html`<code>${e.target}</code>`;
    return html`<tr><th scope="row"><code>${e.rule}</code></th><td>${target}</td><td>${e.environments ? e.environments.join(", ") : "every environment"}</td><td class="desc">${e.reason}</td><td>${e.approvedBy}</td><td>${e.expires} <span class="badge warn">${daysLeftText(e.daysLeft)}</span></td></tr>`;
  });
  const body = html`<div class="page-head"><h1>Policies</h1>
<p class="lead">${model.rules.length} rules in policies/platform, evaluated on every change by <code>idp validate</code> and <code>idp plan</code>.</p></div>
${sections}
<section aria-labelledby="exceptions"><h2 id="exceptions">Exceptions in force</h2>
${exceptions.length === 0 ? html`<p class="muted">None: every rule applies everywhere (policies/exceptions.yaml is empty).</p>` : html`<div class="table-wrap"><table><thead><tr><th scope="col">Rule</th><th scope="col">Target</th><th scope="col">Environments</th><th scope="col">Reason</th><th scope="col">Approved by</th><th scope="col">Expires</th></tr></thead><tbody>${exceptions}</tbody></table></div>`}
</section>`;
  return { path: PATH, title: "Policies", body };
}
