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

/** Space around the drawing, and between the parts packed side by side. */
const MARGIN = 16;
const GAP = 28;

type PlacedNode = GraphLayout["nodes"][number];
type RoutedEdge = GraphLayout["edges"][number];

/** One connected part of the graph laid out on its own, from (0, 0). */
interface Part {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: RoutedEdge[];
}

/**
 * Lays the graph out at build time, so the page ships a finished SVG and no
 * layout code: each connected part with dagre (layered, left to right:
 * callers before callees), then the parts packed in rows, largest first,
 * services without any call or dependency last. dagre's work grows faster
 * than the graph, and a team's graph is mostly small parts and lone boxes:
 * laid out whole it took ten times as long and stacked every lone box in one
 * tall first column.
 */
export function layoutGraph({ nodes, edges, fast }: Graph): GraphLayout {
  const routed = edges.filter((e) => e.from !== e.to);
  const parts = connectedParts(nodes, routed).map((part) =>
    part.nodes.length === 1 ? lone(part.nodes[0] as GraphNode) : layoutPart(part, fast === true),
  );
  // Largest first; among equals, in the order of their first node (the graph's order): stable bytes.
  const order = parts
    .map((part, index) => ({ part, index }))
    .sort((a, b) => b.part.nodes.length - a.part.nodes.length || a.index - b.index)
    .map(({ part }) => part);
  return pack(order, nodes, routed);
}

/** The parts of the graph no edge connects, each with its nodes and edges in the graph's order. */
function connectedParts(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): Graph[] {
  const parent = new Map(nodes.map((n) => [n.id, n.id]));
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root) ?? root;
    parent.set(id, root);
    return root;
  };
  for (const edge of edges) {
    if (!parent.has(edge.from) || !parent.has(edge.to)) continue;
    const [a, b] = [find(edge.from), find(edge.to)];
    if (a !== b) parent.set(b, a);
  }
  const parts = new Map<string, Graph>();
  for (const node of nodes) {
    const root = find(node.id);
    const part = parts.get(root) ?? { nodes: [], edges: [] };
    part.nodes.push(node);
    parts.set(root, part);
  }
  for (const edge of edges) if (parent.has(edge.from)) parts.get(find(edge.from))?.edges.push(edge);
  return [...parts.values()];
}

function boxWidth(node: GraphNode): number {
  return Math.ceil(node.label.length * CHARACTER_WIDTH + PADDING);
}

function lone(node: GraphNode): Part {
  const width = boxWidth(node);
  return {
    width,
    height: NODE_HEIGHT,
    nodes: [{ ...node, x: width / 2, y: NODE_HEIGHT / 2, width, height: NODE_HEIGHT }],
    edges: [],
  };
}

function layoutPart({ nodes, edges }: Graph, fast: boolean): Part {
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
  for (const node of nodes) graph.setNode(node.id, { width: boxWidth(node), height: NODE_HEIGHT });
  for (const edge of edges) graph.setEdge(edge.from, edge.to);
  // Fast skips dagre's extra ordering passes: fewer crossings minimised, a third of the time.
  dagre.layout(graph, { disableOptimalOrderHeuristic: fast });
  const label = graph.graph();
  return {
    width: Math.ceil(label.width ?? 0),
    height: Math.ceil(label.height ?? 0),
    nodes: nodes.map((node) => {
      const placed = graph.node(node.id);
      return { ...node, x: placed.x, y: placed.y, width: placed.width, height: placed.height };
    }),
    edges: edges.map((edge) => ({ ...edge, points: graph.edge(edge.from, edge.to)?.points ?? [] })),
  };
}

/**
 * The parts in rows, left to right, a row as wide as the widest part or as a
 * landscape rectangle of the parts' area, whichever is wider. Nodes and edges
 * come out in the graph's order, whatever part they were laid out in.
 */
function pack(parts: readonly Part[], nodes: readonly GraphNode[], edges: readonly GraphEdge[]): GraphLayout {
  const area = parts.reduce((sum, p) => sum + (p.width + GAP) * (p.height + GAP), 0);
  const rowWidth = Math.max(...parts.map((p) => p.width), Math.ceil(Math.sqrt(area * 2)), 0);
  const placedNodes = new Map<string, PlacedNode>();
  const routedEdges = new Map<string, RoutedEdge>();
  const key = (edge: GraphEdge) => `${edge.from}\u0000${edge.to}`;
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  let width = 0;
  for (const part of parts) {
    if (x > 0 && x + part.width > rowWidth) {
      x = 0;
      y += rowHeight + GAP;
      rowHeight = 0;
    }
    const dx = MARGIN + x;
    const dy = MARGIN + y;
    for (const node of part.nodes) placedNodes.set(node.id, { ...node, x: node.x + dx, y: node.y + dy });
    for (const edge of part.edges)
      routedEdges.set(key(edge), { ...edge, points: edge.points.map((p) => ({ x: p.x + dx, y: p.y + dy })) });
    width = Math.max(width, x + part.width);
    x += part.width + GAP;
    rowHeight = Math.max(rowHeight, part.height);
  }
  const height = parts.length === 0 ? 0 : y + rowHeight;
  return {
    width: Math.ceil(width + 2 * MARGIN),
    height: Math.ceil(height + 2 * MARGIN),
    nodes: nodes.flatMap((node) => {
      const placed = placedNodes.get(node.id);
      return placed ? [placed] : [];
    }),
    edges: edges.flatMap((edge) => {
      const routed = routedEdges.get(key(edge));
      return routed ? [{ ...edge, points: routed.points }] : [];
    }),
  };
}
