import { describe, expect, it } from "vitest";
import { type GraphEdge, type GraphNode, layoutGraph } from "./graph-layout.js";

const node = (id: string): GraphNode => ({ id, label: id, kind: "service", group: 0 });

describe.each([false, true])("layoutGraph (fast: %s)", (fast) => {
  // Laid out fast, dagre routes storefront → catalog above its first row of boxes (y < 0 without a margin).
  const nodes = [
    "storefront",
    "search",
    "checkout",
    "catalog",
    "cart",
    "payments",
    "lonely-a",
    "lonely-b",
  ].map(node);
  const edges: GraphEdge[] = [
    { from: "storefront", to: "catalog", kind: "call" },
    { from: "storefront", to: "checkout", kind: "call" },
    { from: "storefront", to: "cart", kind: "call" },
    { from: "search", to: "catalog", kind: "call" },
    { from: "checkout", to: "catalog", kind: "call" },
    { from: "checkout", to: "cart", kind: "call" },
    { from: "checkout", to: "payments", kind: "call" },
    { from: "payments", to: "payments", kind: "call" },
  ];
  const layout = layoutGraph({ nodes, edges, fast });

  it("keeps every box and every bend of every edge inside the drawing", () => {
    for (const n of layout.nodes) {
      expect(n.x - n.width / 2, n.id).toBeGreaterThanOrEqual(0);
      expect(n.y - n.height / 2, n.id).toBeGreaterThanOrEqual(0);
      expect(n.x + n.width / 2, n.id).toBeLessThanOrEqual(layout.width);
      expect(n.y + n.height / 2, n.id).toBeLessThanOrEqual(layout.height);
    }
    for (const e of layout.edges)
      for (const p of e.points) {
        expect(p.x).toBeGreaterThanOrEqual(0);
        expect(p.y).toBeGreaterThanOrEqual(0);
        expect(p.x).toBeLessThanOrEqual(layout.width);
        expect(p.y).toBeLessThanOrEqual(layout.height);
      }
  });

  it("gives every node a box and every edge but a self-call a route, in the graph's order", () => {
    expect(layout.nodes.map((n) => n.id)).toEqual(nodes.map((n) => n.id));
    expect(layout.edges.map((e) => `${e.from}>${e.to}`)).toEqual(
      edges.filter((e) => e.from !== e.to).map((e) => `${e.from}>${e.to}`),
    );
    for (const e of layout.edges) expect(e.points.length).toBeGreaterThanOrEqual(2);
  });

  it("puts the boxes without edges in a row below the layered drawing, left to right", () => {
    const linked = layout.nodes.filter((n) => !n.id.startsWith("lonely"));
    const bottom = Math.max(...linked.map((n) => n.y + n.height / 2));
    const [a, b] = ["lonely-a", "lonely-b"].map((id) => layout.nodes.find((n) => n.id === id));
    expect(a && b).toBeTruthy();
    expect(a?.y).toBe(b?.y);
    expect((a?.y ?? 0) - (a?.height ?? 0) / 2).toBeGreaterThan(bottom);
    expect(b?.x ?? 0).toBeGreaterThan(a?.x ?? 0);
  });

  it("is the same for the same graph (stable bytes)", () => {
    expect(layoutGraph({ nodes, edges, fast })).toEqual(layout);
  });
});
