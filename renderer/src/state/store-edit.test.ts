import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../shared/graph/analyze';
import { createEditorStore } from './store';
import { connectionProblem } from '../../../shared/graph/connect';
import { layoutLeftToRight } from '../graph/layout';
import { parseClip } from '../../../shared/graph/clipboard';

function chain() {
  const store = createEditorStore();
  const s = () => store.getState();
  const input = s().addNode('Input', { x: 0, y: 0 }) as string;
  const flatten = s().addNode('Flatten', { x: 300, y: 0 }) as string;
  const out = s().addNode('Dense', { x: 600, y: 0 }) as string;
  s().connect({ source: input, target: flatten, targetPort: 'in' });
  s().connect({ source: flatten, target: out, targetPort: 'in' });
  return { store, s, input, flatten, out };
}

describe('editing beyond add/connect', () => {
  it('copies the selection with its inner connections and pastes fresh ids into another project', () => {
    const { s, input, flatten, out } = chain();
    s().select({ nodes: [input, flatten], edges: [] });
    const text = s().copySelection() as string;
    const clip = parseClip(text);
    expect(clip?.nodes.map((n) => n.id)).toEqual([input, flatten]);
    expect(clip?.edges).toHaveLength(1); // flatten -> out is not copied
    expect(out).toBe('dense_1');

    const other = createEditorStore();
    const ids = other.getState().paste(text, { x: 100, y: 50 }) as string[];
    expect(ids).toEqual(['input_1', 'flatten_1']);
    expect(other.getState().doc.graph.nodes[0]?.position).toEqual({ x: 100, y: 50 });
    expect(other.getState().doc.graph.edges).toHaveLength(1);
    expect(other.getState().selection.nodes).toEqual(ids);
    other.getState().undo();
    expect(other.getState().doc.graph.nodes).toHaveLength(0);
  });

  it('freezes every layer with weights before a layer in one undo step, and unfreezes them', () => {
    const { s, input, out } = chain();
    const hidden = s().addNode('Dense', { x: 450, y: 0 }) as string;
    const flatten = s().doc.graph.nodes.find((n) => n.type === 'Flatten')?.id as string;
    s().connect({ source: flatten, target: hidden, targetPort: 'in' });
    s().connect({ source: hidden, target: out, targetPort: 'in' });
    const total = analyzeGraph(s().doc.graph).totalParams;
    expect(s().freezeBefore(out, true)).toBe(1);
    const frozen = analyzeGraph(s().doc.graph);
    expect(frozen.nodes.get(hidden)?.trainable).toBe(false);
    expect(frozen.nodes.get(out)?.trainable).toBe(true);
    expect(frozen.nonTrainableParams).toBe(frozen.nodes.get(hidden)?.params);
    expect(s().freezeBefore(out, true)).toBe(0); // already frozen: no empty undo step
    s().undo();
    expect(analyzeGraph(s().doc.graph).nonTrainableParams).toBe(0);
    s().redo();
    expect(s().freezeBefore(out, false)).toBe(1);
    expect(analyzeGraph(s().doc.graph).trainableParams).toBe(total);
    expect(s().doc.graph.nodes.find((n) => n.id === input)?.params['trainable']).toBeUndefined();
  });

  it('refuses text that is not Netwright layers', () => {
    const store = createEditorStore();
    expect(store.getState().paste('hello')).toBeNull();
    expect(store.getState().paste('{"format":"netwright-clipboard","version":1,"nodes":[],"edges":[]}')).toBeNull();
    expect(store.getState().past).toHaveLength(0);
  });

  it('duplicates next to the original with new ids, one undo step', () => {
    const { s, input, flatten } = chain();
    s().select({ nodes: [input, flatten], edges: [] });
    const before = s().past.length;
    const ids = s().duplicateSelection() as string[];
    expect(ids).toEqual(['input_2', 'flatten_2']);
    expect(s().doc.graph.nodes.find((n) => n.id === 'flatten_2')?.position).toEqual({ x: 340, y: 40 });
    expect(s().past.length).toBe(before + 1);
    expect(s().doc.graph.edges.filter((e) => e.source === 'input_2' && e.target === 'flatten_2')).toHaveLength(1);
  });

  it('renames and undoes the rename; an empty name removes it', () => {
    const { s, out } = chain();
    s().renameNode(out, '  classifier ');
    expect(s().doc.graph.nodes.find((n) => n.id === out)?.name).toBe('classifier');
    s().renameNode(out, '');
    expect(s().doc.graph.nodes.find((n) => n.id === out)).not.toHaveProperty('name');
    s().undo();
    expect(s().doc.graph.nodes.find((n) => n.id === out)?.name).toBe('classifier');
    s().undo();
    expect(s().doc.graph.nodes.find((n) => n.id === out)).not.toHaveProperty('name');
  });

  it('splices a dropped layer into a connection, undone in one step', () => {
    const { s, flatten, out } = chain();
    const edge = s().doc.graph.edges.find((e) => e.source === flatten) as { id: string };
    const id = s().addNode('Dense', { x: 450, y: 0 }, edge.id) as string;
    const g = s().doc.graph;
    expect(g.edges.some((e) => e.id === edge.id)).toBe(false);
    expect(g.edges.some((e) => e.source === flatten && e.target === id)).toBe(true);
    expect(g.edges.some((e) => e.source === id && e.target === out)).toBe(true);
    expect(analyzeGraph(g).valid).toBe(true);
    s().undo();
    expect(s().doc.graph.nodes.some((n) => n.id === id)).toBe(false);
    expect(s().doc.graph.edges.some((e) => e.id === edge.id)).toBe(true);
  });

  it('splices a dragged unconnected layer into a connection; undo restores edge and position', () => {
    const { s, flatten } = chain();
    const free = s().addNode('Dropout', { x: 0, y: 300 }) as string;
    const edge = s().doc.graph.edges.find((e) => e.source === flatten) as { id: string };
    expect(s().canInsert(free, edge.id)).toBe(true);
    expect(s().canInsert(flatten, edge.id)).toBe(false); // an end of that edge
    s().dragNodes(new Map([[free, { x: 450, y: 10 }]]));
    s().endMove(new Map([[free, { x: 0, y: 300 }]]), edge.id);
    expect(s().doc.graph.edges).toHaveLength(3);
    expect(s().canInsert(free, s().doc.graph.edges[0]?.id as string)).toBe(false); // now connected
    s().undo();
    expect(s().doc.graph.edges.map((e) => e.id)).toContain(edge.id);
    expect(s().doc.graph.nodes.find((n) => n.id === free)?.position).toEqual({ x: 0, y: 300 });
  });

  it('aligns the selection and lays the graph out left to right, each one undo step', () => {
    const { s, input, flatten, out } = chain();
    s().dragNodes(new Map([[flatten, { x: 310, y: 90 }]]));
    s().endMove(new Map([[flatten, { x: 300, y: 0 }]]));
    s().select({ nodes: [input, flatten], edges: [] });
    s().alignSelection('top');
    expect(s().doc.graph.nodes.find((n) => n.id === flatten)?.position).toEqual({ x: 310, y: 0 });
    s().undo();
    expect(s().doc.graph.nodes.find((n) => n.id === flatten)?.position).toEqual({ x: 310, y: 90 });

    const pos = layoutLeftToRight(s().doc.graph, () => ({ width: 180, height: 80 }));
    const x = (id: string) => pos.get(id)?.x ?? NaN;
    expect(x(input)).toBeLessThan(x(flatten));
    expect(x(flatten)).toBeLessThan(x(out));
    expect(pos.get(input)?.y).toBe(pos.get(out)?.y);
    s().setPositions(pos, 'auto-layout');
    expect(s().doc.graph.nodes.find((n) => n.id === out)?.position).toEqual(pos.get(out));
    s().undo();
    expect(s().doc.graph.nodes.find((n) => n.id === out)?.position).toEqual({ x: 600, y: 0 });
  });

  it('stacks parallel branches in one column', () => {
    const store = createEditorStore();
    const s = store.getState();
    const a = s.addNode('Input', { x: 0, y: 0 }) as string;
    const b = s.addNode('Dense', { x: 0, y: 0 }) as string;
    const c = s.addNode('Dense', { x: 0, y: 0 }) as string;
    store.getState().connect({ source: a, target: b, targetPort: 'in' });
    store.getState().connect({ source: a, target: c, targetPort: 'in' });
    const pos = layoutLeftToRight(store.getState().doc.graph, () => ({ width: 100, height: 50 }));
    expect(pos.get(b)?.x).toBe(pos.get(c)?.x);
    expect(Math.abs((pos.get(b)?.y ?? 0) - (pos.get(c)?.y ?? 0))).toBeGreaterThanOrEqual(50);
  });
});

