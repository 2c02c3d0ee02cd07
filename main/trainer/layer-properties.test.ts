import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import type { Graph, GraphNode } from '../../shared/graph/document';
import { analyzeGraph } from '../../shared/graph/analyze';
import { compileGraph } from '../../shared/graph/compile';
import { getLayerSpec } from '../../shared/layers/registry';
import { ACTIVATIONS } from '../../shared/layers/activations';
import { inputPorts } from '../../shared/layers/ports';
import { withDefaults } from '../../shared/layers/params';
import type { Params, Shape } from '../../shared/layers/types';
import { buildModel } from './build-model';
import { registerCustomLayers } from './custom-layers';
import { disagreements, missingFactory } from './tfjs-agreement';

/**
 * Property: random valid graphs of layers (chains, branches, merges and skip
 * connections over 1-D vectors, sequences and images) compile, build in tfjs,
 * and every node's inferred shape and parameter count equals tfjs'.
 */

beforeAll(async () => {
  await tf.setBackend('cpu');
});
registerCustomLayers();

/** One random choice: which layer, on which earlier node, with which params. */
const StepArb = fc.record({ op: fc.nat(1000), src: fc.nat(1000), a: fc.nat(1000), b: fc.nat(1000), c: fc.nat(1000) });
type Step = { op: number; src: number; a: number; b: number; c: number };

type Maker = (shape: Shape, s: Step) => { type: string; params: Params } | null;

const pick = <T,>(xs: readonly T[], i: number): T => xs[i % xs.length] as T;
const small = (n: number, max: number) => 1 + (n % max);
const rank = (s: Shape) => s.length;

/** Single-input layers, each applicable to some ranks (batch included). */
const MAKERS: readonly Maker[] = [
  (s, { a, b }) => (rank(s) >= 2 ? { type: 'Dense', params: { units: small(a, 8), activation: pick(ACTIVATIONS, b), useBias: b % 3 !== 0 } } : null),
  (s, { a }) => (rank(s) >= 2 ? { type: 'Activation', params: { activation: pick(ACTIVATIONS, a) } } : null),
  (s) => (rank(s) >= 2 ? { type: 'Dropout', params: { rate: 0.2 } } : null),
  (s, { a }) => (rank(s) >= 2 ? { type: 'BatchNormalization', params: { center: a % 2 === 0 } } : null),
  (s, { a }) => (rank(s) >= 2 ? { type: 'LayerNormalization', params: { scale: a % 2 === 0 } } : null),
  (s) => (rank(s) >= 3 ? { type: 'Flatten', params: {} } : null),
  (s, { a }) => (rank(s) === 2 ? { type: 'RepeatVector', params: { n: small(a, 4) } } : null),
  (s, { a }) => {
    if (rank(s) !== 2 || s[1] === null) return null;
    const d = pick([1, 2, 3, 4], a);
    return (s[1] as number) % d === 0 ? { type: 'Reshape', params: { targetShape: [-1, d] } } : null;
  },
  (s) => (rank(s) === 3 ? { type: 'Permute', params: { dims: [2, 1] } } : null),
  (s, { a }) => (rank(s) === 3 ? { type: 'TimeDistributed', params: { units: small(a, 6) } } : null),
  (s, { a, b, c }) =>
    rank(s) === 3 ? { type: 'Conv1D', params: { filters: small(a, 6), kernelSize: small(b, 3), strides: small(c, 2), padding: pick(['valid', 'same'], a + b) } } : null,
  (s, { a, b }) => (rank(s) === 3 ? { type: pick(['MaxPooling1D', 'AveragePooling1D'], a), params: { poolSize: small(b, 3), padding: pick(['valid', 'same'], a) } } : null),
  (s, { a }) => (rank(s) === 3 ? { type: pick(['GlobalMaxPooling1D', 'GlobalAveragePooling1D'], a), params: {} } : null),
  (s, { a, b, c }) =>
    rank(s) === 3
      ? { type: pick(['SimpleRNN', 'LSTM', 'GRU'], a), params: { units: small(b, 4), returnSequences: c % 2 === 0, resetAfter: c % 3 !== 0, useBias: c % 5 !== 0 } }
      : null,
  (s, { a, b, c }) =>
    rank(s) === 3
      ? {
          type: 'Bidirectional',
          params: { layer: pick(['SimpleRNN', 'LSTM', 'GRU'], a), units: small(b, 3), mergeMode: pick(['concat', 'sum', 'mul', 'ave'], c), returnSequences: b % 2 === 0, resetAfter: c % 2 === 0 },
        }
      : null,
  (s) => (rank(s) === 3 ? { type: 'SpatialDropout1D', params: {} } : null),
  (s, { a, b, c }) =>
    rank(s) === 4
      ? { type: 'Conv2D', params: { filters: small(a, 6), kernelSize: [small(b, 3), small(c, 3)], strides: [small(a + c, 2), small(b + c, 2)], padding: pick(['valid', 'same'], c), activation: 'relu' } }
      : null,
  (s, { a, b, c }) =>
    rank(s) === 4 ? { type: 'SeparableConv2D', params: { filters: small(a, 6), kernelSize: [small(b, 3)], depthMultiplier: small(c, 2), padding: pick(['valid', 'same'], c) } } : null,
  (s, { a, b, c }) =>
    rank(s) === 4 ? { type: 'DepthwiseConv2D', params: { kernelSize: [small(b, 3)], depthMultiplier: small(a, 2), strides: [small(c, 2)], padding: pick(['valid', 'same'], c) } } : null,
  (s, { a, b, c }) =>
    rank(s) === 4 ? { type: 'Conv2DTranspose', params: { filters: small(a, 4), kernelSize: [small(b, 3)], strides: [small(c, 2)], padding: pick(['valid', 'same'], a + c) } } : null,
  (s, { a, b, c }) =>
    rank(s) === 4 ? { type: pick(['MaxPooling2D', 'AveragePooling2D'], a), params: { poolSize: [small(b, 3)], strides: c % 2 === 0 ? [] : [small(c, 2)], padding: pick(['valid', 'same'], a + b) } } : null,
  (s, { a }) => (rank(s) === 4 ? { type: pick(['GlobalMaxPooling2D', 'GlobalAveragePooling2D'], a), params: {} } : null),
  (s, { a, b }) => (rank(s) === 4 ? { type: 'UpSampling2D', params: { size: [small(a, 2), small(b, 2)] } } : null),
  (s, { a, b }) => (rank(s) === 4 ? { type: pick(['ZeroPadding2D', 'Cropping2D'], a), params: { [a % 2 === 0 ? 'padding' : 'cropping']: [b % 2, (b >> 1) % 2] } } : null),
];

