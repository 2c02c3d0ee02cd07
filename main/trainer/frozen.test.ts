import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { buildModelFromDoc } from './build-model';
import { chain, docWithGraph } from './test-helpers';

/**
 * Frozen layers while training: their weights are bit-identical after optimizer steps, a frozen
 * BatchNormalization normalizes with its moving statistics and does not update them (Keras 3),
 * and the layers after them still learn.
 */

beforeAll(async () => {
  await tf.setBackend('cpu');
});
const made: tf.LayersModel[] = [];
afterEach(() => made.splice(0).forEach((m) => m.dispose()));

function build(frozen: boolean) {
  const f: Record<string, boolean> = frozen ? { trainable: false } : {};
  const doc = docWithGraph(
    chain(['in', 'Input', { shape: [6] }], ['d1', 'Dense', { units: 5, activation: 'relu', ...f }], ['bn', 'BatchNormalization', f], ['out', 'Dense', { units: 3, activation: 'softmax' }]),
  );
  const { model, plan } = buildModelFromDoc(doc);
  made.push(model);
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy' });
  const name = (id: string) => plan.layers.find((l) => l.nodeId === id)?.name as string;
  return { model, layer: (id: string) => model.getLayer(name(id)) };
}

const values = (layer: tf.layers.Layer) => layer.getWeights().map((w) => Array.from(w.dataSync()));
const x = () => tf.tensor2d(Array.from({ length: 8 * 6 }, (_, i) => Math.sin(i * 1.7) * 3 + 1), [8, 6]);
const y = () => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3);

describe('frozen layers while training', () => {
  it('keep every weight bit-identical (BatchNormalization moving statistics included); the head learns', async () => {
    const { model, layer } = build(true);
    expect(model.trainableWeights.map((w) => w.originalName)).toEqual([expect.stringMatching(/kernel/), expect.stringMatching(/bias/)]);
    const before = { d1: values(layer('d1')), bn: values(layer('bn')), out: values(layer('out')) };
    const [xs, ys] = [x(), y()];
    for (let i = 0; i < 3; i++) await model.trainOnBatch(xs, ys);
    expect(values(layer('d1'))).toEqual(before.d1);
    expect(values(layer('bn'))).toEqual(before.bn);
    expect(values(layer('out'))).not.toEqual(before.out);
    tf.dispose([xs, ys]);
  });

  it('run a frozen BatchNormalization in inference mode while training, as Keras 3 does', () => {
    const xs = x();
    const frozen = build(true).model;
    const training = frozen.apply(xs, { training: true }) as tf.Tensor;
    const inference = frozen.apply(xs, { training: false }) as tf.Tensor;
    expect(Array.from(training.dataSync())).toEqual(Array.from(inference.dataSync()));
    // Unfrozen, training mode uses the batch's statistics: a different output.
    const free = build(false);
    const a = free.model.apply(xs, { training: true }) as tf.Tensor;
    const b = free.model.apply(xs, { training: false }) as tf.Tensor;
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(b.dataSync()));
    tf.dispose([xs, training, inference, a, b]);
  });
});
