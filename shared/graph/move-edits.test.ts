import { describe, expect, it } from 'vitest';
import { applyEntry, moveAll, revertEntry } from './edit-entry';
import { after, layer, mlp } from './edit-test-support';
import { alignLayers, endDrag, placeLayers, spliceIntoEdge } from './move-edits';
import type { ProjectDoc } from './document';

/** The mlp with an unconnected Dropout. */
function withLoose(): ProjectDoc {
  const doc = mlp();
  return { ...doc, graph: { ...doc.graph, nodes: [...doc.graph.nodes, layer('drop', 'Dropout', 300)] } };
}

describe('spliceIntoEdge', () => {
  it('puts an unconnected layer between the two ends of a connection', () => {
    const doc = withLoose();
    const entries = spliceIntoEdge(doc, 'drop', 'e2');
    expect(entries).not.toBeNull();
    const next = (entries ?? []).reduce(applyEntry, doc);
    expect(next.graph.edges).toEqual([
      { id: 'e1', source: 'input', target: 'flatten', targetPort: 'in' },
      { id: 'e_flatten_drop_1', source: 'flatten', target: 'drop', targetPort: 'in' },
      { id: 'e_drop_dense_1', source: 'drop', target: 'dense', targetPort: 'in' },
    ]);
  });

  it('refuses a connected layer, an end of the edge, an Input and unknown ids', () => {
    const doc = withLoose();
    expect(spliceIntoEdge(doc, 'flatten', 'e1')).toBeNull();
    expect(spliceIntoEdge(doc, 'dense', 'e1')).toBeNull();
    const input = { ...doc, graph: { ...doc.graph, nodes: [...doc.graph.nodes, layer('in2', 'Input', 9, { shape: [3] })] } };
    expect(spliceIntoEdge(input, 'in2', 'e1')).toBeNull();
    expect(spliceIntoEdge(doc, 'drop', 'ghost')).toBeNull();
  });
});

describe('endDrag', () => {
  it('records the moves of layers and notes the drag made; undo puts them back', () => {
    const start = mlp();
    const dragged = moveAll(start, new Map([['flatten', { x: 250, y: 40 }], ['note', { x: 9, y: 9 }]]));
    const from = new Map([['flatten', { x: 200, y: 0 }], ['note', { x: 0, y: 200 }], ['dense', { x: 400, y: 0 }]]);
    const edit = endDrag(dragged, from);
    expect(edit?.entry).toEqual({
      kind: 'move',
      moves: [
        { id: 'flatten', from: { x: 200, y: 0 }, to: { x: 250, y: 40 } },
        { id: 'note', from: { x: 0, y: 200 }, to: { x: 9, y: 9 } },
      ],
    });
    if (!edit) throw new Error('expected a move');
    // Applying it again is a no-op (the drag already moved them); undo puts them where they were.
    expect(applyEntry(dragged, edit.entry)).toEqual(dragged);
    expect(revertEntry(dragged, edit.entry)).toEqual(start);
    expect(endDrag(start, from)).toBeNull();
  });

  it('splices the one dragged layer into the connection it was dropped on, in the same step', () => {
    const doc = withLoose();
    const edit = endDrag(doc, new Map([['drop', { x: 300, y: 0 }]]), 'e2');
    expect(edit?.entry).toMatchObject({ kind: 'batch', label: 'insert into connection' });
    expect(after(doc, edit).graph.edges.map((e) => [e.source, e.target])).toEqual([
      ['input', 'flatten'],
      ['flatten', 'drop'],
      ['drop', 'dense'],
    ]);
  });
});

describe('placeLayers and alignLayers', () => {
  it('moves only the layers whose place changes, as one named step', () => {
    const doc = mlp();
    const edit = placeLayers(doc, new Map([['input', { x: 0, y: 0 }], ['dense', { x: 10, y: 20 }], ['note', { x: 5, y: 5 }]]), 'auto-layout');
    expect(edit?.entry).toEqual({ kind: 'batch', label: 'auto-layout', entries: [{ kind: 'move', moves: [{ id: 'dense', from: { x: 400, y: 0 }, to: { x: 10, y: 20 } }] }] });
    expect(after(doc, edit).graph.nodes.map((n) => n.position)).toEqual([{ x: 0, y: 0 }, { x: 200, y: 0 }, { x: 10, y: 20 }]);
    expect(placeLayers(doc, new Map([['input', { x: 0, y: 0 }]]), 'x')).toBeNull();
  });

  it('lines layers up on the leftmost edge or the topmost top; needs two', () => {
    const base = mlp();
    const doc = after(base, placeLayers(base, new Map([['flatten', { x: 200, y: 50 }], ['dense', { x: 400, y: -30 }]]), 'setup'));
    const left = after(doc, alignLayers(doc, ['flatten', 'dense', 'note'], 'left'));
    expect(left.graph.nodes.map((n) => n.position)).toEqual([{ x: 0, y: 0 }, { x: 200, y: 50 }, { x: 200, y: -30 }]);
    const top = alignLayers(doc, ['flatten', 'dense'], 'top');
    expect(top?.entry).toMatchObject({ label: 'align top' });
    expect(after(doc, top).graph.nodes.map((n) => n.position.y)).toEqual([0, -30, -30]);
    expect(alignLayers(doc, ['dense', 'note'], 'left')).toBeNull();
  });
});
