import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { NetwrightGRU } from './gru';

/**
 * NetwrightGRU (resetAfter) runs the fused whole-sequence kernel when it can; with a mask it takes
 * the per-step path. An all-ones mask changes nothing in the math, so the two must agree.
 */
function outputsAndGrads(layer: NetwrightGRU, x: tf.Tensor, mask: tf.Tensor | null): { y: number[]; grads: number[][] } {
  const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const weights = tf.tensor1d(Array.from({ length: (layer.returnSequences ? 5 : 1) * 6 * 3 }, (_, i) => Math.sin(i + 1)));
  const f = () => {
    const y = layer.apply(x, mask ? { mask } : {}) as tf.Tensor;
    return tf.sum(tf.mul(tf.reshape(y, [-1]), weights)) as tf.Scalar;
  };
  const y = Array.from((layer.apply(x, mask ? { mask } : {}) as tf.Tensor).dataSync());
  const { grads } = tf.variableGrads(f, vars);
  const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.reshape(layer.apply(xx, mask ? { mask } : {}) as tf.Tensor, [-1]), weights)))(x);
  return { y, grads: [...vars.map((v) => Array.from(grads[v.name]!.dataSync())), Array.from(dx.dataSync())] };
}

describe('NetwrightGRU fused path (resetAfter)', () => {
  for (const returnSequences of [false, true]) {
    for (const goBackwards of [false, true]) {
      for (const recurrentActivation of ['sigmoid', 'hardSigmoid'] as const) {
        it(`matches the per-step path: returnSequences ${returnSequences}, goBackwards ${goBackwards}, ${recurrentActivation}`, () => {
          const layer = new NetwrightGRU({ units: 6, resetAfter: true, returnSequences, goBackwards, recurrentActivation });
          const x = tf.randomNormal([3, 5, 4], 0, 1, 'float32', 7);
          layer.build([3, 5, 4]);
          // Non-zero biases so both bias rows matter.
          const [k, rk, b] = layer.getWeights();
          layer.setWeights([k!, rk!, tf.randomNormal(b!.shape, 0, 0.5, 'float32', 3)]);
          const fused = outputsAndGrads(layer, x, null);
          const stepwise = outputsAndGrads(layer, x, tf.ones([3, 5]));
          const close = (a: number[], e: number[]) => {
            expect(a.length).toBe(e.length);
            for (let i = 0; i < a.length; i++) expect(Math.abs((a[i] as number) - (e[i] as number))).toBeLessThan(1e-5);
          };
          close(fused.y, stepwise.y);
          fused.grads.forEach((g, i) => close(g, stepwise.grads[i] as number[]));
        });
      }
    }
  }
});
