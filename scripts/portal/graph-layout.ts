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

/** A graph to lay out. */
export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Skips dagre's extra ordering passes: fewer crossings minimised, a third of the time. */
  fast?: boolean;
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

/** Space around the drawing; between the layered drawing and the boxes without edges, and between those. */
const MARGIN = 16;
const GAP = 14;
/** The boxes without edges fill rows at least this wide (a narrow layered drawing would stack them). */
const MIN_ROW = 960;

type PlacedNode = GraphLayout["nodes"][number];
type RoutedEdge = GraphLayout["edges"][number];

/**
 * Lays the graph out at build time, so the page ships a finished SVG and no
 * layout code: the nodes with an edge with dagre (layered, left to right:
 * callers before callees), and below them the nodes without any (a service
 * that calls nobody and that nobody of the graph calls) in rows, in the
 * graph's order. Laid out by dagre they would all stack in its first
 * column, and cost it a fifth of its time in a team's graph of 1,000
 * services.
 */
export function layoutGraph({ nodes, edges, fast }: Graph): GraphLayout {
  const routed = edges.filter((e) => e.from !== e.to);
  const linked = new Set(routed.flatMap((e) => [e.from, e.to]));
  const layered = layoutLayered(
    nodes.filter((n) => linked.has(n.id)),
    routed,
    fast === true,
  );
  const placed = new Map(layered.nodes.map((n) => [n.id, { ...n, x: n.x + MARGIN, y: n.y + MARGIN }]));
  const rowWidth = Math.max(layered.width, MIN_ROW);
  let x = 0;
  let y = layered.height > 0 ? layered.height + 2 * GAP : 0;
  let width = layered.width;
  for (const node of nodes) {
    if (linked.has(node.id)) continue;
    const boxWidth = widthOf(node);
    if (x > 0 && x + boxWidth > rowWidth) {
      x = 0;
      y += NODE_HEIGHT + GAP;
    }
    placed.set(node.id, {
      ...node,
      x: MARGIN + x + boxWidth / 2,
      y: MARGIN + y + NODE_HEIGHT / 2,
      width: boxWidth,
      height: NODE_HEIGHT,
    });
    width = Math.max(width, x + boxWidth);
    x += boxWidth + GAP;
  }
  const height = x > 0 ? y + NODE_HEIGHT : layered.height;
  return {
    width: Math.ceil(width + 2 * MARGIN),
    height: Math.ceil(height + 2 * MARGIN),
    nodes: nodes.flatMap((node) => placed.get(node.id) ?? []),
    edges: layered.edges.map((e) => ({
      ...e,
      points: e.points.map((p) => ({ x: p.x + MARGIN, y: p.y + MARGIN })),
    })),
  };
}

function widthOf(node: GraphNode): number {
  return Math.ceil(node.label.length * CHARACTER_WIDTH + PADDING);
}

/** The nodes and edges laid out by dagre, the drawing's box (nodes and every bend of the edges) from (0, 0). */
function layoutLayered(
  nodes: readonly GraphNode[],
  edges: readonly GraphEdge[],
  fast: boolean,
): { width: number; height: number; nodes: PlacedNode[]; edges: RoutedEdge[] } {
  if (nodes.length === 0) return { width: 0, height: 0, nodes: [], edges: [] };
  const graph = new dagre.graphlib.Graph({ multigraph: false });
  graph.setGraph({
    rankdir: "LR",
    nodesep: 14,
    ranksep: 70,
    marginx: 0,
    marginy: 0,
    ranker: "network-simplex",
  });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) graph.setNode(node.id, { width: widthOf(node), height: NODE_HEIGHT });
  for (const edge of edges) graph.setEdge(edge.from, edge.to);
  // Fast skips dagre's extra ordering passes: fewer crossings minimised, a third of the time.
  dagre.layout(graph, { disableOptimalOrderHeuristic: fast });
  const placed = nodes.map((node) => {
    const at = graph.node(node.id);
    return { ...node, x: at.x, y: at.y, width: at.width, height: at.height };
  });
  const routed: RoutedEdge[] = edges.map((edge) => ({
    ...edge,
    points: graph.edge(edge.from, edge.to)?.points ?? [],
  }));
  // dagre's box holds the nodes, not every bend of the edges (one routed around the
  // others can pass above the first row): the box here is that of both, moved to 0.
  const xs = [
    ...placed.flatMap((n) => [n.x - n.width / 2, n.x + n.width / 2]),
    ...routed.flatMap((e) => e.points.map((p) => p.x)),
  ];
  const ys = [
    ...placed.flatMap((n) => [n.y - n.height / 2, n.y + n.height / 2]),
    ...routed.flatMap((e) => e.points.map((p) => p.y)),
  ];
  const [left, top] = [Math.min(...xs), Math.min(...ys)];
  return {
    width: Math.ceil(Math.max(...xs) - left),
    height: Math.ceil(Math.max(...ys) - top),
    nodes: placed.map((n) => ({ ...n, x: n.x - left, y: n.y - top })),
    edges: routed.map((e) => ({ ...e, points: e.points.map((p) => ({ x: p.x - left, y: p.y - top })) })),
  };
}
