import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../shared/graph/analyze';
import { emptyProject } from '../../../shared/graph/document';
import { createEditorStore } from './store';

function mnistChain() {
  const store = createEditorStore();
  const a = store.getState();
  const input = a.addNode('Input', { x: 0, y: 0 }) as string;
  const flatten = a.addNode('Flatten', { x: 200, y: 0 }) as string;
  const hidden = a.addNode('Dense', { x: 400, y: 0 }) as string;
  const out = a.addNode('Dense', { x: 600, y: 0 }) as string;
  a.connect({ source: input, target: flatten, targetPort: 'in' });
  a.connect({ source: flatten, target: hidden, targetPort: 'in' });
  a.connect({ source: hidden, target: out, targetPort: 'in' });
  a.setParam(hidden, 'units', 128);
  a.setParam(hidden, 'activation', 'relu');
  a.setParam(out, 'units', 10);
  a.setParam(out, 'activation', 'softmax');
  return { store, input, flatten, hidden, out };
}

describe('editor store', () => {
  it('builds the MNIST MLP with the expected parameter count', () => {
    const { store } = mnistChain();
    const analysis = analyzeGraph(store.getState().doc.graph);
    expect(analysis.valid).toBe(true);
    expect(analysis.totalParams).toBe(101_770);
    expect(store.getState().dirty).toBe(true);
  });

  it('adds nodes with default params and unique ids, selecting the new one', () => {
    const store = createEditorStore();
    const a = store.getState().addNode('Dense', { x: 1, y: 2 });
    const b = store.getState().addNode('Dense', { x: 3, y: 4 });
    expect(a).toBe('dense_1');
    expect(b).toBe('dense_2');
    const node = store.getState().doc.graph.nodes[0];
    expect(node?.params).toMatchObject({ units: 32, activation: 'linear', useBias: true });
    expect(store.getState().selection.nodes).toEqual(['dense_2']);
    expect(store.getState().addNode('Nope', { x: 0, y: 0 })).toBeNull();
  });

  it('undoes and redoes every kind of edit in order', () => {
    const { store, hidden } = mnistChain();
    const s = () => store.getState();
    const final = s().doc;
    const steps = s().past.length;
    expect(steps).toBe(11);
    for (let i = 0; i < steps; i++) s().undo();
    expect(s().doc.graph).toEqual({ nodes: [], edges: [] });
    expect(s().dirty).toBe(false);
    s().undo(); // nothing left: no-op
    for (let i = 0; i < steps; i++) s().redo();
    expect(s().doc).toEqual(final);
    expect(s().doc.graph.nodes.find((n) => n.id === hidden)?.params['units']).toBe(128);
  });

  it('a new edit clears the redo stack', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    s().addNode('Input', { x: 0, y: 0 });
    s().undo();
    expect(s().future).toHaveLength(1);
    s().addNode('Dense', { x: 0, y: 0 });
    expect(s().future).toHaveLength(0);
    s().redo();
    expect(s().doc.graph.nodes.map((n) => n.type)).toEqual(['Dense']);
  });

  it('deletes the selection with its edges and restores both on undo', () => {
    const { store, flatten } = mnistChain();
    const s = () => store.getState();
    const before = s().doc.graph;
    s().select({ nodes: [flatten], edges: [] });
    s().deleteSelection();
    expect(s().doc.graph.nodes).toHaveLength(3);
    expect(s().doc.graph.edges).toHaveLength(1);
    expect(s().selection).toEqual({ nodes: [], edges: [] });
    s().undo();
    expect(new Set(s().doc.graph.nodes.map((n) => n.id))).toEqual(new Set(before.nodes.map((n) => n.id)));
    expect(new Set(s().doc.graph.edges.map((e) => e.id))).toEqual(new Set(before.edges.map((e) => e.id)));
  });

  it('records a drag once, at its end', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    const id = s().addNode('Input', { x: 0, y: 0 }) as string;
    const start = new Map([[id, { x: 0, y: 0 }]]);
    s().dragNodes(new Map([[id, { x: 10, y: 5 }]]));
    s().dragNodes(new Map([[id, { x: 50, y: 20 }]]));
    expect(s().past).toHaveLength(1);
    s().endMove(start);
    expect(s().past).toHaveLength(2);
    s().undo();
    expect(s().doc.graph.nodes[0]?.position).toEqual({ x: 0, y: 0 });
    s().redo();
    expect(s().doc.graph.nodes[0]?.position).toEqual({ x: 50, y: 20 });
    s().endMove(new Map([[id, { x: 50, y: 20 }]])); // no movement: no entry
    expect(s().past).toHaveLength(2);
  });

  it('replaces the edge in a taken port and refuses cycles and unknown ports', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    const a = s().addNode('Input', { x: 0, y: 0 }) as string;
    const b = s().addNode('Input', { x: 0, y: 100 }) as string;
    const d = s().addNode('Dense', { x: 200, y: 0 }) as string;
    const e = s().addNode('Dense', { x: 400, y: 0 }) as string;
    expect(s().connect({ source: a, target: d, targetPort: 'in' })).toBe(true);
    expect(s().connect({ source: b, target: d, targetPort: 'in' })).toBe(true);
    expect(s().doc.graph.edges.map((x) => x.source)).toEqual([b]);
    expect(s().connect({ source: d, target: e, targetPort: 'in' })).toBe(true);
    expect(s().connect({ source: e, target: d, targetPort: 'in' })).toBe(false);
    expect(s().connect({ source: d, target: d, targetPort: 'in' })).toBe(false);
    expect(s().connect({ source: a, target: e, targetPort: 'other' })).toBe(false);
    s().undo(); // d -> e
    s().undo(); // b -> d replacing a -> d
    expect(s().doc.graph.edges.map((x) => x.source)).toEqual([a]);
  });

  it('merges consecutive edits of one field session into one entry', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    const id = s().addNode('Dense', { x: 0, y: 0 }) as string;
    s().setParam(id, 'units', 1, 'focus-1');
    s().setParam(id, 'units', 12, 'focus-1');
    s().setParam(id, 'units', 128, 'focus-1');
    expect(s().past).toHaveLength(2);
    s().setParam(id, 'units', 64, 'focus-2');
    expect(s().past).toHaveLength(3);
    s().undo();
    expect(s().doc.graph.nodes[0]?.params['units']).toBe(128);
    s().undo();
    expect(s().doc.graph.nodes[0]?.params['units']).toBe(32);
  });

  it('edits training settings with undo', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    s().setTraining({ trainLimit: 2000 }, 'k');
    s().setTraining({ epochs: 3 });
    expect(s().doc.training.trainLimit).toBe(2000);
    s().undo();
    expect(s().doc.training.epochs).toBe(1);
    s().undo();
    expect(s().doc.training.trainLimit).toBeNull();
  });

  it('tracks the dirty flag against the saved revision', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    expect(s().dirty).toBe(false);
    s().addNode('Input', { x: 0, y: 0 });
    expect(s().dirty).toBe(true);
    s().markSaved('/tmp/a.nwproj', s().currentRev());
    expect(s().dirty).toBe(false);
    expect(s().filePath).toBe('/tmp/a.nwproj');
    s().undo();
    expect(s().dirty).toBe(true);
    s().redo();
    expect(s().dirty).toBe(false);
    s().loadProject(emptyProject('Other'), '/tmp/b.nwproj');
    expect(s().dirty).toBe(false);
    expect(s().past).toHaveLength(0);
    expect(s().doc.name).toBe('Other');
  });

  it('selection does not count as an edit and drops deleted ids', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    const id = s().addNode('Input', { x: 0, y: 0 }) as string;
    s().select({ nodes: [], edges: [] });
    s().select({ nodes: [id, 'ghost'], edges: [] });
    expect(s().selection.nodes).toEqual([id]);
    expect(s().past).toHaveLength(1);
    s().undo();
    expect(s().selection.nodes).toEqual([]);
  });
});