const MERGES = ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot'] as const;

const INPUTS: readonly (readonly number[])[] = [[6], [10], [5, 4], [8, 3], [9, 9, 2], [7, 6, 3]];

/** Builds a graph from the steps, keeping only layers whose shape inference succeeds. */
function graphFrom(inputChoice: number, twoInputs: boolean, steps: readonly Step[]): Graph {
  const nodes: GraphNode[] = [];
  const edges: Graph['edges'] = [];
  const shapes: Shape[] = [];
  const add = (type: string, params: Params, sources: readonly number[]): boolean => {
    const spec = getLayerSpec(type);
    if (!spec) throw new Error(type);
    const full = withDefaults(spec.params, params);
    const call = spec.tfjs(full, sources.map((i) => shapes[i] as Shape));
    if (call && missingFactory(call)) return false; // a custom class nobody has registered yet
    const r = spec.inferShape(
      sources.map((i) => shapes[i] as Shape),
      full,
    );
    if (!r.ok) return false;
    const id = `n${nodes.length}`;
    const ports = inputPorts(spec, full);
    sources.forEach((src, k) => edges.push({ id: `e${edges.length}`, source: `n${src}`, target: id, targetPort: (ports[k] as { name: string }).name }));
    nodes.push({ id, type, position: { x: 0, y: 0 }, params: { ...params } as GraphNode['params'] });
    shapes.push(r.shape);
    return true;
  };
  add('Input', { shape: [...pick(INPUTS, inputChoice)] }, []);
  if (twoInputs) add('Input', { shape: [...pick(INPUTS, inputChoice + 1)] }, []);
  for (const s of steps) {
    const src = s.src % nodes.length;
    const shape = shapes[src] as Shape;
    if (s.op % 5 === 0) {
      // A merge (skip connection): another node of the same shape, or the same node twice.
      const mates = shapes.map((x, i) => [x, i] as const).filter(([x, i]) => i !== src && JSON.stringify(x) === JSON.stringify(shape));
      const mate = mates.length > 0 ? pick(mates, s.a)[1] : src;
      const type = pick(MERGES, s.b);
      if (shape.length >= 2) add(type, {}, [src, mate]);
      continue;
    }
    const candidates = MAKERS.map((m) => m(shape, s)).filter((x): x is { type: string; params: Params } => x !== null);
    if (candidates.length === 0) continue;
    const choice = pick(candidates, s.op);
    add(choice.type, choice.params, [src]);
  }
  // Every Input must feed something; an unused one would be refused (UNREACHABLE).
  return { nodes, edges: edges.length > 0 ? edges : [] };
}

const GraphArb = fc
  .tuple(fc.nat(100), fc.boolean(), fc.array(StepArb, { minLength: 1, maxLength: 8 }))
  .map(([inputChoice, two, steps]) => graphFrom(inputChoice, two, steps));

describe('property: random valid graphs agree with tfjs', () => {
  it('the generator reaches every layer type it knows, merges included (the property is not vacuous)', () => {
    const seen = new Set(fc.sample(GraphArb, { numRuns: 400, seed: 7 }).flatMap((g) => g.nodes.map((n) => n.type)));
    const expected = ['Dense', 'Activation', 'Flatten', 'Reshape', 'Permute', 'RepeatVector', 'TimeDistributed', 'Conv1D', 'Conv2D', 'SeparableConv2D', 'DepthwiseConv2D', 'Conv2DTranspose', 'MaxPooling1D', 'AveragePooling2D', 'GlobalMaxPooling2D', 'UpSampling2D', 'ZeroPadding2D', 'Cropping2D', 'BatchNormalization', 'LayerNormalization', 'SimpleRNN', 'LSTM', 'GRU', 'Bidirectional', 'Add', 'Multiply', 'Concatenate', 'Dot', 'Maximum'];
    expect(expected.filter((t) => !seen.has(t))).toEqual([]);
  });

  it('compile, build, and match tfjs shapes and parameter counts node by node', () => {
    fc.assert(
      fc.property(GraphArb, (graph) => {
        const two = graph.nodes.filter((n) => n.type === 'Input').length === 2;
        const analysis = analyzeGraph(graph);
        // An Input that nothing used is the only issue random building may leave; that is not this property.
        fc.pre(analysis.issues.every((i) => i.code !== 'UNREACHABLE') && graph.nodes.length > (two ? 2 : 1));
        expect(analysis.issues).toEqual([]);
        const plan = compileGraph(graph, analysis);
        const model = buildModel(plan);
        try {
          expect(disagreements(graph, analysis, plan, model)).toEqual([]);
        } finally {
          model.dispose();
        }
      }),
      { numRuns: 200, endOnFailure: true },
    );
  });
});
