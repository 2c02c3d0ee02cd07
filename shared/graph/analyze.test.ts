import { describe, expect, it } from 'vitest';
import { analyzeGraph } from './analyze';
import type { Graph, GraphEdge, GraphNode } from './document';
import type { IssueCode } from './issues';

const at = { x: 0, y: 0 };
const node = (id: string, type: string, params: GraphNode['params'] = {}, name?: string): GraphNode =>
  name === undefined ? { id, type, position: at, params } : { id, type, name, position: at, params };
const edge = (source: string, target: string, targetPort = 'in', id = `${source}->${target}`): GraphEdge => ({ id, source, target, targetPort });
const graph = (nodes: GraphNode[], edges: GraphEdge[] = []): Graph => ({ nodes, edges });

const input = (id = 'in', shape: number[] = [28, 28], name?: string) => node(id, 'Input', { shape }, name);
const dense = (id: string, units = 10, name?: string, extra: GraphNode['params'] = {}) => node(id, 'Dense', { units, ...extra }, name);

function only(g: Graph, code: IssueCode) {
  const a = analyzeGraph(g);
  const found = a.issues.filter((i) => i.code === code);
  expect(found, `exactly one ${code} in ${JSON.stringify(a.issues.map((i) => i.code))}`).toHaveLength(1);
  return { issue: found[0]!, analysis: a };
}

describe('analyzeGraph: a valid chain', () => {
  it('orders nodes, infers shapes, counts params and reports nothing', () => {
    const g = graph([dense('out', 10), node('flat', 'Flatten'), input()], [edge('in', 'flat'), edge('flat', 'out')]);
    const a = analyzeGraph(g);
    expect(a.issues).toEqual([]);
    expect(a.valid).toBe(true);
    expect(a.order).toEqual(['in', 'flat', 'out']);
    expect(a.inputs).toEqual(['in']);
    expect(a.outputs).toEqual(['out']);
    expect(a.nodes.get('out')).toEqual({ id: 'out', type: 'Dense', outputShape: [null, 10], params: 7850, trainableParams: 7850, nonTrainableParams: 0, trainable: true, macs: 7840, activationBytes: 40, dtype: 'float32', issues: [] });
    expect(a.totalParams).toBe(7850);
    expect([a.trainableParams, a.nonTrainableParams]).toEqual([7850, 0]);
    expect(a.edgeShapes.get('flat->out')).toEqual([null, 784]);
  });

  it('counts a frozen layer\'s weights as non-trainable, and BatchNormalization\'s moving statistics always (Keras\'s summary)', () => {
    const bn = { id: 'bn', type: 'BatchNormalization', position: { x: 0, y: 0 }, params: {} };
    const g = graph([input('in', [784]), { ...dense('d'), params: { units: 4, trainable: false } }, bn], [edge('in', 'd'), edge('d', 'bn')]);
    const a = analyzeGraph(g);
    expect(a.issues).toEqual([]);
    // Dense 784x4 + 4 frozen; BatchNormalization 4 channels: gamma, beta trainable, moving mean and variance not.
    expect(a.nodes.get('d')).toMatchObject({ params: 3140, trainableParams: 0, nonTrainableParams: 3140, trainable: false });
    expect(a.nodes.get('bn')).toMatchObject({ params: 16, trainableParams: 8, nonTrainableParams: 8, trainable: true });
    expect([a.totalParams, a.trainableParams, a.nonTrainableParams]).toEqual([3156, 8, 3148]);
  });

  it('does not mutate the graph it is given', () => {
    const g = graph([input(), dense('d')], [edge('in', 'd')]);
    const before = JSON.stringify(g);
    analyzeGraph(g);
    expect(JSON.stringify(g)).toBe(before);
  });
});

