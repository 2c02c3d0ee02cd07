import type { GraphEdge, GraphNode } from '../../shared/graph/document';

/** Horizontal distance between layers and vertical distance between nodes of one layer. */
export const LAYOUT_GAP = { x: 260, y: 140 } as const;

/**
 * A left-to-right layered layout: each node's column is its longest path from
 * a source; within a column nodes are ordered by the mean row of their inputs
 * (barycenter), then centred. Deterministic; cycles are broken by input order.
 */
export function layeredLayout(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): GraphNode[] {
  const preds = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const e of edges) preds.get(e.target)?.push(e.source);
  const column = new Map<string, number>();
  const visiting = new Set<string>();
  const columnOf = (id: string): number => {
    const known = column.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const c = Math.max(-1, ...(preds.get(id) ?? []).map(columnOf)) + 1;
    visiting.delete(id);
    column.set(id, c);
    return c;
  };
  nodes.forEach((n) => columnOf(n.id));

  const columns: string[][] = [];
  nodes.forEach((n) => (columns[column.get(n.id) as number] ??= []).push(n.id));
  const row = new Map<string, number>();
  for (const ids of columns) {
    if (!ids) continue;
    const key = (id: string) => {
      const ps = (preds.get(id) ?? []).map((p) => row.get(p)).filter((r): r is number => r !== undefined);
      return ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : Number.POSITIVE_INFINITY;
    };
    const order = ids.map((id, i) => ({ id, i, k: key(id) })).sort((a, b) => a.k - b.k || a.i - b.i);
    order.forEach(({ id }, r) => row.set(id, r - (order.length - 1) / 2));
  }
  return nodes.map((n) => ({
    ...n,
    position: { x: (column.get(n.id) ?? 0) * LAYOUT_GAP.x, y: Math.round((row.get(n.id) ?? 0) * LAYOUT_GAP.y) },
  }));
}
