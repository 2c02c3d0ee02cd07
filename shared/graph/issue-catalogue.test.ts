import { describe, expect, it } from 'vitest';
import { analyzeGraph } from './analyze';
import type { Graph, GraphEdge, GraphNode } from './document';
import type { GraphIssue, IssueCode } from './issues';
import { checkTrainable } from '../training/trainable';
import { analyzeWithBlocks } from './analyze-blocks';
import { BLOCK_NODE_TYPE, type BlockDefinition } from './block-schema';
import { getDataset } from '../training/datasets';

/**
 * The catalogue of issue codes, one test each: a graph that triggers the code,
 * and the message and fix a user reads. The `Record` over IssueCode makes a new
 * graph code without a test a type error.
 */

const at = { x: 0, y: 0 };
const node = (id: string, type: string, params: GraphNode['params'] = {}, name?: string): GraphNode =>
  name === undefined ? { id, type, position: at, params } : { id, type, name, position: at, params };
const edge = (source: string, target: string, targetPort = 'in', id = `${source}->${target}:${targetPort}`): GraphEdge => ({ id, source, target, targetPort });
const chain = (...nodes: GraphNode[]): Graph => ({ nodes, edges: nodes.slice(1).map((n, i) => edge(nodes[i]!.id, n.id)) });

function one(g: Graph, code: IssueCode): GraphIssue {
  const a = analyzeGraph(g);
  const found = a.issues.filter((i) => i.code === code);
  expect(found, `one ${code} in ${JSON.stringify(a.issues.map((i) => i.code))}`).toHaveLength(1);
  expect(a.valid).toBe(false);
  return found[0]!;
}

/** A block of one Dense layer; `graph` replaces its inside. */
const block = (id: string, graph: Graph = { nodes: [node('d', 'Dense', { units: 2 })], edges: [] }, output = 'd'): BlockDefinition => ({
  id,
  name: id.toUpperCase(),
  graph,
  inputs: [{ name: 'x', targets: [{ node: graph.nodes[0]?.id ?? 'd', port: 'in' }] }],
  output,
});
const use = (id: string, def: string, inputs = 1): GraphNode => node(id, BLOCK_NODE_TYPE, { block: def, inputs });

/** The one issue of `code` when `g` (with Block nodes) is analysed with `blocks`, on the Block node `nodeId`. */
function oneBlockIssue(g: Graph, blocks: BlockDefinition[], code: IssueCode, nodeId: string): GraphIssue {
  const a = analyzeWithBlocks(g, blocks).outer;
  const found = a.issues.filter((i) => i.code === code);
  expect(found, `one ${code} in ${JSON.stringify(a.issues.map((i) => i.code))}`).toHaveLength(1);
  expect(found[0]!.nodeId).toBe(nodeId);
  expect(a.nodes.get(nodeId)?.issues).toContainEqual(found[0]);
  expect(a.valid).toBe(false);
  return found[0]!;
}

/** Codes of checkTrainable (graph vs data set): tested beside shared/training/trainable.ts; two of them here too. */
type TrainingCode = 'DATA_MISMATCH' | 'OUTPUT_NOT_SOFTMAX' | 'DATA_MISSING' | 'LOSS_MISMATCH' | 'NOT_TRAINABLE_ON_BACKEND';

