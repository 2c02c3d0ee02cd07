import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NativeAdamOptimizer } from './native-adam';
import { setLearningRate } from './optimizers';
import { NetwrightGRU } from './custom-layers/gru';
import { FastLSTM } from './custom-layers/fast-rnn-layers';
import { CompiledTrainStep, planChain } from './native-train-step';
import { maxRelDiff, prepareNativeBackend, randomArray, rng } from './kernels/test-support';

/**
 * The compiled Dense-chain step against tfjs's trainOnBatch with the same Adam: the same losses,
 * accuracies, weights and moments after several steps (a learning-rate change, weights set from
 * outside, a smaller last batch), on the native backend.
 */

let native = false;
beforeAll(async () => {
  native = await prepareNativeBackend();
});

type Act = 'relu' | 'sigmoid' | 'tanh' | 'linear';

function model(seed: number, hidden: Act[], options: { flatten?: boolean; bias?: boolean } = {}): tf.LayersModel {
  const rand = rng(seed);
  const layers: tf.layers.Layer[] = [];
  if (options.flatten) layers.push(tf.layers.flatten({ inputShape: [3, 4] }));
  hidden.forEach((activation, i) =>
    layers.push(tf.layers.dense({ ...(i === 0 && !options.flatten ? { inputShape: [12] } : {}), units: 9 + i, activation, useBias: options.bias ?? true })),
  );
  layers.push(tf.layers.dense({ units: 3, activation: 'softmax' }));
  const m = tf.sequential({ layers });
  m.setWeights(m.getWeights().map((w) => tf.tensor(randomArray(w.size, rand), w.shape)));
  return m;
}

function cnnModel(seed: number, padding: 'same' | 'valid'): tf.LayersModel {
  const rand = rng(seed);
  // With same padding the image comes as [8, 16] and a Reshape makes it [8, 8, 2] (as MNIST's 28 x 28 -> 28 x 28 x 1).
  const front = padding === 'same' ? [tf.layers.reshape({ inputShape: [8, 16], targetShape: [8, 8, 2] })] : [];
  const m = tf.sequential({
    layers: [
      ...front,
      tf.layers.conv2d({ ...(padding === 'same' ? {} : { inputShape: [8, 8, 2] }), filters: 3, kernelSize: 3, activation: 'relu', padding }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 4, kernelSize: [2, 3], strides: padding === 'same' ? 2 : 1, activation: 'tanh', padding }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 5, activation: 'relu' }),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  m.setWeights(m.getWeights().map((w) => tf.tensor(randomArray(w.size, rand), w.shape)));
  return m;
}

type Recurrent = 'gru' | 'lstm' | 'lstm-stock';

function gruModel(seed: number, embedding: boolean, kind: Recurrent = 'gru', dtype: 'float32' | 'int32' = 'float32'): tf.LayersModel {
  const rand = rng(seed);
  const input = tf.input({ shape: embedding ? [7] : [7, 4], dtype });
  const seq = embedding ? (tf.layers.embedding({ inputDim: 50, outputDim: 4 }).apply(input) as tf.SymbolicTensor) : input;
  const rnn =
    kind === 'gru'
      ? new NetwrightGRU({ units: 5 })
      : kind === 'lstm'
        ? new FastLSTM({ units: 5, recurrentActivation: 'sigmoid', unitForgetBias: true })
        : tf.layers.lstm({ units: 5, recurrentActivation: 'sigmoid' });
  const h = rnn.apply(seq) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, activation: 'softmax' }).apply(h) as tf.SymbolicTensor;
  const m = tf.model({ inputs: input, outputs: out });
  m.setWeights(m.getWeights().map((w) => tf.tensor(randomArray(w.size, rand), w.shape)));
  return m;
}

/** Token ids 0..49 as the trainer feeds them (floats), or random features. */
function gruInputs(n: number, embedding: boolean, rand: () => number, dtype: 'float32' | 'int32' = 'float32'): tf.Tensor {
  return embedding ? tf.tensor(Array.from({ length: n * 7 }, () => Math.floor(rand() * 50)), [n, 7], dtype) : tf.tensor(randomArray(n * 28, rand), [n, 7, 4]);
}

