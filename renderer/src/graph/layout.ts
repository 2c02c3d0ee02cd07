import type { Graph } from '../../../shared/graph/document';

export interface Size {
  readonly width: number;
  readonly height: number;
}
type XY = { x: number; y: number };

const GAP_X = 70;
const GAP_Y = 36;

/**
 * A layered left-to-right layout: each node's column is the longest path
 * from a source to it, rows within a column are ordered by the mean row of
 * their inputs (a few sweeps of the barycentre heuristic), and columns are
 * centred on one another. Deterministic; nodes in cycles go to column 0.
 */
export function layoutLeftToRight(graph: Graph, sizeOf: (id: string) => Size, origin: XY = { x: 0, y: 0 }): Map<string, XY> {
  const ids = graph.nodes.map((n) => n.id);
  const index = new Map(ids.map((id, i) => [id, i]));
  const preds = new Map<string, string[]>(ids.map((id) => [id, []]));
  const succs = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of graph.edges) {
    if (!index.has(e.source) || !index.has(e.target) || e.source === e.target) continue;
    preds.get(e.target)?.push(e.source);
    succs.get(e.source)?.push(e.target);
  }
  // Longest-path layering over a topological order (Kahn).
  const indeg = new Map(ids.map((id) => [id, preds.get(id)?.length ?? 0]));
  const layer = new Map<string, number>();
  const queue = ids.filter((id) => indeg.get(id) === 0);
  for (let q = 0; q < queue.length; q++) {
    const id = queue[q] as string;
    const l = layer.get(id) ?? 0;
    layer.set(id, l);
    for (const t of succs.get(id) ?? []) {
      layer.set(t, Math.max(layer.get(t) ?? 0, l + 1));
      const d = (indeg.get(t) ?? 0) - 1;
      indeg.set(t, d);
      if (d === 0) queue.push(t);
    }
  }
  for (const id of ids) if (!layer.has(id)) layer.set(id, 0);

  const columns: string[][] = [];
  for (const id of ids) {
    const l = layer.get(id) ?? 0;
    (columns[l] ??= []).push(id);
  }
  // Keep the user's vertical order as the starting point.
  const y0 = new Map(graph.nodes.map((n) => [n.id, n.position.y]));
  for (const col of columns) col?.sort((a, b) => (y0.get(a) ?? 0) - (y0.get(b) ?? 0));
  const rank = new Map<string, number>();
  const setRanks = () => columns.forEach((col) => col?.forEach((id, i) => rank.set(id, i)));
  setRanks();
  const sweep = (cols: string[][], neighbours: Map<string, string[]>) => {
    for (const col of cols) {
      if (!col) continue;
      const bary = new Map(
        col.map((id) => {
          const ns = neighbours.get(id) ?? [];
          return [id, ns.length > 0 ? ns.reduce((s, n) => s + (rank.get(n) ?? 0), 0) / ns.length : (rank.get(id) ?? 0)];
        }),
      );
      col.sort((a, b) => (bary.get(a) ?? 0) - (bary.get(b) ?? 0));
      col.forEach((id, i) => rank.set(id, i));
    }
  };
  for (let i = 0; i < 4; i++) {
    sweep(columns.slice(1), preds);
    sweep(columns.slice(0, -1).reverse(), succs);
  }

  // Rows share one height so a chain's cards (and their handles) line up.
  const row = Math.max(0, ...ids.map((id) => sizeOf(id).height)) + GAP_Y;
  const tallest = Math.max(0, ...columns.map((col) => col?.length ?? 0));
  const out = new Map<string, XY>();
  let x = origin.x;
  for (const col of columns) {
    if (!col) continue;
    const top = origin.y + ((tallest - col.length) * row) / 2;
    let width = 0;
    col.forEach((id, i) => {
      out.set(id, { x: Math.round(x), y: Math.round(top + i * row) });
      width = Math.max(width, sizeOf(id).width);
    });
    x += width + GAP_X;
  }
  return out;
}
