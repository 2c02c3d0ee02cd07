import type { Graph } from '../../../shared/graph/document';

export interface Size {
  readonly width: number;
  readonly height: number;
}
type XY = { x: number; y: number };

/** Wide enough for a connection's shape label ("[?, 13, 13, 32]") between two cards. */
const GAP_X = 130;
const GAP_Y = 36;
/** Between two bands of a wrapped layout: room for the connections that run back to the left. */
const GAP_BAND = 70;

/**
 * A layered left-to-right layout: each node's column is the longest path
 * from a source to it, rows within a column are ordered by the mean row of
 * their inputs (a few sweeps of the barycentre heuristic), and columns are
 * centred on one another. Deterministic; nodes in cycles go to column 0.
 *
 * With `maxWidth`, columns that would run past it wrap into another band below, as text wraps
 * into lines, so a long chain stays readable when zoomed to fit instead of shrinking to a strip.
 */
export function layoutLeftToRight(graph: Graph, sizeOf: (id: string) => Size, origin: XY = { x: 0, y: 0 }, maxWidth = Infinity): Map<string, XY> {
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

  const present = columns.filter((col): col is string[] => col !== undefined);
  const widths = present.map((col) => Math.max(0, ...col.map((id) => sizeOf(id).width)));
  // Greedy bands: as many columns as fit in maxWidth, at least one.
  const bands: number[][] = [];
  let used = Infinity;
  present.forEach((_, c) => {
    const w = widths[c] as number;
    const last = bands[bands.length - 1];
    if (last && used + GAP_X + w <= maxWidth) {
      last.push(c);
      used += GAP_X + w;
    } else {
      bands.push([c]);
      used = w;
    }
  });
  const out = new Map<string, XY>();
  const shortest = Math.min(...ids.map((id) => sizeOf(id).height));
  let y = origin.y;
  for (const band of bands) {
    const tallest = Math.max(0, ...band.map((c) => present[c]?.length ?? 0));
    // A band's rows share one height so its chain's cards (and their handles) line up; a tall card
    // (one showing an error) makes only its own band taller.
    const row = Math.max(0, ...band.flatMap((c) => (present[c] ?? []).map((id) => sizeOf(id).height))) + GAP_Y;
    let x = origin.x;
    for (const c of band) {
      const col = present[c] as string[];
      const top = y + ((tallest - col.length) * row) / 2;
      col.forEach((id, i) => out.set(id, { x: Math.round(x), y: Math.round(top + i * row) }));
      x += (widths[c] as number) + GAP_X;
    }
    // A connection from a tall card in this band to the next one puts its label lower: as much
    // more room below as the band's cards are taller than the shortest.
    y += tallest * row - GAP_Y + GAP_BAND + (row - GAP_Y - shortest);
  }
  return out;
}
