import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { analyzeGraph } from '../../../shared/graph/analyze';
import { compileGraph } from '../../../shared/graph/compile';
import { buildModel } from '../build-model';
import { chain } from '../test-helpers';
import { customFactoryFor } from './index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const models: tf.LayersModel[] = [];
afterAll(() => models.forEach((m) => m.dispose()));

/** Input(6) -> Dense(5) -> <norm> -> Dense(3, softmax), built the way training builds it. */
function model(type: 'BatchNormalization' | 'LayerNormalization', params: { center: boolean; scale: boolean }) {
  const graph = chain(['in', 'Input', { shape: [6] }], ['d', 'Dense', { units: 5 }], ['norm', type, params], ['o', 'Dense', { units: 3, activation: 'softmax' }]);
  const analysis = analyzeGraph(graph);
  const plan = compileGraph(graph, analysis);
  const m = buildModel(plan);
  models.push(m);
  const layerOf = (nodeId: string) => m.getLayer(plan.layers.find((l) => l.nodeId === nodeId)?.name as string);
  return { m, analysis, layerOf };
}

describe('BatchNormalization and LayerNormalization without center or scale', () => {
  for (const type of ['BatchNormalization', 'LayerNormalization'] as const) {
    for (const params of [
      { center: false, scale: true },
      { center: true, scale: false },
      { center: false, scale: false },
    ]) {
      it(`${type} ${JSON.stringify(params)}: trains, keeps Keras' weights and config, computes what stock tfjs infers`, async () => {
        const { m, analysis, layerOf } = model(type, params);
        const layer = layerOf('norm');
        // The weights Keras has: no gamma when scale is off, no beta when center is off.
        const names = layer.weights.map((w) => w.name.split('/').pop()?.replace(/_\d+$/, ''));
        expect(names.includes('gamma')).toBe(params.scale);
        expect(names.includes('beta')).toBe(params.center);
        expect(layer.getConfig()['center']).toBe(params.center);
        expect(layer.getConfig()['scale']).toBe(params.scale);
        expect(m.countParams()).toBe(analysis.totalParams);

        // Inference equals the stock layer's (which handles the missing weights there) on the same weights.
        const x = tf.randomNormal([8, 6], 0, 1, 'float32', 7);
        const stock = type === 'BatchNormalization' ? tf.layers.batchNormalization({ ...layer.getConfig(), name: 'stock' } as never) : tf.layers.layerNormalization({ ...layer.getConfig(), name: 'stock' } as never);
        const h = (layerOf('d').apply(x) as tf.Tensor);
        stock.apply(h); // builds it
        stock.setWeights(layer.getWeights());
        const ours = layer.apply(h) as tf.Tensor;
        const theirs = stock.apply(h) as tf.Tensor;
        expect(Array.from(await ours.data())).toEqual(Array.from(await theirs.data()));
        tf.dispose([ours, theirs, h]);
        stock.dispose();

        // A training step that stock tfjs 4.22 cannot take: finite loss, the weights move.
        m.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
        const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3);
        const before = layer.trainableWeights.map((w) => w.read().clone());
        const dense = layerOf('d').getWeights()[0]?.clone() as tf.Tensor;
        const tensors = tf.memory().numTensors;
        const history = await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
        expect(tf.memory().numTensors).toBe(tensors);
        expect(Number.isFinite(history.history['loss']?.[0])).toBe(true);
        const after = layerOf('d').getWeights()[0] as tf.Tensor;
        expect(tf.sub(after, dense).abs().max().dataSync()[0]).toBeGreaterThan(0);
        layer.trainableWeights.forEach((w, i) => expect(tf.sub(w.read(), before[i] as tf.Tensor).abs().max().dataSync()[0]).toBeGreaterThan(0));
        tf.dispose([x, y, dense, ...before]);
      });
    }
  }

  it('leaves the default layers (center and scale on) and other factories to stock tfjs', () => {
    expect(customFactoryFor('batchNormalization', { center: true, scale: true })).toBeUndefined();
    expect(customFactoryFor('layerNormalization', {})).toBeUndefined();
    expect(customFactoryFor('dense', { center: false })).toBeUndefined();
  });
});