const CATALOGUE: Record<Exclude<IssueCode, TrainingCode>, () => void> & Partial<Record<TrainingCode, () => void>> = {
  UNKNOWN_LAYER: () => {
    const i = one(chain(node('in', 'Input', { shape: [4] }), node('x', 'Conv5D')), 'UNKNOWN_LAYER');
    expect(i.message).toBe('Unknown layer type "Conv5D".');
  },
  INVALID_PARAM: () => {
    const i = one(chain(node('in', 'Input', { shape: [4] }), node('d', 'Dense', { units: 0 })), 'INVALID_PARAM');
    expect(i.message).toBe('Dense: Units must be at least 1.');
    // Params that are fine alone but not together come from the spec, with the same code.
    const j = one(chain(node('in', 'Input', { shape: [16, 16, 3] }), node('c', 'Conv2D', { strides: [2, 2], dilationRate: [2, 2] })), 'INVALID_PARAM');
    expect(j.message).toBe('Conv2D: Conv2D cannot use strides above 1 together with a dilation rate above 1.');
    expect(j.fix).toMatch(/Strides or Dilation rate back to 1/);
  },
  CYCLE: () => {
    // A skip connection drawn backwards: add -> b -> add.
    const g: Graph = {
      nodes: [node('in', 'Input', { shape: [4] }), node('add', 'Add'), node('b', 'Dense', { units: 4 }, 'Loop')],
      edges: [edge('in', 'add', 'in1'), edge('b', 'add', 'in2'), edge('add', 'b')],
    };
    const a = analyzeGraph(g);
    const cycles = a.issues.filter((i) => i.code === 'CYCLE');
    expect(cycles.map((i) => i.nodeId).sort()).toEqual(['add', 'b']);
    expect(cycles.find((i) => i.nodeId === 'b')?.message).toBe('Loop (Dense) is part of a cycle: data would flow back into itself.');
  },
  INPUT_UNCONNECTED: () => {
    const g: Graph = { nodes: [node('a', 'Input', { shape: [4] }), node('add', 'Add')], edges: [edge('a', 'add', 'in1')] };
    const i = one(g, 'INPUT_UNCONNECTED');
    expect(i).toMatchObject({ nodeId: 'add', port: 'in2' });
    expect(i.message).toBe('Add has nothing connected to its input 2.');
  },
  PORT_TAKEN: () => {
    const g: Graph = { nodes: [node('a', 'Input', { shape: [4] }), node('b', 'Input', { shape: [4] }), node('d', 'Dense')], edges: [edge('a', 'd'), edge('b', 'd')] };
    expect(one(g, 'PORT_TAKEN').message).toBe('Dense has more than one connection into its "in" input.');
  },
  UNKNOWN_PORT: () => {
    // A merge with 2 inputs has no in3 (until its Inputs param says 3).
    const nodes = [node('a', 'Input', { shape: [4] }), node('add', 'Add', { inputs: 2 })];
    const g: Graph = { nodes, edges: [edge('a', 'add', 'in1'), edge('a', 'add', 'in2'), edge('a', 'add', 'in3')] };
    expect(one(g, 'UNKNOWN_PORT').message).toBe('Add has no input named "in3".');
    const ok = analyzeGraph({ nodes: [nodes[0]!, node('add', 'Add', { inputs: 3 })], edges: g.edges });
    expect(ok.issues).toEqual([]);
    expect(ok.nodes.get('add')?.outputShape).toEqual([null, 4]);
  },
  DANGLING_EDGE: () => {
    const g: Graph = { nodes: [node('in', 'Input', { shape: [4] }), node('d', 'Dense')], edges: [edge('in', 'd'), edge('ghost', 'd', 'in', 'g')] };
    expect(one(g, 'DANGLING_EDGE').message).toBe('A connection points to a node that does not exist (ghost).');
  },
  NO_INPUT_LAYER: () => {
    expect(one({ nodes: [node('d', 'Dense')], edges: [] }, 'NO_INPUT_LAYER').message).toBe('The model has no Input layer.');
  },
  NO_OUTPUT: () => {
    expect(one({ nodes: [node('in', 'Input')], edges: [] }, 'NO_OUTPUT').message).toBe('The model has no output layer.');
  },
  UNREACHABLE: () => {
    const g = chain(node('in', 'Input', { shape: [4] }), node('d', 'Dense'));
    const i = one({ ...g, nodes: [...g.nodes, node('spare', 'Input', { shape: [3] }, 'Extra')] }, 'UNREACHABLE');
    expect(i.nodeId).toBe('spare');
    expect(i.message).toBe('Extra (Input) is not connected to any layer, so nothing it receives reaches an output.');
    expect(i.fix).toMatch(/Connect it .* or delete it/);
  },
  DTYPE_MISMATCH: () => {
    const i = one(chain(node('in', 'Input', { shape: [100] }), node('e', 'Embedding')), 'DTYPE_MISMATCH');
    expect(i).toMatchObject({ nodeId: 'e', port: 'in' });
    expect(i.message).toBe('Embedding needs int32 token ids; Input gives float32 values.');
    expect(i.fix).toMatch(/data type to int32/);
    // int32 ids pass through Reshape-like layers, not through Dense.
    expect(analyzeGraph(chain(node('in', 'Input', { shape: [2, 5], dtype: 'int32' }), node('f', 'Flatten'), node('e', 'Embedding'))).issues).toEqual([]);
    one(chain(node('in', 'Input', { shape: [5], dtype: 'int32' }), node('d', 'Dense'), node('e', 'Embedding')), 'DTYPE_MISMATCH');
  },
  DATA_MISMATCH: () => {
    const g = chain(node('in', 'Input', { shape: [10] }), node('d', 'Dense', { units: 10, activation: 'softmax' }));
    const issues = checkTrainable(g, analyzeGraph(g), getDataset('mnist')!);
    expect(issues.map((i) => i.code)).toEqual(['DATA_MISMATCH']);
    expect(issues[0]!.message).toMatch(/^Input: its shape \[\?, 10\] does not fit .* samples of shape \[\?, 28, 28\]\.$/);
  },
  OUTPUT_NOT_SOFTMAX: () => {
    const g = chain(node('in', 'Input', { shape: [784] }), node('d', 'Dense', { units: 10 }));
    const issues = checkTrainable(g, analyzeGraph(g), getDataset('mnist')!);
    expect(issues.map((i) => [i.code, i.severity])).toEqual([['OUTPUT_NOT_SOFTMAX', 'warning']]);
  },
  RANK_MISMATCH: () => {
    const i = one(chain(node('in', 'Input', { shape: [128] }), node('l', 'LSTM')), 'RANK_MISMATCH');
    expect(i.message).toBe('LSTM: LSTM needs a sequence [batch, time, features]; it got [?, 128].');
    expect(i.fix).toBe('Put an Embedding or Reshape before it.');
    const c = one(chain(node('in', 'Input', { shape: [28, 28] }), node('c', 'Conv2D')), 'RANK_MISMATCH');
    expect(c.message).toBe('Conv2D: Conv2D needs an image [batch, height, width, channels]; it got [?, 28, 28].');
    expect(c.fix).toMatch(/28, 28, 1/);
  },
  SHAPE_MISMATCH: () => {
    const g: Graph = {
      nodes: [node('in', 'Input', { shape: [8] }), node('a', 'Dense', { units: 32 }), node('b', 'Dense', { units: 64 }), node('add', 'Add', {}, 'Skip')],
      edges: [edge('in', 'a'), edge('in', 'b'), edge('a', 'add', 'in1'), edge('b', 'add', 'in2')],
    };
    const i = one(g, 'SHAPE_MISMATCH');
    expect(i.message).toBe('Skip (Add): Add needs inputs of the same shape; it got [?, 32] and [?, 64].');
    expect(i.fix).toMatch(/same shape/);
    const r = one(chain(node('in', 'Input', { shape: [15] }), node('r', 'Reshape', { targetShape: [4, 4] })), 'SHAPE_MISMATCH');
    expect(r.message).toBe('Reshape: Reshape to [?, 4, 4] needs 16 values per sample; its input [?, 15] has 15.');
  },
  UNKNOWN_DIMENSION: () => {
    const i = one(chain(node('in', 'Input', { shape: [null] }), node('d', 'Dense')), 'UNKNOWN_DIMENSION');
    expect(i.message).toBe('Dense: Dense needs the last input dimension to be known.');
  },
  KERNEL_TOO_LARGE: () => {
    const i = one(chain(node('in', 'Input', { shape: [3, 3, 1] }), node('c', 'Conv2D', { kernelSize: [5, 5] })), 'KERNEL_TOO_LARGE');
    expect(i.message).toBe("Conv2D: Conv2D's 5x5 kernel is larger than its input [?, 3, 3, 1] with padding valid.");
    expect(i.fix).toMatch(/padding same/);
    const p = one(chain(node('in', 'Input', { shape: [1, 1, 4] }), node('p', 'MaxPooling2D')), 'KERNEL_TOO_LARGE');
    expect(p.message).toMatch(/2x2 pool window is larger than its input/);
    // padding same always fits.
    expect(analyzeGraph(chain(node('in', 'Input', { shape: [3, 3, 1] }), node('c', 'Conv2D', { kernelSize: [5, 5], padding: 'same' }))).issues).toEqual([]);
  },
  UNKNOWN_BLOCK: () => {
    const g = chain(node('in', 'Input', { shape: [4] }), use('b', 'gone'));
    const i = oneBlockIssue(g, [block('other')], 'UNKNOWN_BLOCK', 'b');
    expect(i.message).toBe('Block uses a block "gone" that this project does not define.');
    expect(i.fix).toMatch(/Blocks palette/);
  },
  BLOCK_CYCLE: () => {
    // Files with such blocks are refused when read; the analysis still must not loop forever.
    const selfUse = block('loop', { nodes: [use('inner', 'loop')], edges: [] }, 'inner');
    selfUse.inputs = [{ name: 'x', targets: [{ node: 'inner', port: 'in1' }] }];
    const i = oneBlockIssue(chain(node('in', 'Input', { shape: [4] }), use('b', 'loop')), [selfUse], 'BLOCK_CYCLE', 'b');
    expect(i.message).toBe('LOOP contains itself (loop → loop).');
  },
  BLOCK_DEFINITION: () => {
    const withInput = block('bad', { nodes: [node('d', 'Dense'), node('x', 'Input', { shape: [4] })], edges: [edge('x', 'd')] });
    const i = oneBlockIssue(chain(node('in', 'Input', { shape: [4] }), use('b', 'bad')), [withInput], 'BLOCK_DEFINITION', 'b');
    expect(i.message).toBe('Block "BAD" has an Input layer inside (x); a block\'s inputs come from the Block node\'s ports.');
    const ports = oneBlockIssue(chain(node('in', 'Input', { shape: [4] }), use('b', 'ok', 2)), [block('ok')], 'BLOCK_DEFINITION', 'b');
    expect(ports.message).toBe('Block "OK" has 1 input(s) but the node has 2.');
  },
};

describe('issue catalogue: every code is triggered and reads well', () => {
  it.each(Object.entries(CATALOGUE).filter((e): e is [string, () => void] => e[1] !== undefined))('%s', (_code, check) => check());
});
