import { describe, expect, it } from 'vitest';
import { analyzeGraph } from './analyze';
import { canConnect } from './connect';
import type { Graph, GraphNode } from './document';

const at = { x: 0, y: 0 };
const node = (id: string, type: string, params: GraphNode['params'] = {}): GraphNode => ({ id, type, position: at, params });

const graph: Graph = {
  nodes: [
    node('vec', 'Input', { shape: [128] }),
    node('ids', 'Input', { shape: [20], dtype: 'int32' }),
    node('img', 'Input', { shape: [8, 8, 3] }),
    node('d1', 'Dense', { units: 4 }),
    node('d2', 'Dense', { units: 4 }),
    node('lstm', 'LSTM'),
    node('emb', 'Embedding'),
    node('add', 'Add', { inputs: 3 }),
    node('dot', 'Dot'),
  ],
  edges: [
    { id: 'e1', source: 'vec', target: 'd1', targetPort: 'in' },
    { id: 'e2', source: 'd1', target: 'd2', targetPort: 'in' },
    { id: 'e3', source: 'd1', target: 'add', targetPort: 'in1' },
  ],
};
const analysis = analyzeGraph(graph);
const check = (s: string, t: string, p = 'in') => canConnect(graph, analysis, s, t, p);

describe('canConnect', () => {
  it('accepts a connection that fits', () => {
    expect(check('ids', 'emb')).toEqual({ ok: true });
    expect(check('d2', 'add', 'in3')).toEqual({ ok: true });
    expect(check('img', 'd2')).toEqual({ ok: false, reason: 'Dense is already connected. Delete that connection first, or merge the branches with Add or Concatenate.' });
  });

  it('refuses self-loops and cycles', () => {
    expect(check('d1', 'd1')).toEqual({ ok: false, reason: 'A layer cannot feed into itself.' });
    expect(check('d2', 'lstm')).toEqual({ ok: false, reason: 'LSTM needs at least 3 dimensions (batch included); Dense gives [?, 4].' });
    const cyc = canConnect(graph, analysis, 'add', 'd1', 'in');
    expect(cyc.ok).toBe(false);
    const g2: Graph = { ...graph, edges: graph.edges.filter((e) => e.id !== 'e1') };
    expect(canConnect(g2, analyzeGraph(g2), 'd2', 'd1', 'in')).toEqual({ ok: false, reason: 'That would make a loop: Dense already feeds Dense.' });
  });

  it('refuses a taken port, naming it on multi-input layers', () => {
    expect(check('d2', 'add', 'in1')).toEqual({
      ok: false,
      reason: "Add's input 1 is already connected. Delete that connection first, or merge the branches with Add or Concatenate.",
    });
  });

  it('refuses unknown ports and inputs into an Input', () => {
    expect(check('d2', 'add', 'in4')).toEqual({ ok: false, reason: 'Add has no input "in4".' });
    expect(check('d1', 'vec')).toEqual({ ok: false, reason: 'Input is a source: it takes no inputs.' });
    expect(check('ghost', 'd1')).toEqual({ ok: false, reason: 'That layer no longer exists.' });
  });

  it('refuses ranks a port never takes, and float values into an Embedding', () => {
    expect(check('vec', 'lstm')).toEqual({ ok: false, reason: 'LSTM needs at least 3 dimensions (batch included); Input gives [?, 128].' });
    expect(check('img', 'dot', 'in2')).toEqual({
      ok: false,
      reason: "Dot's input 2 takes at most 3 dimensions (batch included); Input gives [?, 8, 8, 3]. Put a Flatten, Reshape or pooling layer between them.",
    });
    expect(check('vec', 'emb')).toEqual({ ok: false, reason: 'Embedding needs int32 token ids; Input gives float32 values.' });
  });
});
