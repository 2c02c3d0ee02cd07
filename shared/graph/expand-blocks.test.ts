import { describe, expect, it } from 'vitest';
import { analyzeGraph } from './analyze';
import { analyzeWithBlocks, modelGraph } from './analyze-blocks';
import { compileGraph } from './compile';
import { expandBlocks } from './expand-blocks';
import { RESIDUAL_BLOCK, TRANSFORMER_BLOCK_SIZES, TRANSFORMER_ENCODER_BLOCK } from './builtin-blocks';
import { BLOCK_NODE_TYPE, type BlockDefinition } from './block-schema';
import type { Graph, GraphEdge, GraphNode } from './document';

const at = { x: 0, y: 0 };
const node = (id: string, type: string, params: GraphNode['params'] = {}, name?: string): GraphNode =>
  name === undefined ? { id, type, position: at, params } : { id, type, name, position: at, params };
const edge = (source: string, target: string, targetPort = 'in'): GraphEdge => ({ id: `${source}->${target}:${targetPort}`, source, target, targetPort });
const instance = (id: string, def: BlockDefinition, name?: string): GraphNode => node(id, BLOCK_NODE_TYPE, { block: def.id, inputs: def.inputs.length }, name);

/** Dense(8) -> Dense(4): one input, one output. */
const MLP: BlockDefinition = {
  id: 'mlp',
  name: 'Mlp',
  graph: { nodes: [node('a', 'Dense', { units: 8 }), node('b', 'Dense', { units: 4 })], edges: [edge('a', 'b')] },
  inputs: [{ name: 'x', targets: [{ node: 'a', port: 'in' }] }],
  output: 'b',
};

/** A CNN stem (32 channels) -> the block under test -> pooling head. */
function cnnWith(middle: GraphNode[], middleEdges: GraphEdge[], last: string): Graph {
  return {
    nodes: [node('in', 'Input', { shape: [8, 8, 1] }), node('stem', 'Conv2D', { filters: 32, kernelSize: [3, 3], padding: 'same' }), ...middle, node('pool', 'GlobalAveragePooling2D'), node('out', 'Dense', { units: 10, activation: 'softmax' })],
    edges: [edge('in', 'stem'), ...middleEdges, edge(last, 'pool'), edge('pool', 'out')],
  };
}

