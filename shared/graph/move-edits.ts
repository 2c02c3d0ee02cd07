import type { ProjectDoc } from './document';
import type { EditEntry, XY } from './edit-entry';
import type { Edit } from './edits';
import { freshId } from './ids';
import { nodeInputPorts } from './node-ports';

type Move = { id: string; from: XY; to: XY };

/**
 * The entries that splice unconnected node `nodeId` into edge `edgeId` (the edge goes, the node
 * takes its place between the two ends), or null when it cannot be: the node is connected, has
 * no input, or is an end of the edge.
 */
export function spliceIntoEdge(doc: ProjectDoc, nodeId: string, edgeId: string): EditEntry[] | null {
  const { graph } = doc;
  const edge = graph.edges.find((e) => e.id === edgeId);
  const node = graph.nodes.find((n) => n.id === nodeId);
  if (!edge || !node || edge.source === nodeId || edge.target === nodeId) return null;
  if (graph.edges.some((e) => e.source === nodeId || e.target === nodeId)) return null;
  const port = nodeInputPorts(node)[0];
  if (!port) return null;
  const taken = new Set(graph.edges.map((e) => e.id));
  const inId = freshId(`e_${edge.source}_${nodeId}`, taken);
  taken.add(inId);
  const outId = freshId(`e_${nodeId}_${edge.target}`, taken);
  return [
    { kind: 'delete', nodes: [], edges: [edge] },
    {
      kind: 'add',
      nodes: [],
      edges: [
        { id: inId, source: edge.source, target: nodeId, targetPort: port.name },
        { id: outId, source: nodeId, target: edge.target, targetPort: edge.targetPort },
      ],
    },
  ];
}

/**
 * A finished drag: `doc` has the cards where the drag left them, `from` where they started.
 * With `intoEdge`, the one dragged node is also spliced into that connection. Null when nothing
 * moved and nothing was spliced.
 */
export function endDrag(doc: ProjectDoc, from: ReadonlyMap<string, XY>, intoEdge?: string): Edit | null {
  const moves: Move[] = [];
  for (const n of [...doc.graph.nodes, ...(doc.notes ?? [])]) {
    const start = from.get(n.id);
    if (start && (start.x !== n.position.x || start.y !== n.position.y)) {
      moves.push({ id: n.id, from: { x: start.x, y: start.y }, to: { ...n.position } });
    }
  }
  const only = from.size === 1 ? [...from.keys()][0] : undefined;
  const splice = intoEdge && only ? spliceIntoEdge(doc, only, intoEdge) : null;
  if (moves.length === 0 && !splice) return null;
  const move: EditEntry = { kind: 'move', moves };
  // The live drag already moved the nodes: applying the move again is a no-op, and undo restores them.
  return { entry: splice ? { kind: 'batch', label: 'insert into connection', entries: [move, ...splice] } : move };
}

/** Layers moved to `positions` as one step named `label` (auto-layout, align); null when none moves. */
export function placeLayers(doc: ProjectDoc, positions: ReadonlyMap<string, XY>, label: string): Edit | null {
  const moves: Move[] = [];
  for (const n of doc.graph.nodes) {
    const to = positions.get(n.id);
    if (to && (to.x !== n.position.x || to.y !== n.position.y)) moves.push({ id: n.id, from: { ...n.position }, to: { x: to.x, y: to.y } });
  }
  return moves.length > 0 ? { entry: { kind: 'batch', label, entries: [{ kind: 'move', moves }] } } : null;
}

/** Lines layers `ids` up on the leftmost left edge (`left`) or the topmost top (`top`); null for fewer than two. */
export function alignLayers(doc: ProjectDoc, ids: readonly string[], mode: 'left' | 'top'): Edit | null {
  const chosen = new Set(ids);
  const nodes = doc.graph.nodes.filter((n) => chosen.has(n.id));
  if (nodes.length < 2) return null;
  const target = Math.min(...nodes.map((n) => (mode === 'left' ? n.position.x : n.position.y)));
  const positions = new Map(nodes.map((n) => [n.id, mode === 'left' ? { x: target, y: n.position.y } : { x: n.position.x, y: target }]));
  return placeLayers(doc, positions, mode === 'left' ? 'align left' : 'align top');
}