interface Trained {
  weights: Float32Array[];
  moments: Float32Array[];
  metrics: number[][];
}

async function train(build: () => tf.LayersModel, compiled: boolean, flatShape: number[], inputs?: (n: number, rand: () => number) => tf.Tensor): Promise<Trained> {
  const rand = rng(7);
  const m = build();
  const optimizer = new NativeAdamOptimizer(0.01, 0.9, 0.999, 1e-7);
  m.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: [tf.metrics.categoricalAccuracy] });
  const step = compiled ? CompiledTrainStep.create(m, { loss: 'categoricalCrossentropy', withAccuracy: true }) : null;
  if (compiled && typeof step === 'string') throw new Error(step);
  const metrics: number[][] = [];
  for (let s = 0; s < 8; s++) {
    const n = s === 7 ? 5 : 32;
    const x = inputs ? inputs(n, rand) : tf.tensor(randomArray(n * 12, rand), [n, ...flatShape]);
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => (i * 7 + s) % 3), 'int32'), 3).toFloat();
    if (s === 3) setLearningRate(optimizer, 0.003);
    if (s === 4) m.setWeights(m.getWeights().map((w) => tf.mul(w, 0.5)));
    metrics.push(step && typeof step !== 'string' ? step.run(x, y) : ((await m.trainOnBatch(x, y)) as number[]));
    tf.dispose([x, y]);
  }
  const weights = m.getWeights().map((w) => Float32Array.from(w.dataSync()));
  const moments = (await optimizer.getWeights()).slice(1).map((w) => Float32Array.from(w.tensor.dataSync()));
  m.dispose();
  optimizer.dispose();
  return { weights, moments, metrics };
}

