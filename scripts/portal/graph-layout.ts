import dagre from "@dagrejs/dagre";

/** A box to place: a service or a dependency. */
export interface GraphNode {
  id: string;
  label: string;
  /** A service of the graph, a service of another team it calls (outlined), or a dependency. */
  kind: "service" | "outside" | "dependency";
  /** A small number that picks the node's colour (its team). */
  group: number;
  /** Where the node links to, relative to the page; none for a dependency. */
  href?: string;
}

/** A call between services, or a service's use of a dependency. */
export interface GraphEdge {
  from: string;
  to: string;
  kind: "call" | "dependency";
}

/** Nodes with their box and edges with their route, in SVG user units. */
export interface GraphLayout {
  width: number;
  height: number;
  nodes: (GraphNode & { x: number; y: number; width: number; height: number })[];
  edges: (GraphEdge & { points: { x: number; y: number }[] })[];
}

const NODE_HEIGHT = 30;
const CHARACTER_WIDTH = 7.4;
const PADDING = 24;

/**
 * Lays the graph out at build time with dagre (layered, left to right:
 * callers before callees), so the page ships a finished SVG and no layout code.
 */
export function layoutGraph(
  nodes: readonly GraphNode[],
  edges: readonly GraphEdge[],
  options: { fast?: boolean } = {},
): GraphLayout {
  const graph = new dagre.graphlib.Graph({ multigraph: false });
  graph.setGraph({
    rankdir: "LR",
    nodesep: 14,
    ranksep: 70,
    marginx: 16,
    marginy: 16,
    ranker: "network-simplex",
  });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes)
    graph.setNode(node.id, {
      width: Math.ceil(node.label.length * CHARACTER_WIDTH + PADDING),
      height: NODE_HEIGHT,
    });
  for (const edge of edges) if (edge.from !== edge.to) graph.setEdge(edge.from, edge.to);
  // Fast skips dagre's extra ordering passes: fewer crossings minimised, a third of the time.
  dagre.layout(graph, { disableOptimalOrderHeuristic: options.fast === true });
  const label = graph.graph();
  return {
    width: Math.ceil(label.width ?? 0),
    height: Math.ceil(label.height ?? 0),
    nodes: nodes.map((node) => {
      const placed = graph.node(node.id);
      return { ...node, x: placed.x, y: placed.y, width: placed.width, height: placed.height };
    }),
    edges: edges
      .filter((e) => e.from !== e.to)
      .map((edge) => ({ ...edge, points: graph.edge(edge.from, edge.to)?.points ?? [] })),
  };
}
