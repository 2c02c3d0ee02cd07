import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { nativeCategoricalCrossentropy, useNativeLoss } from './native-loss';
import { maxRelDiff, prepareNativeBackend, randomArray, rng } from './kernels/test-support';

let native = false;
beforeAll(async () => {
  native = await prepareNativeBackend();
});

/** Loss per sample and d(mean loss · weights)/d prediction, for a loss function. */
function lossAndGrad(fn: (t: tf.Tensor, p: tf.Tensor) => tf.Tensor, t: tf.Tensor, p: tf.Tensor) {
  return tf.tidy(() => {
    const loss = fn(t, p);
    const w = tf.reshape(tf.linspace(0.5, 2, loss.size), loss.shape);
    const grad = tf.grad((x: tf.Tensor) => tf.mean(tf.mul(fn(t, x), w)))(p);
    return { loss: Float32Array.from(loss.dataSync()), grad: Float32Array.from(grad.dataSync()), shape: loss.shape };
  });
}

function cases(): { name: string; t: tf.Tensor; p: tf.Tensor }[] {
  const rand = rng(11);
  const n = 16;
  const k = 5;
  const logits = tf.tensor(randomArray(n * k, rand).map((v) => v * 4), [n, k]);
  const softmax = tf.softmax(logits);
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => (i * 3) % k), 'int32'), k).toFloat();
  // Not normalised, with entries clipped at ε and at 1-ε, and soft labels.
  const raw = tf.tensor([[0.5, 0.5, 1, 0, 0], [1, 0, 0, 0, 0], [0, 0, 0, 1e-9, 2], [0.2, 0.2, 0.2, 0.2, 0.2]]);
  const soft = tf.tensor([[0.1, 0.2, 0.3, 0.4, 0], [1, 0, 0, 0, 0], [0, 0, 0.5, 0.5, 0], [0.2, 0.2, 0.2, 0.2, 0.2]]);
  // A sequence output: [batch, time, classes].
  const seq = tf.softmax(tf.tensor(randomArray(2 * 3 * k, rand), [2, 3, k]));
  const seqLabels = tf.oneHot(tf.tensor2d([[0, 1, 2], [3, 4, 0]], [2, 3], 'int32'), k).toFloat();
  return [
    { name: 'softmax outputs, one-hot labels', t: labels, p: softmax },
    { name: 'unnormalised outputs with clipped entries, soft labels', t: soft, p: raw },
    { name: 'a sequence of softmax outputs', t: seqLabels, p: seq },
  ];
}

describe('nativeCategoricalCrossentropy', () => {
  it("gives tfjs-layers' loss and gradient on the native backend", (ctx) => {
    if (!native) ctx.skip();
    tf.setBackend('tensorflow');
    for (const { name, t, p } of cases()) {
      const ours = lossAndGrad(nativeCategoricalCrossentropy, t, p);
      const stock = lossAndGrad(tf.metrics.categoricalCrossentropy, t, p);
      expect(ours.shape, name).toEqual(stock.shape);
      expect(maxRelDiff(ours.loss, stock.loss), name).toBeLessThan(1e-5);
      expect(maxRelDiff(ours.grad, stock.grad), name).toBeLessThan(1e-5);
    }
  });

  it('is installed only for categorical cross-entropy on the native backend, and trains there', async (ctx) => {
    const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, activation: 'softmax' })] });
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    tf.setBackend('wasm');
    expect(useNativeLoss(m, 'categoricalCrossentropy')).toBe(false);
    if (!native) ctx.skip();
    tf.setBackend('tensorflow');
    expect(useNativeLoss(m, 'meanSquaredError')).toBe(false);
    const m2 = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, activation: 'softmax', kernelInitializer: 'ones' })] });
    m2.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const stockLosses: number[] = [];
    const x = tf.tensor(randomArray(8 * 4, rng(5)), [8, 4]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3).toFloat();
    for (let i = 0; i < 3; i++) stockLosses.push(Number(await m2.trainOnBatch(x, y)));
    const m3 = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, activation: 'softmax', kernelInitializer: 'ones' })] });
    m3.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    expect(useNativeLoss(m3, 'categoricalCrossentropy')).toBe(true);
    const ourLosses: number[] = [];
    for (let i = 0; i < 3; i++) ourLosses.push(Number(await m3.trainOnBatch(x, y)));
    expect(maxRelDiff(ourLosses, stockLosses)).toBeLessThan(1e-5);
    expect(ourLosses[2] as number).toBeLessThan(ourLosses[0] as number);
    tf.dispose([x, y]);
    [m, m2, m3].forEach((model) => model.dispose());
  });
});