describe('analyzeGraph: each issue names the node and reads well', () => {
  it('CYCLE: every node on the loop, by its name', () => {
    const g = graph([input(), dense('a', 4, 'Encoder'), dense('b', 4)], [edge('a', 'b'), edge('b', 'a')]);
    const a = analyzeGraph(g);
    const cycles = a.issues.filter((i) => i.code === 'CYCLE');
    expect(cycles.map((i) => i.nodeId).sort()).toEqual(['a', 'b']);
    const enc = cycles.find((i) => i.nodeId === 'a')!;
    expect(enc.severity).toBe('error');
    expect(enc.message).toBe('Encoder (Dense) is part of a cycle: data would flow back into itself.');
    expect(enc.fix).toMatch(/Remove one of the connections/);
    expect(a.nodes.get('a')!.issues).toContain(enc);
    expect(a.order).toEqual(['in']);
    expect(a.valid).toBe(false);
  });

  it('CYCLE: nodes merely downstream of a loop are not called part of it', () => {
    const g = graph([input(), dense('a', 4), dense('b', 4), dense('c', 4)], [edge('a', 'b'), edge('b', 'a'), edge('b', 'c')]);
    const a = analyzeGraph(g);
    expect(a.issues.filter((i) => i.code === 'CYCLE').map((i) => i.nodeId).sort()).toEqual(['a', 'b']);
    expect(a.nodes.get('c')!.issues).toEqual([]);
    expect(a.nodes.get('c')!.outputShape).toBeNull();
  });

  it('INPUT_UNCONNECTED: names the node and its port', () => {
    const { issue } = only(graph([input(), dense('d', 10, 'Classifier')]), 'INPUT_UNCONNECTED');
    expect(issue).toMatchObject({ severity: 'error', nodeId: 'd', port: 'in' });
    expect(issue.message).toBe('Classifier (Dense) has nothing connected to its input.');
  });

  it('PORT_TAKEN: the second edge into one port is refused, the first kept', () => {
    const g = graph([input('a', [3]), input('b', [5]), dense('d', 2)], [edge('a', 'd', 'in', 'first'), edge('b', 'd', 'in', 'second')]);
    const { issue, analysis } = only(g, 'PORT_TAKEN');
    expect(issue).toMatchObject({ severity: 'error', nodeId: 'd', port: 'in', edgeId: 'second' });
    expect(issue.message).toBe('Dense has more than one connection into its "in" input.');
    expect(analysis.nodes.get('d')!.outputShape).toEqual([null, 2]);
    expect(analysis.nodes.get('d')!.params).toBe(3 * 2 + 2);
  });

  it('UNKNOWN_PORT: names the node and the port', () => {
    const { issue } = only(graph([input(), dense('d', 2, 'Head')], [edge('in', 'd', 'kernel', 'e')]), 'UNKNOWN_PORT');
    expect(issue).toMatchObject({ severity: 'error', nodeId: 'd', port: 'kernel', edgeId: 'e' });
    expect(issue.message).toBe('Head (Dense) has no input named "kernel".');
  });

  it('DANGLING_EDGE: names the missing end, whichever it is', () => {
    const fromGhost = only(graph([input(), dense('d')], [edge('in', 'd'), edge('ghost', 'd', 'in', 'g1')]), 'DANGLING_EDGE').issue;
    expect(fromGhost).toMatchObject({ severity: 'error', edgeId: 'g1' });
    expect(fromGhost.nodeId).toBeUndefined();
    expect(fromGhost.message).toBe('A connection points to a node that does not exist (ghost).');
    const toGhost = only(graph([input(), dense('d')], [edge('in', 'd'), edge('d', 'gone', 'in', 'g2')]), 'DANGLING_EDGE').issue;
    expect(toGhost.message).toContain('(gone)');
  });

  it('UNKNOWN_LAYER: quotes the type, and what follows gets no shape', () => {
    const g = graph([input(), node('c', 'Conv5D', { filters: 8 }), dense('d')], [edge('in', 'c'), edge('c', 'd')]);
    const { issue, analysis } = only(g, 'UNKNOWN_LAYER');
    expect(issue).toMatchObject({ severity: 'error', nodeId: 'c' });
    expect(issue.message).toBe('Unknown layer type "Conv5D".');
    expect(analysis.nodes.get('d')!.outputShape).toBeNull();
    expect(analysis.nodes.get('d')!.issues).toEqual([]);
  });

  it('INVALID_PARAM: one issue per bad param, each naming node and field', () => {
    const g = graph([input(), node('f', 'Flatten'), dense('d', 0, 'Hidden', { activation: 'banana' })], [edge('in', 'f'), edge('f', 'd')]);
    const a = analyzeGraph(g);
    const bad = a.issues.filter((i) => i.code === 'INVALID_PARAM');
    expect(bad.map((i) => i.message)).toEqual([
      'Hidden (Dense): Units must be at least 1.',
      'Hidden (Dense): Activation must be one of linear, relu, relu6, leakyRelu, elu, selu, sigmoid, hardSigmoid, tanh, softmax, softplus, softsign, swish, gelu.',
    ]);
    expect(bad.map((i) => i.fix)).toEqual(['Edit Units in the inspector.', 'Edit Activation in the inspector.']);
    expect(a.nodes.get('d')).toMatchObject({ outputShape: null, params: 0 });
  });

  it('INVALID_PARAM: a param of the wrong type is reported, not thrown', () => {
    const g = graph([input('in', [4]), dense('d', 10, undefined, { units: 'ten' as unknown as number, useBias: 'yes' as unknown as boolean })], [edge('in', 'd')]);
    const a = analyzeGraph(g);
    expect(a.issues.map((i) => i.message)).toEqual(['Dense: Units must be a number.', 'Dense: Use bias must be true or false.']);
  });

  it('INVALID_PARAM: a bad Input shape stops inference downstream', () => {
    const g = graph([input('in', [28, 0]), node('f', 'Flatten'), dense('d')], [edge('in', 'f'), edge('f', 'd')]);
    const { issue, analysis } = only(g, 'INVALID_PARAM');
    expect(issue.message).toBe('Input: Shape sizes must be positive whole numbers (or ? for a size known only at run time).');
    expect(analysis.nodes.get('f')!.outputShape).toBeNull();
    expect(analysis.totalParams).toBe(0);
  });

  it('NO_INPUT_LAYER: a graph-level issue', () => {
    const { issue } = only(graph([dense('d')]), 'NO_INPUT_LAYER');
    expect(issue.nodeId).toBeUndefined();
    expect(issue.message).toBe('The model has no Input layer.');
    expect(issue.fix).toMatch(/Input from the palette/);
  });

  it('NO_OUTPUT: an Input with nothing after it', () => {
    const { issue, analysis } = only(graph([input()]), 'NO_OUTPUT');
    expect(issue.message).toBe('The model has no output layer.');
    expect(analysis.outputs).toEqual([]);
    expect(analysis.valid).toBe(false);
  });

  it('NO_OUTPUT is not added when a cycle already explains it', () => {
    const a = analyzeGraph(graph([input(), dense('d')], [edge('d', 'd')]));
    expect(a.issues.map((i) => i.code)).toEqual(['CYCLE']);
  });

  it('an empty graph has no issues but is not valid', () => {
    const a = analyzeGraph(graph([]));
    expect(a.issues).toEqual([]);
    expect(a.valid).toBe(false);
    expect(a.totalParams).toBe(0);
  });
});

describe('analyzeGraph: outputs and branches', () => {
  it('counts every leaf that is not an Input as an output, in node order', () => {
    const g = graph([input('in', [4]), dense('b', 2), dense('a', 3)], [edge('in', 'a'), edge('in', 'b')]);
    const a = analyzeGraph(g);
    expect(a.valid).toBe(true);
    expect(a.outputs).toEqual(['b', 'a']);
    expect(a.totalParams).toBe(4 * 2 + 2 + (4 * 3 + 3));
  });
});