describe('connection rules', () => {
  it('explains why a connection is refused', () => {
    const { s, input, flatten, out } = chain();
    const g = s().doc.graph;
    expect(connectionProblem(g, { source: out, target: out, targetPort: 'in' })).toMatch(/itself/);
    expect(connectionProblem(g, { source: out, target: input, targetPort: 'in' })).toMatch(/takes no inputs/);
    expect(connectionProblem(g, { source: out, target: flatten, targetPort: 'in' })).toMatch(/loop/);
    expect(connectionProblem(g, { source: input, target: out, targetPort: 'nope' })).toMatch(/no input "nope"/);
    expect(connectionProblem(g, { source: input, target: out, targetPort: 'in' })).toBeNull();
  });

  it('refuses a rank the port can never take, naming the shapes', () => {
    const store = createEditorStore();
    const d = store.getState().addNode('Dense', { x: 0, y: 0 }) as string;
    const conv = store.getState().addNode('Conv2D', { x: 0, y: 0 });
    if (!conv) return; // the layer catalog has no Conv2D yet
    const why = connectionProblem(store.getState().doc.graph, { source: d, target: conv, targetPort: 'in' }, () => ({ outputShape: [null, 128] }));
    expect(why).toMatch(/needs at least 4 dimensions/);
    expect(why).toContain('[?, 128]');
  });
});

describe('segmentAt', () => {
  it('finds the nearest connection under a point, not near its ends', async () => {
    const { segmentAt } = await import('../graph/hit');
    const segs = [
      { id: 'a', a: { x: 0, y: 0 }, b: { x: 400, y: 0 } },
      { id: 'b', a: { x: 0, y: 100 }, b: { x: 400, y: 100 } },
    ];
    expect(segmentAt({ x: 200, y: 20 }, segs, 40)).toBe('a');
    expect(segmentAt({ x: 200, y: 70 }, segs, 40)).toBe('b');
    expect(segmentAt({ x: 200, y: 50 }, segs, 40)).toBe(null);
    expect(segmentAt({ x: 5, y: 0 }, segs, 40)).toBe(null);
  });
});

describe('opening a document', () => {
  it('a recovered document opens unsaved; a template note keeps Train off until another opens', () => {
    const store = createEditorStore();
    const doc = store.getState().doc;
    store.getState().loadProject(doc, '/tmp/x.nwproj', { unsaved: true });
    expect(store.getState().dirty).toBe(true);
    store.getState().loadProject(doc, null, { trainNote: 'needs IMDB' });
    expect(store.getState().dirty).toBe(false);
    expect(store.getState().trainNote).toBe('needs IMDB');
    store.getState().newProject();
    expect(store.getState().trainNote).toBeNull();
  });
});
