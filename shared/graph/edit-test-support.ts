import { expect } from 'vitest';
import { emptyProject, type GraphEdge, type GraphNode, type ProjectDoc } from './document';
import { applyEntry, revertEntry } from './edit-entry';
import type { Edit } from './edits';

export const layer = (id: string, type: string, x: number, params: GraphNode['params'] = {}): GraphNode => ({ id, type, position: { x, y: 0 }, params });
export const wire = (id: string, source: string, target: string, targetPort = 'in'): GraphEdge => ({ id, source, target, targetPort });

/** Input(28, 28) -> Flatten -> Dense(10), wired (e1, e2), with one note. */
export function mlp(): ProjectDoc {
  return {
    ...emptyProject('t'),
    graph: {
      nodes: [layer('input', 'Input', 0, { shape: [28, 28] }), layer('flatten', 'Flatten', 200), layer('dense', 'Dense', 400, { units: 10, activation: 'softmax' })],
      edges: [wire('e1', 'input', 'flatten'), wire('e2', 'flatten', 'dense')],
    },
    notes: [{ id: 'note', text: 'hello', position: { x: 0, y: 200 } }],
  };
}

const byId = <T extends { id: string }>(xs: readonly T[] | undefined) => (xs ? [...xs].sort((p, q) => p.id.localeCompare(q.id)) : xs);
/** The document with its cards, connections and blocks in id order (undo puts back what an edit took at the end). */
const sorted = (doc: ProjectDoc) => ({ ...doc, graph: { nodes: byId(doc.graph.nodes), edges: byId(doc.graph.edges) }, notes: byId(doc.notes), blocks: byId(doc.blocks) });

/** The document after `edit`, checked to undo back to `doc`. */
export function after(doc: ProjectDoc, edit: Edit | null): ProjectDoc {
  if (!edit) throw new Error('expected an edit');
  const next = applyEntry(doc, edit.entry);
  expect(sorted(revertEntry(next, edit.entry))).toEqual(sorted(doc));
  return next;
}