describe('CompiledTrainStep (a Dense chain trained as one TensorFlow function)', () => {
  const cases: [string, () => tf.LayersModel, number[]][] = [
    ['relu', () => model(3, ['relu']), [12]],
    ['sigmoid, tanh, linear', () => model(4, ['sigmoid', 'tanh', 'linear']), [12]],
    ['Flatten first, no bias', () => model(5, ['relu', 'relu'], { flatten: true, bias: false }), [3, 4]],
    [
      'Reshape to flat first',
      () => {
        const rand = rng(9);
        const m = tf.sequential({
          layers: [tf.layers.reshape({ inputShape: [3, 4], targetShape: [12] }), tf.layers.dense({ units: 6, activation: 'tanh' }), tf.layers.dense({ units: 3, activation: 'softmax' })],
        });
        m.setWeights(m.getWeights().map((w) => tf.tensor(randomArray(w.size, rand), w.shape)));
        return m;
      },
      [3, 4],
    ],
  ];
  for (const [name, build, shape] of cases) {
    it(`trains as tfjs's trainOnBatch does: ${name}`, async (ctx) => {
      if (!native) ctx.skip();
      tf.setBackend('tensorflow');
      const ours = await train(build, true, shape);
      const stock = await train(build, false, shape);
      expect(ours.metrics.length).toBe(8);
      ours.metrics.forEach((m, s) => {
        expect(m[0]).toBeCloseTo(stock.metrics[s]?.[0] as number, 4);
        expect(m[1]).toBeCloseTo(stock.metrics[s]?.[1] as number, 5);
      });
      expect(ours.weights.length).toBe(stock.weights.length);
      ours.weights.forEach((w, i) => expect(maxRelDiff(w, stock.weights[i] as Float32Array)).toBeLessThan(1e-4));
      expect(ours.moments.length).toBe(stock.moments.length);
      ours.moments.forEach((w, i) => expect(maxRelDiff(w, stock.moments[i] as Float32Array)).toBeLessThan(1e-3));
    });
  }

  const recurrent: [boolean, Recurrent, 'float32' | 'int32'][] = [
    [true, 'gru', 'float32'],
    [true, 'gru', 'int32'],
    [false, 'gru', 'float32'],
    [true, 'lstm', 'int32'],
    [false, 'lstm-stock', 'float32'],
  ];
  for (const [embedding, kind, dtype] of recurrent) {
    it(`trains as tfjs's trainOnBatch does: ${embedding ? `Embedding (${dtype} ids) → ` : ''}${kind} → Dense (unrolled over 7 steps)`, async (ctx) => {
      if (!native) ctx.skip();
      tf.setBackend('tensorflow');
      const build = (): tf.LayersModel => gruModel(6, embedding, kind, dtype);
      const feed = (n: number, rand: () => number): tf.Tensor => gruInputs(n, embedding, rand, dtype);
      const ours = await train(build, true, [], feed);
      const stock = await train(build, false, [], feed);
      ours.metrics.forEach((m, s) => {
        expect(m[0]).toBeCloseTo(stock.metrics[s]?.[0] as number, 4);
        expect(m[1]).toBeCloseTo(stock.metrics[s]?.[1] as number, 5);
      });
      expect(ours.weights.length).toBe(embedding ? 6 : 5);
      expect(planChain(build())).toMatchObject({ gru: { kind: kind === 'gru' ? 'gru' : 'lstm' } });
      ours.weights.forEach((w, i) => expect(maxRelDiff(w, stock.weights[i] as Float32Array), `weight ${i}`).toBeLessThan(1e-4));
      ours.moments.forEach((w, i) => expect(maxRelDiff(w, stock.moments[i] as Float32Array), `moment ${i}`).toBeLessThan(1e-3));
    });
  }

  for (const padding of ['valid', 'same'] as const) {
    it(`trains as tfjs's trainOnBatch does: ${padding === 'same' ? 'Reshape, ' : ''}Conv2D, MaxPooling2D, Conv2D (${padding}), Flatten, Dense`, async (ctx) => {
      if (!native) ctx.skip();
      tf.setBackend('tensorflow');
      const build = (): tf.LayersModel => cnnModel(8, padding);
      const feed = (n: number, rand: () => number): tf.Tensor => tf.tensor(randomArray(n * 128, rand), padding === 'same' ? [n, 8, 16] : [n, 8, 8, 2]);
      const ours = await train(build, true, [], feed);
      const stock = await train(build, false, [], feed);
      ours.metrics.forEach((m, s) => {
        expect(m[0]).toBeCloseTo(stock.metrics[s]?.[0] as number, 4);
        expect(m[1]).toBeCloseTo(stock.metrics[s]?.[1] as number, 5);
      });
      expect(ours.weights.length).toBe(8);
      ours.weights.forEach((w, i) => expect(maxRelDiff(w, stock.weights[i] as Float32Array), `weight ${i}`).toBeLessThan(1e-4));
      ours.moments.forEach((w, i) => expect(maxRelDiff(w, stock.moments[i] as Float32Array), `moment ${i}`).toBeLessThan(1e-3));
    });
  }

  it('says why a model has no compiled step', () => {
    const conv = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 3, dilationRate: 2, padding: 'same' }), tf.layers.flatten(), tf.layers.dense({ units: 2, activation: 'softmax' })] });
    expect(planChain(conv)).toMatch(/is dilated/);
    const noSoftmax = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 })] });
    expect(planChain(noSoftmax)).toBe('the last Dense is not softmax');
    const regular = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 4, kernelRegularizer: tf.regularizers.l2() }), tf.layers.dense({ units: 2, activation: 'softmax' })] });
    expect(planChain(regular)).toMatch(/kernelRegularizer/);
    const frozen = model(1, ['relu']);
    frozen.layers[0]!.trainable = false;
    expect(planChain(frozen)).toMatch(/frozen/);
    const elu = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 4, activation: 'elu' }), tf.layers.dense({ units: 2, activation: 'softmax' })] });
    expect(planChain(elu)).toMatch(/uses elu/);
    const plan = planChain(model(2, ['relu', 'tanh']));
    expect(typeof plan === 'string' ? plan : plan.layers.map((l) => l.activation)).toEqual(['relu', 'tanh', 'softmax']);
    [conv, noSoftmax, regular, frozen, elu].forEach((m) => m.dispose());
  });
});
