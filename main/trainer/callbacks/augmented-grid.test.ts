import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { customFactories, registerCustomLayers } from '../custom-layers';
import { createLiveAugmented } from '../live-augmented';
import { createAugmentedGrid } from './augmented-grid';
import { fakeContext } from './test-context';

beforeAll(() => {
  registerCustomLayers();
});

function flipModel(): tf.LayersModel {
  const input = tf.input({ shape: [4, 4, 1] });
  const flipped = customFactories['randomFlip']!({ mode: 'horizontal', name: 'flip' }).apply(input) as tf.SymbolicTensor;
  const flat = tf.layers.flatten().apply(flipped) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(flat) as tf.SymbolicTensor });
}

describe('augmented examples callback', () => {
  it('sends what the model sees from the very first batch, then once per interval, naming the augmentation layer', async () => {
    const model = flipModel();
    let t = 0;
    const augmented = createLiveAugmented(model, { intervalMs: 1000, count: 2, now: () => t });
    if (!augmented) throw new Error('expected augmented examples');
    const ctx = fakeContext(3);
    const cb = createAugmentedGrid(augmented, ctx);
    const inputs = tf.tensor4d(Array.from({ length: 3 * 16 }, (_, i) => i % 16), [3, 4, 4, 1]);
    const before = tf.memory().numTensors;
    t = 5000;
    await cb.onBatchBegin?.({ epoch: 0, batch: 0, step: 0, inputs });
    t = 5500;
    await cb.onBatchBegin?.({ epoch: 0, batch: 1, step: 1, inputs });
    t = 6000;
    await cb.onBatchBegin?.({ epoch: 1, batch: 0, step: 2, inputs });
    expect(ctx.events.map((e) => e.type === 'augmented' && [e.epoch, e.step, e.layer, e.images.length])).toEqual([
      [0, 0, 'flip', 2],
      [1, 2, 'flip', 2],
    ]);
    expect(tf.memory().numTensors).toBe(before);
    inputs.dispose();
    model.dispose();
  });
});
