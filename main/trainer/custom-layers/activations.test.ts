import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ACTIVATIONS } from '../../../shared/layers/activations';
import { registerCustomLayers } from './index';
import { LEAKY_RELU_SLOPE } from './activations';
import { lossBeforeAfter, maxAbsDiff, randomTensor, saveAndReload } from './test-support';

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerCustomLayers();
});

/** erf by Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

const reference: Record<string, (x: number) => number> = {
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  leakyRelu: (x) => (x >= 0 ? x : LEAKY_RELU_SLOPE * x),
  swish: (x) => x / (1 + Math.exp(-x)),
  relu6: (x) => Math.min(6, Math.max(0, x)),
};

describe('activations', () => {
  it('every activation the specs offer resolves in tfjs once custom layers are registered', () => {
    for (const name of ACTIVATIONS) {
      expect(() => tf.layers.dense({ units: 2, activation: name as 'relu' }), name).not.toThrow();
    }
  });

  for (const [name, f] of Object.entries(reference)) {
    it(`${name} computes its formula`, () => {
      const xs = [-7, -3.2, -1, -0.3, 0, 0.4, 1, 2.5, 8];
      const got = (tf.layers.activation({ activation: name as 'relu' }).apply(tf.tensor1d(xs)) as tf.Tensor).dataSync();
      expect(maxAbsDiff(got, xs.map(f))).toBeLessThan(1e-5);
    });
  }

  for (const name of ['gelu', 'leakyRelu']) {
    it(`Dense with activation ${name} trains and reloads from model.json`, async () => {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 6, activation: name as 'relu', inputShape: [4] }), tf.layers.dense({ units: 2 })] });
      const x = randomTensor([16, 4], 1);
      const [l0, l1] = await lossBeforeAfter(model, x, randomTensor([16, 2], 2), 10);
      expect(l1).toBeLessThan(l0);
      const { model: reloaded, topology } = await saveAndReload(model);
      expect(topology).toContain(name === 'gelu' ? '"activation":"gelu"' : '"activation":"leaky_relu"');
      expect(maxAbsDiff((reloaded.predict(x) as tf.Tensor).dataSync(), (model.predict(x) as tf.Tensor).dataSync())).toBe(0);
      model.dispose();
    });
  }
});
