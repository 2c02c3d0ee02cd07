import { describe, expect, it } from 'vitest';
import { analyzeGraph } from './analyze';
import { analyzeWithBlocks } from './analyze-blocks';
import { groupNodes, ungroupNode, type Grouping } from './group-blocks';
import { RESIDUAL_BLOCK } from './builtin-blocks';
import type { Graph, GraphEdge, GraphNode } from './document';
import type { BlockDefinition } from './block-schema';

const node = (id: string, type: string, params: GraphNode['params'] = {}, x = 0): GraphNode => ({ id, type, position: { x, y: 10 }, params });
const edge = (source: string, target: string, targetPort = 'in'): GraphEdge => ({ id: `${source}->${target}:${targetPort}`, source, target, targetPort });

/** The graph after a grouping, and the project's blocks. */
function apply(graph: Graph, g: Grouping): Graph {
  const gone = new Set(g.removedNodes.map((n) => n.id));
  const goneEdges = new Set(g.removedEdges.map((e) => e.id));
  return {
    nodes: [...graph.nodes.filter((n) => !gone.has(n.id)), g.instance],
    edges: [...graph.edges.filter((e) => !goneEdges.has(e.id)), ...g.addedEdges],
  };
}

const mlp: Graph = {
  nodes: [node('in', 'Input', { shape: [12] }), node('d1', 'Dense', { units: 8 }, 200), node('d2', 'Dense', { units: 6 }, 400), node('out', 'Dense', { units: 3, activation: 'softmax' }, 600)],
  edges: [edge('in', 'd1'), edge('d1', 'd2'), edge('d2', 'out')],
};

/** The flat residual block after a 32-channel stem, then a head. */
const residualFlat: Graph = {
  nodes: [node('in', 'Input', { shape: [8, 8, 1] }), node('stem', 'Conv2D', { filters: 32, padding: 'same' }), ...RESIDUAL_BLOCK.graph.nodes, node('pool', 'GlobalAveragePooling2D'), node('out', 'Dense', { units: 10, activation: 'softmax' })],
  edges: [edge('in', 'stem'), edge('stem', 'conv1'), edge('stem', 'add', 'in2'), ...RESIDUAL_BLOCK.graph.edges, edge('relu2', 'pool'), edge('pool', 'out')],
};

function grouped(graph: Graph, ids: string[], name = 'Group'): { graph: Graph; block: BlockDefinition; grouping: Grouping } {
  const r = groupNodes(graph, ids, name, new Set());
  if (!r.ok) throw new Error(r.reason);
  return { graph: apply(graph, r.grouping), block: r.grouping.block, grouping: r.grouping };
}

describe('groupNodes', () => {
  it('replaces the selection with one Block node; parameter counts and the output shape stay the same', () => {
    const { graph, block, grouping } = grouped(mlp, ['d1', 'd2'], '  Hidden  ');
    expect(block).toMatchObject({ name: 'Hidden', output: 'd2', inputs: [{ name: 'in', targets: [{ node: 'd1', port: 'in' }] }] });
    expect(block.graph.nodes.map((n) => [n.id, n.position.x])).toEqual([['d1', 0], ['d2', 200]]);
    expect(grouping.instance).toMatchObject({ type: 'Block', name: 'Hidden', position: { x: 200, y: 10 }, params: { block: block.id, inputs: 1 } });
    expect(graph.nodes.map((n) => n.id)).toEqual(['in', 'out', grouping.instance.id]);
    const before = analyzeGraph(mlp);
    const after = analyzeWithBlocks(graph, [block]).outer;
    expect(after.valid).toBe(true);
    expect(after.totalParams).toBe(before.totalParams);
    expect(after.nodes.get(grouping.instance.id)?.params).toBe((12 * 8 + 8) + (8 * 6 + 6));
    expect(after.nodes.get(grouping.instance.id)?.outputShape).toEqual([null, 6]);
  });

  it('an outside layer feeding two selected ports becomes one input with two targets (a residual skip)', () => {
    const ids = RESIDUAL_BLOCK.graph.nodes.map((n) => n.id);
    const { graph, block } = grouped(residualFlat, ids, 'Res');
    expect(block.inputs).toEqual([{ name: 'stem', targets: [{ node: 'conv1', port: 'in' }, { node: 'add', port: 'in2' }] }]);
    expect(block.output).toBe('relu2');
    expect(analyzeWithBlocks(graph, [block]).outer.totalParams).toBe(analyzeGraph(residualFlat).totalParams);
  });

  it('refuses what cannot be a block, saying why', () => {
    const reason = (g: Graph, ids: string[], name = 'B') => {
      const r = groupNodes(g, ids, name, new Set());
      return r.ok ? null : r.reason;
    };
    expect(reason(mlp, [])).toBe('Select the layers to group first.');
    expect(reason(mlp, ['in', 'd1'])).toMatch(/^Input cannot go into a block/);
    expect(reason(mlp, ['d1'], '   ')).toBe('Give the block a name.');
    const branches: Graph = { ...mlp, nodes: [...mlp.nodes, node('side', 'Dense')], edges: [...mlp.edges, edge('d1', 'side')] };
    expect(reason({ ...branches, nodes: [...branches.nodes, node('tail', 'Dense')], edges: [...branches.edges, edge('side', 'tail')] }, ['d1', 'd2', 'side'])).toMatch(/^A block has one output, but several selected layers feed/);
    expect(reason(branches, ['d1', 'd2', 'side', 'out'])).toMatch(/^A block has one output, but several selected layers end/);
    expect(reason({ nodes: [node('a', 'Dense')], edges: [] }, ['a'])).toMatch(/needs at least one input/);
  });
});

describe('ungroupNode', () => {
  it('puts the layers back where they were, reconnected; analysis equals the original', () => {
    const { graph, block, grouping } = grouped(mlp, ['d1', 'd2']);
    const u = ungroupNode(graph, grouping.instance.id, [block]);
    expect(u).not.toBeNull();
    if (!u) return;
    const gone = new Set(u.removedEdges.map((e) => e.id));
    const back: Graph = { nodes: [...graph.nodes.filter((n) => n.id !== grouping.instance.id), ...u.addedNodes], edges: [...graph.edges.filter((e) => !gone.has(e.id)), ...u.addedEdges] };
    expect(u.addedNodes.map((n) => [n.id, n.position])).toEqual([['d1', { x: 200, y: 10 }], ['d2', { x: 400, y: 10 }]]);
    const a = analyzeGraph(back);
    expect(a.valid).toBe(true);
    expect(a.totalParams).toBe(analyzeGraph(mlp).totalParams);
    expect(back.edges.map((e) => `${e.source}>${e.target}`).sort()).toEqual(['d1>d2', 'd2>out', 'in>d1']);
  });

  it('ungrouping a second instance gives fresh ids; a non-block or unknown block gives null', () => {
    const g: Graph = { nodes: [node('d1', 'Dense'), node('b', 'Block', { block: RESIDUAL_BLOCK.id, inputs: 1 })], edges: [] };
    const u = ungroupNode({ ...g, nodes: [...g.nodes, node('conv1', 'Conv2D')] }, 'b', [RESIDUAL_BLOCK]);
    expect(u?.addedNodes[0]?.id).toBe('conv1_1');
    expect(u?.addedEdges[0]?.source).toBe('conv1_1');
    expect(ungroupNode(g, 'd1', [RESIDUAL_BLOCK])).toBeNull();
    expect(ungroupNode(g, 'b', [])).toBeNull();
  });
});
