import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { LAYER_CASES, compareCase } from './layer-cases';
import { testBackends } from './test-support';
import { notTrainableReason } from '../../../shared/training/backend-limits';

const BACKENDS = await testBackends();

/**
 * Every trainable layer type in a small model: two SGD steps from the same weights on `wasm`, on
 * `cpu` (with Netwright's kernels) and on native TensorFlow where `netwright setup native` built it,
 * each against stock tfjs `cpu`. Losses, first gradients and
 * final weights agree within 1e-4 relative to each tensor's scale.
 */
describe('layer matrix: two training steps agree across backends', () => {
  for (const c of LAYER_CASES) {
    for (const backend of BACKENDS) {
      it(`${c.id} on ${backend}`, () => {
        const before = tf.memory().numTensors;
        const result = compareCase(c, backend, 2, 1e-4);
        expect(result.failure ?? '', `${c.id} threw on ${backend}`).toBe('');
        expect(result.error, `${c.id} on ${backend}: relative error`).toBeLessThanOrEqual(1e-4);
        expect(tf.memory().numTensors, 'tensors leaked').toBe(before);
      });
    }
  }
});

describe('dilated convolutions', () => {
  it('fail at the first backward pass on both backends, as notTrainableReason predicts', () => {
    for (const backend of ['wasm', 'cpu']) {
      tf.setBackend(backend);
      const model = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [7, 7, 1], filters: 2, kernelSize: 3, dilationRate: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 2 })] });
      const x = tf.ones([1, 7, 7, 1]);
      expect(notTrainableReason('Conv2D', { dilationRate: 2 })).not.toBeNull();
      expect(() => tf.variableGrads(() => tf.sum(model.apply(x) as tf.Tensor) as tf.Scalar)).toThrow(/dilation/);
      x.dispose();
      model.dispose();
    }
  });
});
