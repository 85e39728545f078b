import type { PortalModel } from "../collect.js";
import { type GraphEdge, type GraphNode, layoutGraph } from "../graph-layout.js";
import { type Content, html } from "../html.js";
import { relativeLink, servicePath } from "../site.js";

const PATH = "graph.html";
/** Team colours cycle through this many CSS classes (g0 … g7). */
const PALETTE = 8;

/** The call and dependency graph as an SVG laid out at build time; every service box links to its page. */
export function graphPage(model: PortalModel): { path: string; title: string; body: Content } {
  const teams = new Map(model.teams.map((t, i) => [t.name, i % PALETTE]));
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const known = new Set(model.services.map((s) => s.name));
  for (const service of model.services) {
    nodes.push({
      id: `s:${service.name}`,
      label: service.name,
      kind: "service",
      group: teams.get(service.team) ?? 0,
      href: relativeLink(PATH, servicePath(service.name)),
    });
    const resolved = [...service.byEnvironment.values()];
    for (const callee of new Set(resolved.flatMap((s) => s.calls)))
      if (known.has(callee)) edges.push({ from: `s:${service.name}`, to: `s:${callee}`, kind: "call" });
    const dependencies = new Map(
      resolved.flatMap((s) => s.dependencies.map((d) => [d.name, d.type] as const)),
    );
    for (const [name, type] of dependencies) {
      const id = `d:${service.name}:${name}`;
      nodes.push({ id, label: `${name} (${type})`, kind: "dependency", group: teams.get(service.team) ?? 0 });
      edges.push({ from: `s:${service.name}`, to: id, kind: "dependency" });
    }
  }
  const layout = layoutGraph(nodes, edges);
  const path = (points: { x: number; y: number }[]) =>
    points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(" ");
  const svgEdges = layout.edges.map(
    (e) => html`<path class="edge ${e.kind}" d="${path(e.points)}" marker-end="url(#arrow-${e.kind})"/>`,
  );
  const svgNodes = layout.nodes.map((n) => {
    const box = html`<rect x="${(n.x - n.width / 2).toFixed(1)}" y="${(n.y - n.height / 2).toFixed(1)}" width="${n.width}" height="${n.height}" rx="${n.kind === "service" ? 6 : 14}"/><text x="${n.x.toFixed(1)}" y="${(n.y + 4).toFixed(1)}">${n.label}</text>`;
    return n.href
      ? html`<a class="node service g${n.group}" href="${n.href}">${box}</a>`
      : html`<g class="node dependency g${n.group}">${box}</g>`;
  });
  const legend = model.teams.map(
    (t) => html`<li><span class="swatch g${teams.get(t.name) ?? 0}" aria-hidden="true"></span>${t.name}</li>`,
  );
  const callList = layout.edges.map((e) => {
    const from = e.from.slice(2);
    const to = e.to.startsWith("s:") ? e.to.slice(2) : e.to.split(":").slice(2).join(":");
    return html`<li><a href="${relativeLink(PATH, servicePath(from))}">${from}</a> ${e.kind === "call" ? "calls" : "uses"} ${e.to.startsWith("s:") ? html`<a href="${relativeLink(PATH, servicePath(to))}">${to}</a>` : to}</li>`;
  });
  const body = html`<div class="page-head"><h1>Service graph</h1>
<p class="lead">${model.services.length} services, ${layout.edges.filter((e) => e.kind === "call").length} calls and ${layout.edges.filter((e) => e.kind === "dependency").length} dependencies, across every environment. Select a service to open its page.</p>
<ul class="legend" aria-label="Teams">${legend}<li><span class="swatch line-call" aria-hidden="true"></span>calls</li><li><span class="swatch line-dependency" aria-hidden="true"></span>uses a dependency</li></ul></div>
<div class="graph-wrap" tabindex="0" role="region" aria-label="Service graph, scrollable">
<svg xmlns="http://www.w3.org/2000/svg" class="graph" viewBox="0 0 ${layout.width} ${layout.height}" width="${layout.width}" height="${layout.height}" aria-labelledby="graph-title">
<title id="graph-title">Calls between services and their dependencies</title>
<defs><marker id="arrow-call" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="arrow call"/></marker>
<marker id="arrow-dependency" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="arrow dependency"/></marker></defs>
${svgEdges}
${svgNodes}
</svg></div>
<details class="card"><summary>The graph as a list</summary><ul class="plain">${callList}</ul></details>`;
  return { path: PATH, title: "Service graph", body };
}
