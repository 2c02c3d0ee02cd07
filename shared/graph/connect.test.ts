import { describe, expect, it } from 'vitest';
import { analyzeGraph } from './analyze';
import { connectEdges, connectionProblem, edgesReplacedBy } from './connect';
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
const facts = (id: string) => analysis.nodes.get(id);
const check = (s: string, t: string, p = 'in') => connectionProblem(graph, { source: s, target: t, targetPort: p }, facts);

describe('connectionProblem (the one connection rule: canvas and store)', () => {
  it('accepts a connection that fits', () => {
    expect(check('ids', 'emb')).toBeNull();
    expect(check('d2', 'add', 'in3')).toBeNull();
  });

  it('refuses self-loops and cycles', () => {
    expect(check('d1', 'd1')).toBe('A layer cannot feed into itself.');
    expect(check('d2', 'lstm')).toBe('LSTM needs at least 3 dimensions (batch included); Dense gives [?, 4].');
    expect(check('add', 'd1')).toBe('That would make a loop: Dense already feeds Add.');
    const g2: Graph = { ...graph, edges: graph.edges.filter((e) => e.id !== 'e1') };
    const a2 = analyzeGraph(g2);
    expect(connectionProblem(g2, { source: 'd2', target: 'd1', targetPort: 'in' }, (id) => a2.nodes.get(id))).toBe('That would make a loop: Dense already feeds Dense.');
  });

  it('takes a taken port: the new edge replaces the old one (as dropping a wire in the editor does)', () => {
    expect(check('img', 'd2')).toBeNull();
    expect(check('d2', 'add', 'in1')).toBeNull();
    expect(edgesReplacedBy(graph, { source: 'd2', target: 'add', targetPort: 'in1' }).map((e) => e.id)).toEqual(['e3']);
    expect(edgesReplacedBy(graph, { source: 'd2', target: 'add', targetPort: 'in2' })).toEqual([]);
    const edges = connectEdges(graph, { id: 'e9', source: 'd2', target: 'add', targetPort: 'in1' });
    expect(edges.map((e) => e.id)).toEqual(['e1', 'e2', 'e9']);
    expect(edges.filter((e) => e.target === 'add' && e.targetPort === 'in1')).toHaveLength(1);
    // A free port adds the edge and keeps every other.
    expect(connectEdges(graph, { id: 'e8', source: 'd2', target: 'add', targetPort: 'in2' }).map((e) => e.id)).toEqual(['e1', 'e2', 'e3', 'e8']);
  });

  it('takes Block nodes by their input count, and checks only what it is told', () => {
    const g: Graph = { nodes: [...graph.nodes, node('blk', 'Block', { inputs: 2 })], edges: graph.edges };
    expect(connectionProblem(g, { source: 'vec', target: 'blk', targetPort: 'in2' })).toBeNull();
    expect(connectionProblem(g, { source: 'vec', target: 'blk', targetPort: 'in3' })).toBe('Block has no input "in3".');
    // Without facts about the source, ranks and element types are not judged.
    expect(connectionProblem(graph, { source: 'vec', target: 'emb', targetPort: 'in' })).toBeNull();
  });

  it('refuses unknown ports and inputs into an Input', () => {
    expect(check('d2', 'add', 'in4')).toBe('Add has no input "in4".');
    expect(check('d1', 'vec')).toBe('Input is a source: it takes no inputs.');
    expect(check('ghost', 'd1')).toBe('That layer no longer exists.');
  });

  it('refuses ranks a port never takes, and float values into an Embedding', () => {
    expect(check('vec', 'lstm')).toBe('LSTM needs at least 3 dimensions (batch included); Input gives [?, 128].');
    expect(check('img', 'dot', 'in2')).toBe("Dot's input 2 takes at most 3 dimensions (batch included); Input gives [?, 8, 8, 3]. Put a Flatten, Reshape or pooling layer between them.");
    expect(check('vec', 'emb')).toBe('Embedding needs int32 token ids; Input gives float32 values.');
  });
});
