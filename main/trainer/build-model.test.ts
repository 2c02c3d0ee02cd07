import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Graph } from '../../shared/graph/document';
import { analyzeGraph } from '../../shared/graph/analyze';
import { compileGraph } from '../../shared/graph/compile';
import { buildModel } from './build-model';
import { chain, exampleDoc } from './test-helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const graphs: Record<string, () => Graph> = {
  'example mnist-mlp.nwproj': () => exampleDoc().graph,
  'dense on a rank-3 input, no bias': () =>
    chain(['in', 'Input', { shape: [5, 7] }], ['d', 'Dense', { units: 3, useBias: false }], ['f', 'Flatten'], ['o', 'Dense', { units: 4 }]),
  'dropout and activation between dense layers': () =>
    chain(
      ['in', 'Input', { shape: [784] }],
      ['d1', 'Dense', { units: 64 }],
      ['a', 'Activation', { activation: 'tanh' }],
      ['drop', 'Dropout', { rate: 0.3 }],
      ['d2', 'Dense', { units: 10, activation: 'softmax' }],
    ),
  'rank-4 input flattened': () => chain(['in', 'Input', { shape: [2, 3, 4, 5] }], ['f', 'Flatten'], ['o', 'Dense', { units: 7, activation: 'sigmoid' }]),
};

describe('buildModel', () => {
  const built: tf.LayersModel[] = [];
  afterAll(() => built.forEach((m) => m.dispose()));

  for (const [name, make] of Object.entries(graphs)) {
    it(`${name}: analyzeGraph's parameter counts and shapes equal tfjs'`, () => {
      const graph = make();
      const analysis = analyzeGraph(graph);
      expect(analysis.valid).toBe(true);
      const plan = compileGraph(graph, analysis);
      const model = buildModel(plan);
      built.push(model);
      expect(analysis.totalParams).toBe(model.countParams());
      for (const layer of plan.layers) {
        const tfLayer = model.getLayer(layer.name);
        const node = analysis.nodes.get(layer.nodeId);
        expect(node?.outputShape, layer.name).toEqual(tfLayer.outputShape);
        expect(node?.params, layer.name).toBe(tfLayer.countParams());
      }
      for (const input of plan.inputs) {
        expect(analysis.nodes.get(input.nodeId)?.outputShape).toEqual(model.getLayer(input.name).outputShape);
      }
    });
  }

  it('reports the example as 101,770 parameters', () => {
    const graph = exampleDoc().graph;
    const model = buildModel(compileGraph(graph, analyzeGraph(graph)));
    built.push(model);
    expect(model.countParams()).toBe(101_770);
  });

  it('names an unknown tfjs factory in its error', () => {
    const plan = { inputs: [{ nodeId: 'i', name: 'input_1', shape: [3] }], layers: [{ nodeId: 'x', name: 'x_1', factory: 'noSuchLayer', config: {}, inputs: ['i'] }], outputs: ['x'], outputShapes: [] };
    expect(() => buildModel(plan)).toThrow(/noSuchLayer/);
  });
});
