import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NativeAdamOptimizer, nativeAdamFallback } from './native-adam';
import { maxRelDiff, prepareNativeBackend, randomArray, rng } from './kernels/test-support';

/**
 * NativeAdamOptimizer against tfjs's own Adam: the same weights from the same start after several
 * steps (with a learning-rate change in between), on the native backend where it loads, and
 * unchanged behaviour on wasm.
 */

let native = false;
beforeAll(async () => {
  native = await prepareNativeBackend();
});

function model(seed: number): tf.LayersModel {
  const rand = rng(seed);
  const m = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [12], units: 16, activation: 'relu' }), tf.layers.dense({ units: 3, activation: 'softmax' })],
  });
  m.setWeights(m.getWeights().map((w) => tf.tensor(randomArray(w.size, rand), w.shape)));
  return m;
}

async function train(backend: string, optimizer: tf.Optimizer): Promise<{ weights: Float32Array[]; moments: Float32Array[]; losses: number[] }> {
  tf.setBackend(backend);
  const rand = rng(7);
  const m = model(3);
  m.compile({ optimizer, loss: 'categoricalCrossentropy' });
  const x = tf.tensor(randomArray(32 * 12, rand), [32, 12]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 3), 'int32'), 3).toFloat();
  const losses: number[] = [];
  for (let step = 0; step < 8; step++) {
    if (step === 3) (optimizer as unknown as { learningRate: number }).learningRate = 0.003;
    // Weights set from outside (as restoring the best weights does) are what the next step updates.
    if (step === 4) m.setWeights(m.getWeights().map((w) => tf.mul(w, 0.5)));
    // The optimizer's state read mid-run (a checkpoint), then put back changed (halved moments).
    if (step === 6) {
      const state = await optimizer.getWeights();
      await optimizer.setWeights(state.map((w, k) => (k === 0 ? w : { name: w.name, tensor: tf.mul(w.tensor, 0.5) })));
    }
    losses.push(Number(await m.trainOnBatch(x, y)));
  }
  const weights = m.getWeights().map((w) => Float32Array.from(w.dataSync()));
  const moments = (await optimizer.getWeights()).slice(1).map((w) => Float32Array.from(w.tensor.dataSync()));
  tf.dispose([x, y]);
  m.dispose();
  optimizer.dispose();
  return { weights, moments, losses };
}

describe('NativeAdamOptimizer', () => {
  it("trains to tfjs Adam's weights and moments on the native backend (fused ResourceApplyAdam)", async (ctx) => {
    if (!native) ctx.skip();
    const ours = await train('tensorflow', new NativeAdamOptimizer(0.01, 0.9, 0.999, 1e-7));
    const stock = await train('tensorflow', tf.train.adam(0.01, 0.9, 0.999, 1e-7));
    expect(nativeAdamFallback).toBeNull();
    expect(ours.weights.length).toBe(4);
    expect(ours.moments.length).toBe(8);
    ours.weights.forEach((w, i) => expect(maxRelDiff(w, stock.weights[i] as Float32Array)).toBeLessThan(1e-5));
    ours.moments.forEach((w, i) => expect(maxRelDiff(w, stock.moments[i] as Float32Array)).toBeLessThan(1e-5));
    // It trained: the loss fell, and the weights moved from their start.
    expect(ours.losses[3] as number).toBeLessThan(ours.losses[0] as number);
  });

  it('leaves the previous weight tensors untouched (the update copies, never writes in place)', async (ctx) => {
    if (!native) ctx.skip();
    tf.setBackend('tensorflow');
    const w = tf.variable(tf.tensor1d([1, 2, 3]), true, 'native_adam_alias_check');
    const before = Array.from(w.dataSync());
    // A clone shares the variable's data: the tensor a layer output or a checkpoint may still hold.
    const held = tf.clone(w);
    const opt = new NativeAdamOptimizer(0.5, 0.9, 0.999);
    opt.applyGradients([{ name: 'native_adam_alias_check', tensor: tf.tensor1d([1, -1, 1]) }]);
    const afterOne = Array.from(w.dataSync());
    opt.applyGradients([{ name: 'native_adam_alias_check', tensor: tf.tensor1d([1, -1, 1]) }]);
    expect(Array.from(held.dataSync())).toEqual(before);
    expect(Array.from(w.dataSync())).not.toEqual(before);
    expect(Array.from(w.dataSync())).not.toEqual(afterOne);
    tf.dispose([w, held]);
    opt.dispose();
  });

  it("is tfjs's Adam on wasm", async () => {
    const ours = await train('wasm', new NativeAdamOptimizer(0.01, 0.9, 0.999, 1e-7));
    const stock = await train('wasm', tf.train.adam(0.01, 0.9, 0.999, 1e-7));
    ours.weights.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(stock.weights[i] as Float32Array)));
  });

  it('serializes as Adam, so saved models and exports name the optimizer Keras knows', () => {
    expect(NativeAdamOptimizer.className).toBe('Adam');
  });
});
