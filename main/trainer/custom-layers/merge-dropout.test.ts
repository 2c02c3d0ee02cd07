import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Subtract } from './subtract';
import { SpatialDropout2D } from './spatial-dropout';
import { registerCustomLayers } from './index';

describe('Subtract', () => {
  it('computes input 1 minus input 2 inside a model and reloads from JSON', async () => {
    registerCustomLayers();
    const a = tf.input({ shape: [3] });
    const b = tf.input({ shape: [3] });
    const out = new Subtract({ name: 'sub' }).apply([a, b]) as tf.SymbolicTensor;
    expect(out.shape).toEqual([null, 3]);
    const model = tf.model({ inputs: [a, b], outputs: out });
    const y = model.predict([tf.tensor2d([[5, 7, 9]]), tf.tensor2d([[1, 2, 3]])]) as tf.Tensor;
    expect(y.arraySync()).toEqual([[4, 5, 6]]);
    const reloaded = await tf.models.modelFromJSON(JSON.parse(JSON.stringify(model.toJSON(null, false))));
    const y2 = reloaded.predict([tf.tensor2d([[1, 1, 1]]), tf.tensor2d([[0, 1, 2]])]) as tf.Tensor;
    expect(y2.arraySync()).toEqual([[1, 0, -1]]);
  });
});

describe('SpatialDropout2D', () => {
  it('drops whole channels in training, scales the rest, and is the identity at inference', () => {
    const layer = new SpatialDropout2D({ rate: 0.5, seed: 1 });
    const x = tf.ones([2, 4, 4, 8]);
    const inference = layer.apply(x) as tf.Tensor;
    expect(inference.arraySync()).toEqual(x.arraySync());
    const trained = layer.call(x, { training: true }) as tf.Tensor;
    const values = trained.arraySync() as number[][][][];
    for (let b = 0; b < 2; b++) {
      for (let c = 0; c < 8; c++) {
        const channel = values[b]!.flatMap((row) => row.map((px) => px[c] as number));
        // Every pixel of a channel is the same: all dropped (0) or all kept (scaled by 2).
        expect(new Set(channel).size).toBe(1);
        expect([0, 2]).toContain(channel[0]);
      }
    }
    const kept = values.flatMap((img) => (img[0]![0] as number[]).filter((v) => v === 2)).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(16);
  });
});
