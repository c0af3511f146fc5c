import dagre from "@dagrejs/dagre";
import type { GraphModel } from "./graph-model";

export const nodeWidth = 190;
export const nodeHeight = 46;
const header = 30;
const padding = 14;

/** A laid-out box, its top-left corner in graph coordinates. */
export interface Box {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** True when its children are drawn inside it. */
  readonly container: boolean;
}

export interface LaidOutEdge {
  readonly from: string;
  readonly to: string;
  readonly points: readonly { x: number; y: number }[];
}

export interface Layout {
  readonly boxes: ReadonlyMap<string, Box>;
  readonly edges: readonly LaidOutEdge[];
  readonly width: number;
  readonly height: number;
}

interface LevelLayout {
  width: number;
  height: number;
  /** Positions relative to the level's own origin. */
  boxes: Box[];
  edges: LaidOutEdge[];
}

/**
 * Lays the graph out level by level: each expanded node's children get a layout of their own
 * first, and the node is sized to hold it. Dagre then places each level's boxes left to right
 * by dependency. Only edges between siblings are drawn, so no edge crosses a container's border.
 */
export function layoutGraph(model: GraphModel): Layout {
  const byParent = new Map<string, string[]>();
  for (const node of model.nodes) {
    const parent = node.parent ?? "";
    const list = byParent.get(parent);
    if (list === undefined) byParent.set(parent, [node.id]);
    else list.push(node.id);
  }
  const parentOf = new Map(model.nodes.map((n) => [n.id, n.parent ?? ""]));
  const levelEdges = new Map<string, { from: string; to: string }[]>();
  for (const edge of model.edges) {
    const parent = parentOf.get(edge.from);
    if (parent === undefined || parent !== parentOf.get(edge.to)) continue;
    const list = levelEdges.get(parent);
    if (list === undefined) levelEdges.set(parent, [edge]);
    else list.push(edge);
  }

  const layoutLevel = (parent: string): LevelLayout => {
    const ids = byParent.get(parent) ?? [];
    const inner = new Map<string, LevelLayout>();
    for (const id of ids) if (byParent.has(id)) inner.set(id, layoutLevel(id));
    const g = new dagre.graphlib.Graph<{ rankdir: string }, { width: number; height: number; x?: number; y?: number }, { points?: { x: number; y: number }[] }>();
    g.setGraph({ rankdir: "LR", nodesep: 18, ranksep: 50, marginx: 0, marginy: 0 } as never);
    g.setDefaultEdgeLabel(() => ({}));
    for (const id of ids) {
      const sub = inner.get(id);
      g.setNode(id, sub === undefined ? { width: nodeWidth, height: nodeHeight } : { width: Math.max(nodeWidth, sub.width + 2 * padding), height: sub.height + header + padding });
    }
    for (const edge of levelEdges.get(parent) ?? []) g.setEdge(edge.from, edge.to);
    dagre.layout(g);
    const boxes: Box[] = [];
    const edges: LaidOutEdge[] = [];
    let width = 0;
    let height = 0;
    for (const id of ids) {
      const n = g.node(id);
      const x = (n.x ?? 0) - n.width / 2;
      const y = (n.y ?? 0) - n.height / 2;
      width = Math.max(width, x + n.width);
      height = Math.max(height, y + n.height);
      const sub = inner.get(id);
      boxes.push({ id, x, y, width: n.width, height: n.height, container: sub !== undefined });
      if (sub !== undefined) {
        const dx = x + padding;
        const dy = y + header;
        for (const b of sub.boxes) boxes.push({ ...b, x: b.x + dx, y: b.y + dy });
        for (const e of sub.edges) edges.push({ ...e, points: e.points.map((p) => ({ x: p.x + dx, y: p.y + dy })) });
      }
    }
    for (const e of g.edges()) edges.push({ from: e.v, to: e.w, points: g.edge(e).points ?? [] });
    return { width, height, boxes, edges };
  };

  const top = layoutLevel("");
  return { boxes: new Map(top.boxes.map((b) => [b.id, b])), edges: top.edges, width: top.width, height: top.height };
}
