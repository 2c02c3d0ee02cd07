import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerCustomLayers, customFactories } from './custom-layers';
import { createLiveAugmented } from './live-augmented';

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerCustomLayers();
});

function model(withAugmentation: boolean): tf.LayersModel {
  const input = tf.input({ shape: [6, 6, 1] });
  let h = input as tf.SymbolicTensor;
  if (withAugmentation) h = customFactories['randomFlip']!({ mode: 'horizontal', name: 'flip' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(h) as tf.SymbolicTensor });
}

describe('live augmented examples', () => {
  it('is null for a model without augmentation layers', () => {
    expect(createLiveAugmented(model(false))).toBeNull();
  });

  it('shows the first examples after the last augmentation layer, throttled, leaving Math.random alone', () => {
    let t = 0;
    const live = createLiveAugmented(model(true), { intervalMs: 1000, count: 3, now: () => t });
    expect(live?.layer).toBe('flip');
    const x = tf.tensor4d(Array.from({ length: 5 * 36 }, (_, i) => (i % 36) / 35), [5, 6, 6, 1]);
    const before = Math.random;
    const first = live?.maybe(x, 0, false);
    expect(Math.random).toBe(before);
    expect(first).toHaveLength(3);
    const img = first?.[0];
    expect(img).toMatchObject({ kind: 'image', width: 6, height: 6, channels: 1 });
    const pixels = img?.kind === 'image' ? img.pixels : [];
    // Each row is 0..5 scaled to 0..255 over the batch's range, left to right or mirrored.
    const row = pixels.slice(0, 6);
    expect([row, [...row].reverse()].map((r) => r.join())).toContain([0, 7, 15, 22, 29, 36].join());
    t = 500;
    expect(live?.maybe(x, 1, false)).toBeNull();
    expect(live?.maybe(x, 1, true)).toHaveLength(3);
    t = 2000;
    expect(live?.maybe(x, 2, false)).toHaveLength(3);
  });
});