describe('expandBlocks', () => {
  it('returns the graph itself when it has no Block node', () => {
    const g: Graph = { nodes: [node('in', 'Input', { shape: [4] }), node('d', 'Dense')], edges: [edge('in', 'd')] };
    expect(expandBlocks(g, [MLP]).graph).toBe(g);
  });

  it('inlines an instance: inner ids prefixed, edges in and out rewired, an input feeding two places becomes two edges', () => {
    const g: Graph = {
      nodes: [node('in', 'Input', { shape: [8, 8, 32] }), instance('res', RESIDUAL_BLOCK), node('f', 'Flatten')],
      edges: [edge('in', 'res', 'in1'), edge('res', 'f')],
    };
    const { graph, issues, ownerOf, outputOf } = expandBlocks(g, [RESIDUAL_BLOCK]);
    expect(issues).toEqual([]);
    expect(graph.nodes.map((n) => n.id)).toEqual(['in', 'res/conv1', 'res/bn1', 'res/relu1', 'res/conv2', 'res/bn2', 'res/add', 'res/relu2', 'f']);
    expect(graph.nodes.some((n) => n.type === BLOCK_NODE_TYPE)).toBe(false);
    const into = graph.edges.filter((e) => e.source === 'in').map((e) => `${e.target}:${e.targetPort}`);
    expect(into).toEqual(['res/conv1:in', 'res/add:in2']);
    expect(graph.edges.find((e) => e.target === 'f')?.source).toBe('res/relu2');
    expect(new Set(graph.edges.map((e) => e.id)).size).toBe(graph.edges.length);
    expect(ownerOf.get('res/bn2')).toBe('res');
    expect(ownerOf.get('f')).toBe('f');
    expect(outputOf.get('res')).toBe('res/relu2');
  });

  it('two instances of one definition share nothing: separate nodes, twice the weights', () => {
    const g: Graph = {
      nodes: [node('in', 'Input', { shape: [16] }), instance('m1', MLP), node('mid', 'Dense', { units: 16 }), instance('m2', MLP)],
      edges: [edge('in', 'm1', 'in1'), edge('m1', 'mid'), edge('mid', 'm2', 'in1')],
    };
    const { graph } = expandBlocks(g, [MLP]);
    expect(graph.nodes.map((n) => n.id)).toEqual(['in', 'm1/a', 'm1/b', 'mid', 'm2/a', 'm2/b']);
    const a = analyzeWithBlocks(g, [MLP]);
    expect(a.outer.valid).toBe(true);
    expect(a.outer.nodes.get('m1')?.params).toBe(16 * 8 + 8 + (8 * 4 + 4));
    expect(a.outer.nodes.get('m2')?.params).toBe(16 * 8 + 8 + (8 * 4 + 4));
    expect(a.outer.totalParams).toBe(2 * (16 * 8 + 8 + 8 * 4 + 4) + (4 * 16 + 16));
    const plan = compileGraph(a.model, a.expanded);
    expect(new Set(plan.layers.map((l) => l.name)).size).toBe(plan.layers.length);
    expect(plan.layers.map((l) => l.nodeId)).toEqual(['m1/a', 'm1/b', 'mid', 'm2/a', 'm2/b']);
  });

  it('nested blocks: a block whose inside uses another block expands all the way, ids nested', () => {
    const twice: BlockDefinition = {
      id: 'twice',
      name: 'Twice',
      graph: { nodes: [instance('first', MLP), node('act', 'Activation', { activation: 'relu' }), instance('second', MLP)], edges: [edge('first', 'act'), edge('act', 'second', 'in1')] },
      inputs: [{ name: 'x', targets: [{ node: 'first', port: 'in1' }] }],
      output: 'second',
    };
    const g: Graph = { nodes: [node('in', 'Input', { shape: [4] }), instance('t', twice), node('out', 'Dense', { units: 2 })], edges: [edge('in', 't', 'in1'), edge('t', 'out')] };
    const { graph, outputOf } = expandBlocks(g, [MLP, twice]);
    expect(graph.nodes.map((n) => n.id)).toEqual(['in', 't/first/a', 't/first/b', 't/act', 't/second/a', 't/second/b', 'out']);
    expect(graph.edges.map((e) => `${e.source}>${e.target}`)).toEqual(['t/first/a>t/first/b', 't/second/a>t/second/b', 't/first/b>t/act', 't/act>t/second/a', 'in>t/first/a', 't/second/b>out']);
    expect(outputOf.get('t')).toBe('t/second/b');
    const a = analyzeWithBlocks(g, [MLP, twice]);
    expect(a.outer.valid).toBe(true);
    expect(a.outer.nodes.get('t')?.outputShape).toEqual([null, 4]);
    expect(a.outer.nodes.get('t')?.params).toBe(4 * 8 + 8 + 8 * 4 + 4 + (4 * 8 + 8 + 8 * 4 + 4));
  });

  it('modelGraph expands a project and leaves one without blocks alone', () => {
    const g: Graph = { nodes: [node('in', 'Input', { shape: [4] }), instance('m', MLP)], edges: [edge('in', 'm', 'in1')] };
    expect(modelGraph({ graph: g, blocks: [MLP] }).nodes.map((n) => n.id)).toEqual(['in', 'm/a', 'm/b']);
    expect(modelGraph({ graph: g })).not.toBe(g);
  });
});

