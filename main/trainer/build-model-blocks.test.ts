import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { analyzeGraph } from '../../shared/graph/analyze';
import { analyzeWithBlocks } from '../../shared/graph/analyze-blocks';
import { compileGraph } from '../../shared/graph/compile';
import { TRANSFORMER_BLOCK_SIZES, TRANSFORMER_ENCODER_BLOCK } from '../../shared/graph/builtin-blocks';
import { buildModel, buildModelFromDoc } from './build-model';
import { docWithGraph, edge, node, residualCnnDoc } from './test-helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});


describe('models with blocks (tfjs)', () => {
  const models: tf.LayersModel[] = [];
  afterAll(() => models.forEach((m) => m.dispose()));

  it('two ResidualBlocks in a CNN build with separate weights; tfjs counts what the analysis counts', () => {
    const doc = residualCnnDoc();
    const graph = doc.graph;
    const { outer } = analyzeWithBlocks(graph, doc.blocks);
    const { model } = buildModelFromDoc(doc);
    models.push(model);
    expect(model.countParams()).toBe(outer.totalParams);
    const blockParams = 2 * (3 * 3 * 32 * 32 + 32) + 2 * 4 * 32;
    expect(outer.nodes.get('r1')?.params).toBe(blockParams);
    expect(outer.nodes.get('r2')?.params).toBe(blockParams);
    // Separate weights: the first conv of each block is a different variable.
    const convs = model.layers.filter((l) => l.getClassName() === 'Conv2D');
    expect(convs).toHaveLength(5);
    expect(new Set(convs.map((l) => l.getWeights()[0]?.id)).size).toBe(5);
    const y = tf.tidy(() => (model.predict(tf.zeros([2, 8, 8, 1])) as tf.Tensor).shape);
    expect(y).toEqual([2, 10]);
  });

  it('the TransformerEncoder block has as many tfjs weights as the TransformerEncoder layer at the same sizes', () => {
    const { features, heads, feedForward } = TRANSFORMER_BLOCK_SIZES;
    const input = node('in', 'Input', { shape: [6, features] });
    const blockGraph = { nodes: [input, node('enc', 'Block', { block: TRANSFORMER_ENCODER_BLOCK.id, inputs: 1 })], edges: [edge('in', 'enc', 'in1')] };
    const layerGraph = { nodes: [input, node('enc', 'TransformerEncoder', { numHeads: heads, intermediateDim: feedForward })], edges: [edge('in', 'enc')] };
    const blockModel = buildModelFromDoc({ ...docWithGraph(blockGraph), blocks: [TRANSFORMER_ENCODER_BLOCK] }).model;
    const layerModel = buildModel(compileGraph(layerGraph, analyzeGraph(layerGraph)));
    models.push(blockModel, layerModel);
    expect(blockModel.countParams()).toBe(layerModel.countParams());
    expect(blockModel.countParams()).toBe(33_472);
    expect(blockModel.outputs[0]?.shape).toEqual([null, 6, features]);
  });
});
