import { ToolError } from "../../errors.js";
import type { PortalModel, PortalService } from "../collect.js";
import type { Graph, GraphEdge, GraphLayout, GraphNode } from "../graph-layout.js";
import { type Content, html } from "../html.js";
import { relativeLink, servicePath } from "../site.js";

const PATH = "graph.html";
/** Team colours cycle through this many CSS classes (g0 … g7). */
const PALETTE = 8;

/**
 * Above this many boxes one layered layout stops being readable (and dagre
 * takes seconds): the page then draws one graph per team, each with the
 * services of other teams it calls as outlined boxes, and dependencies only
 * in the list below (a box each doubles the layout's work for leaves that
 * every service page lists anyway).
 */
const WHOLE_GRAPH_LIMIT = 250;

/** What the graph page draws, before layout: the whole graph, and the graphs to lay out. */
export interface GraphPlan {
  whole: Graph;
  /** One graph per team when the whole one is too large to read. */
  perTeam: boolean;
  sections: { title: string; graph: Graph }[];
}

/** The graphs of the page, to be laid out (layoutGraphs, which may run in another thread) before it is drawn. */
export function planGraph(model: PortalModel): GraphPlan {
  const teams = teamColours(model);
  const whole = graphOf(model, teams, () => true);
  const perTeam = whole.nodes.length > WHOLE_GRAPH_LIMIT;
  const sections = perTeam
    ? model.teams.map((team) => ({
        title: `Team ${team.name}`,
        graph: { ...graphOf(model, teams, (service) => service.team === team.name, false), fast: true },
      }))
    : [{ title: "Calls between services and their dependencies", graph: whole }];
  return { whole, perTeam, sections };
}

/**
 * The call and dependency graph as SVG laid out at build time; every service
 * box links to its page. `layouts` are the plan's sections laid out, in order.
 */
export function graphPage(
  model: PortalModel,
  plan: GraphPlan,
  layouts: readonly GraphLayout[],
): { path: string; title: string; body: Content } {
  const teams = teamColours(model);
  const { whole, perTeam, sections } = plan;
  const legend = model.teams.map(
    (t) => html`<li><span class="swatch g${teams.get(t.name) ?? 0}" aria-hidden="true"></span>${t.name}</li>`,
  );
  const calls = whole.edges.filter((e) => e.kind === "call");
  const uses = whole.edges.filter((e) => e.kind === "dependency");
  const callList = whole.edges.map((e) => {
    const from = e.from.slice(2);
    const to = e.to.startsWith("s:") ? e.to.slice(2) : e.to.split(":").slice(2).join(":");
    return html`<li><a href="${relativeLink(PATH, servicePath(from))}">${from}</a> ${e.kind === "call" ? "calls" : "uses"} ${e.to.startsWith("s:") ? html`<a href="${relativeLink(PATH, servicePath(to))}">${to}</a>` : to}</li>`;
  });
  const svgs = sections.map((section, index) => {
    const layout = layouts[index];
    if (!layout) throw new ToolError(`the graph "${section.title}" was not laid out`);
    return html`${perTeam ? html`<h2>${section.title}</h2>` : ""}${svgOf(layout, section.title, index)}`;
  });
  const body = html`<div class="page-head"><h1>Service graph</h1>
<p class="lead">${model.services.length} services, ${calls.length} calls and ${uses.length} dependencies, across every environment${perTeam ? ", one graph of calls per team (dependencies in the list below)" : ""}. Select a service to open its page.</p>
<ul class="legend" aria-label="Teams">${legend}<li><span class="swatch line-call" aria-hidden="true"></span>calls</li><li><span class="swatch line-dependency" aria-hidden="true"></span>uses a dependency</li></ul></div>
${svgs}
<details class="card"><summary>The graph as a list</summary><ul class="plain">${callList}</ul></details>`;
  return { path: PATH, title: "Service graph", body };
}

/** Each team's colour class (g0 … g7), by team name. */
function teamColours(model: PortalModel): Map<string, number> {
  return new Map(model.teams.map((t, i) => [t.name, i % PALETTE]));
}

/**
 * The boxes and arrows of the services `wanted` picks: their dependencies,
 * and the services they call (drawn outlined when not picked themselves).
 */
function graphOf(
  model: PortalModel,
  teams: ReadonlyMap<string, number>,
  wanted: (service: PortalService) => boolean,
  withDependencies = true,
): Graph {
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const byName = new Map(model.services.map((s) => [s.name, s]));
  const serviceNode = (service: PortalService, outside: boolean): GraphNode => ({
    id: `s:${service.name}`,
    label: service.name,
    kind: outside ? "outside" : "service",
    group: teams.get(service.team) ?? 0,
    href: relativeLink(PATH, servicePath(service.name)),
  });
  for (const service of model.services) {
    if (!wanted(service)) continue;
    nodes.set(`s:${service.name}`, serviceNode(service, false));
    const resolved = [...service.byEnvironment.values()];
    for (const name of new Set(resolved.flatMap((s) => s.calls))) {
      const callee = byName.get(name);
      if (!callee) continue;
      if (!nodes.has(`s:${name}`) || nodes.get(`s:${name}`)?.kind === "outside")
        nodes.set(`s:${name}`, serviceNode(callee, !wanted(callee)));
      edges.push({ from: `s:${service.name}`, to: `s:${name}`, kind: "call" });
    }
    if (!withDependencies) continue;
    const dependencies = new Map(
      resolved.flatMap((s) => s.dependencies.map((d) => [d.name, d.type] as const)),
    );
    for (const [name, type] of dependencies) {
      const id = `d:${service.name}:${name}`;
      nodes.set(id, {
        id,
        label: `${name} (${type})`,
        kind: "dependency",
        group: teams.get(service.team) ?? 0,
      });
      edges.push({ from: `s:${service.name}`, to: id, kind: "dependency" });
    }
  }
  return { nodes: [...nodes.values()], edges };
}

function svgOf(layout: GraphLayout, title: string, index: number): Content {
  const path = (points: { x: number; y: number }[]) =>
    points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(" ");
  const svgEdges = layout.edges.map(
    (e) => html`<path class="edge ${e.kind}" d="${path(e.points)}" marker-end="url(#arrow-${e.kind})"/>`,
  );
  const svgNodes = layout.nodes.map((n) => {
    const box = html`<rect x="${(n.x - n.width / 2).toFixed(1)}" y="${(n.y - n.height / 2).toFixed(1)}" width="${n.width}" height="${n.height}" rx="${n.kind === "dependency" ? 14 : 6}"/><text x="${n.x.toFixed(1)}" y="${(n.y + 4).toFixed(1)}">${n.label}</text>`;
    return n.href
      ? html`<a class="node ${n.kind} g${n.group}" href="${n.href}">${box}</a>`
      : html`<g class="node dependency g${n.group}">${box}</g>`;
  });
  // Marker ids are per SVG: several graphs share the page.
  return html`<div class="graph-wrap" tabindex="0" role="region" aria-label="${title}, scrollable">
<svg xmlns="http://www.w3.org/2000/svg" class="graph" viewBox="0 0 ${layout.width} ${layout.height}" width="${layout.width}" height="${layout.height}" aria-labelledby="graph-title-${index}">
<title id="graph-title-${index}">${title}</title>
${
  index === 0
    ? html`<defs><marker id="arrow-call" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="arrow call"/></marker>
<marker id="arrow-dependency" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="arrow dependency"/></marker></defs>`
    : ""
}
${svgEdges}
${svgNodes}
</svg></div>`;
}