describe('analyzeWithBlocks', () => {
  it('a ResidualBlock counts exactly what the same layers drawn flat count, and compiles to the same layers', () => {
    const withBlock = cnnWith([instance('res', RESIDUAL_BLOCK)], [edge('stem', 'res', 'in1')], 'res');
    const flatInner = RESIDUAL_BLOCK.graph.nodes;
    const flat = cnnWith(
      flatInner,
      [...RESIDUAL_BLOCK.graph.edges, edge('stem', 'conv1'), edge('stem', 'add', 'in2')],
      'relu2',
    );
    const a = analyzeWithBlocks(withBlock, [RESIDUAL_BLOCK]);
    const b = analyzeGraph(flat);
    expect(b.valid).toBe(true);
    expect(a.outer.valid).toBe(true);
    expect(a.outer.totalParams).toBe(b.totalParams);
    expect(a.outer.totalMacs).toBe(b.totalMacs);
    // conv (3*3*32*32 + 32) and batch norm (4*32) twice.
    expect(a.outer.nodes.get('res')?.params).toBe(2 * (3 * 3 * 32 * 32 + 32) + 2 * 4 * 32);
    expect(a.outer.nodes.get('res')?.outputShape).toEqual([null, 8, 8, 32]);
    expect(a.outer.edgeShapes.get('res->pool:in')).toEqual([null, 8, 8, 32]);
    expect(a.outer.order).toEqual(['in', 'stem', 'res', 'pool', 'out']);
    const blockPlan = compileGraph(a.model, a.expanded);
    const flatPlan = compileGraph(flat, b);
    expect(blockPlan.layers.map((l) => [l.factory, l.config])).toEqual(flatPlan.layers.map((l) => [l.factory, l.config]));
  });

  it('the TransformerEncoder block has the parameter count of the TransformerEncoder layer (keras-hub) at the same sizes', () => {
    const { features, heads, feedForward } = TRANSFORMER_BLOCK_SIZES;
    const input = node('in', 'Input', { shape: [10, features] });
    const block: Graph = { nodes: [input, instance('enc', TRANSFORMER_ENCODER_BLOCK)], edges: [edge('in', 'enc', 'in1')] };
    const layer: Graph = { nodes: [input, node('enc', 'TransformerEncoder', { numHeads: heads, intermediateDim: feedForward })], edges: [edge('in', 'enc')] };
    const a = analyzeWithBlocks(block, [TRANSFORMER_ENCODER_BLOCK]);
    const b = analyzeGraph(layer);
    expect(a.outer.valid).toBe(true);
    expect(a.outer.nodes.get('enc')?.outputShape).toEqual([null, 10, features]);
    expect(a.outer.nodes.get('enc')?.params).toBe(b.nodes.get('enc')?.params);
    // keras_hub.layers.TransformerEncoder(128, 4) on 64 features: 33,472 parameters.
    expect(a.outer.totalParams).toBe(33_472);
  });

  it('an inner problem is reported on the Block node, naming the block and the inner layer', () => {
    // A ResidualBlock after 16 channels: the Add cannot add 32 to 16 channels.
    const g: Graph = {
      nodes: [node('in', 'Input', { shape: [8, 8, 16] }), instance('res', RESIDUAL_BLOCK, 'Res A')],
      edges: [edge('in', 'res', 'in1')],
    };
    const a = analyzeWithBlocks(g, [RESIDUAL_BLOCK]);
    expect(a.outer.valid).toBe(false);
    const issue = a.outer.nodes.get('res')?.issues[0];
    expect(issue?.nodeId).toBe('res');
    expect(issue?.code).toBe('SHAPE_MISMATCH');
    expect(issue?.message).toMatch(/^In block Res A: Add: /);
    expect(a.outer.issues.every((i) => i.nodeId === undefined || g.nodes.some((n) => n.id === i.nodeId))).toBe(true);
    // Unconnected block input: the inner layers lack input, reported on the block.
    const open = analyzeWithBlocks({ nodes: [node('in', 'Input', { shape: [4] }), instance('m', MLP)], edges: [] }, [MLP]);
    expect(open.outer.nodes.get('m')?.issues.map((i) => i.code)).toContain('INPUT_UNCONNECTED');
  });
});
