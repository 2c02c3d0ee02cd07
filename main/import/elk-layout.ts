import ELK from 'elkjs/lib/elk.bundled.js';
import type { GraphEdge, GraphNode } from '../../shared/graph/document';
import { layeredLayout } from './layout';

/** Size of a layer node on the canvas, roughly, for spacing. */
const NODE_SIZE = { width: 180, height: 80 } as const;

/**
 * ELK's layered algorithm, left to right, for imported graphs (fewer edge
 * crossings than `layeredLayout` on branching models). Falls back to
 * `layeredLayout` if ELK fails.
 */
export async function elkLayout(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): Promise<{ nodes: GraphNode[]; engine: 'elk' | 'simple' }> {
  try {
    const elk = new ELK();
    const result = await elk.layout({
      id: 'root',
      layoutOptions: {
        'elk.algorithm': 'layered',
        'elk.direction': 'RIGHT',
        'elk.layered.spacing.nodeNodeBetweenLayers': '80',
        'elk.spacing.nodeNode': '50',
      },
      children: nodes.map((n) => ({ id: n.id, ...NODE_SIZE })),
      edges: edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
    });
    const at = new Map((result.children ?? []).map((c) => [c.id, { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) }]));
    if (nodes.some((n) => !at.has(n.id))) throw new Error('ELK left a node out');
    return { nodes: nodes.map((n) => ({ ...n, position: at.get(n.id) as { x: number; y: number } })), engine: 'elk' };
  } catch {
    return { nodes: layeredLayout(nodes, edges), engine: 'simple' };
  }
}
