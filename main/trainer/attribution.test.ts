import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { loadBestBackend } from './backend-loader';
import { executeLayers } from './layer-executor';
import { gradCam, gradCamFrom, inputGradient, resizeMap, saliencyMap, scoreKind, sequenceAttributions } from './attribution';
import { layerOutputsModel } from './layer-insight';
import { registerCustomLayers } from './custom-layers';
import { buildModelFromDoc } from './build-model';
import { residualCnnDoc } from './test-helpers';

/**
 * The attributions' numbers against finite differences: every gradient the
 * explanations use is compared with central differences of the model's own
 * `predict` (a different code path from the layer-by-layer executor and its tape).
 */

beforeAll(async () => {
  await loadBestBackend();
  registerCustomLayers();
});

/** A seeded generator, so the test models and inputs are the same every run. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Sets every weight of `model` to seeded values in [-scale, scale]. */
function seedWeights(model: tf.LayersModel, seed: number, scale = 0.5): void {
  const r = seeded(seed);
  model.setWeights(model.getWeights().map((w) => tf.tensor(Float32Array.from({ length: w.size }, () => (r() * 2 - 1) * scale), w.shape)));
}

function predictFlat(model: tf.LayersModel, x: tf.Tensor): Float32Array {
  return tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array).slice();
}

/**
 * ∂out[k]/∂x by central differences through `model.predict`, for every input value:
 * all perturbed copies in one batch.
 */
function finiteDifferences(model: tf.LayersModel, x: Float32Array, shape: readonly number[], k: number, eps = 1e-2): Float32Array {
  const n = x.length;
  const batch = new Float32Array(2 * n * n);
  for (let i = 0; i < n; i++) {
    batch.set(x, 2 * i * n);
    batch.set(x, (2 * i + 1) * n);
    batch[2 * i * n + i] = (x[i] as number) + eps;
    batch[(2 * i + 1) * n + i] = (x[i] as number) - eps;
  }
  const out = tf.tidy(() => (model.predict(tf.tensor(batch, [2 * n, ...shape])) as tf.Tensor).reshape([2 * n, -1]).dataSync() as Float32Array);
  const width = out.length / (2 * n);
  return Float32Array.from({ length: n }, (_, i) => ((out[2 * i * width + k] as number) - (out[(2 * i + 1) * width + k] as number)) / (2 * eps));
}

/** Every value within `abs + rel·|expected|`, and the largest error for the message. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, abs = 2e-3, rel = 2e-2): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs((actual[i] as number) - (expected[i] as number)) - rel * Math.abs(expected[i] as number);
    if (err > worst) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `value ${at}: ${actual[at]} against ${expected[at]}`).toBeLessThanOrEqual(abs);
}

/** conv(tanh) -> conv(tanh) -> flatten -> dense, on 6x6x2 images; the last layer's activation given. */
function cnn(activation: 'linear' | 'softmax', seed = 1): { model: tf.LayersModel; layers: tf.layers.Layer[] } {
  const input = tf.input({ shape: [6, 6, 2], name: 'img' });
  const c1 = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'tanh', name: 'c1' });
  const c2 = tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'tanh', name: 'c2' });
  const flat = tf.layers.flatten({ name: 'flat' });
  const dense = tf.layers.dense({ units: 3, activation, name: 'out' });
  const out = dense.apply(flat.apply(c2.apply(c1.apply(input)))) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  seedWeights(model, seed);
  return { model, layers: [c1, c2, flat, dense] };
}

const image = (seed: number) => {
  const r = seeded(seed);
  return Float32Array.from({ length: 6 * 6 * 2 }, () => r());
};

describe('the layer-by-layer executor', () => {
  it('gives every layer the output predict gives it (conv, residual blocks with merges)', () => {
    for (const model of [cnn('softmax').model, buildModelFromDoc(residualCnnDoc()).model]) {
      const shape = (model.inputs[0]?.shape ?? []).slice(1) as number[];
      const r = seeded(3);
      const x = tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r()), [1, ...shape]);
      const probe = layerOutputsModel(model);
      const expected = (probe.model.predict(x) as tf.Tensor[]).map((t) => t.dataSync().slice());
      const got = tf.tidy(() => executeLayers(model, [x]).layers.filter((l) => l.layer.getClassName() !== 'InputLayer').map((l) => l.output.dataSync().slice()));
      expect(got.length).toBe(expected.length);
      got.forEach((g, i) => expectClose(g, expected[i] as Float32Array, 1e-5, 1e-5));
      x.dispose();
      model.dispose();
    }
  });

  it('passes masks on as predict does (Embedding with maskZero into an LSTM)', () => {
    const build = (maskZero: boolean) => {
      const input = tf.input({ shape: [7], dtype: 'int32', name: 'ids' });
      const emb = tf.layers.embedding({ inputDim: 20, outputDim: 4, maskZero, name: 'emb' }).apply(input) as tf.SymbolicTensor;
      const lstm = tf.layers.lstm({ units: 3, name: 'lstm' }).apply(emb) as tf.SymbolicTensor;
      const out = tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' }).apply(lstm) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: out });
    };
    const model = build(true);
    seedWeights(model, 5);
    const plain = build(false);
    plain.setWeights(model.getWeights());
    const x = tf.tensor([[0, 0, 3, 7, 1, 12, 5]], [1, 7], 'int32');
    const expected = predictFlat(model, x);
    const got = tf.tidy(() => executeLayers(model, [x]).outputs[0]?.dataSync().slice() as Float32Array);
    expectClose(got, expected, 1e-6, 1e-6);
    // The padding matters to this model: without the mask the output differs.
    expect(Math.abs((predictFlat(plain, x)[0] as number) - (expected[0] as number))).toBeGreaterThan(1e-4);
    x.dispose();
    model.dispose();
    plain.dispose();
  });

  it('leaves out the final softmax when asked for logits, and leaves the layer as it was', () => {
    const { model } = cnn('softmax');
    const { model: twin } = cnn('linear');
    twin.setWeights(model.getWeights());
    const x = tf.tensor(image(2), [1, 6, 6, 2]);
    const logits = tf.tidy(() => executeLayers(model, [x], { logits: true }).outputs[0]?.dataSync().slice() as Float32Array);
    expectClose(logits, predictFlat(twin, x), 1e-6, 1e-6);
    const probs = predictFlat(model, x);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(scoreKind(model, false)).toBe('logit');
    expect(scoreKind(twin, false)).toBe('output');
    x.dispose();
    model.dispose();
    twin.dispose();
  });
});

describe('saliency: the gradient of a class score with respect to the input', () => {
  it('matches finite differences of predict for every pixel and channel', () => {
    const { model } = cnn('linear');
    const xs = image(7);
    const x = tf.tensor(xs, [1, 6, 6, 2]);
    for (const k of [0, 2]) {
      const { score, gradient } = inputGradient(model, x, { index: k, regression: false });
      expect(score).toBeCloseTo(predictFlat(model, x)[k] as number, 5);
      expectClose(gradient, finiteDifferences(model, xs, [6, 6, 2], k));
    }
    x.dispose();
    model.dispose();
  });

  it('takes the logit of a softmax model: the same gradient as the model without its softmax', () => {
    const { model } = cnn('softmax', 9);
    const { model: twin } = cnn('linear', 9);
    const x = tf.tensor(image(4), [1, 6, 6, 2]);
    const a = inputGradient(model, x, { index: 1, regression: false });
    const b = inputGradient(twin, x, { index: 1, regression: false });
    expectClose(a.gradient, b.gradient, 1e-6, 1e-5);
    expectClose(b.gradient, finiteDifferences(twin, image(4), [6, 6, 2], 1));
    x.dispose();
    model.dispose();
    twin.dispose();
  });

  it('turns a gradient into a map: the largest |value| over channels', () => {
    expect(Array.from(saliencyMap([0.5, -2, 1, 0.25], 1, 2, 2))).toEqual([2, 1]);
  });
});

describe('Grad-CAM', () => {
  it('weights each channel by the mean of ∂score/∂A, checked by finite differences through the rest of the network', () => {
    const { model, layers } = cnn('linear', 11);
    const [, c2, flat, dense] = layers as [tf.layers.Layer, tf.layers.Layer, tf.layers.Layer, tf.layers.Layer];
    const xs = image(13);
    const x = tf.tensor(xs, [1, 6, 6, 2]);
    const k = 1;
    const cam = gradCam(model, x, { index: k, regression: false }, 'c1');
    // The network after c1 as a model of its own (same weights), for the reference.
    const headIn = tf.input({ shape: [6, 6, 3] });
    const h2 = tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'tanh' });
    const hd = tf.layers.dense({ units: 3 });
    const head = tf.model({ inputs: headIn, outputs: hd.apply(tf.layers.flatten().apply(h2.apply(headIn))) as tf.SymbolicTensor });
    h2.setWeights(c2.getWeights());
    hd.setWeights(dense.getWeights());
    expect(flat.name).toBe('flat');
    const a = tf.tidy(() => executeLayers(model, [x]).layers.find((l) => l.layer.name === 'c1')?.output.dataSync().slice() as Float32Array);
    const fd = finiteDifferences(head, a, [6, 6, 3], k);
    const reference = gradCamFrom(a, fd, 6, 6, 3);
    expectClose(cam.weights, reference.weights);
    expectClose(cam.map, reference.map, 5e-3);
    expect(cam.height).toBe(6);
    expect(Math.max(...cam.map)).toBeGreaterThan(0);
    x.dispose();
    model.dispose();
    head.dispose();
  });

  it('is ReLU(Σ α_k A_k) with α the mean gradient (a hand-computed case)', () => {
    // 1x2 map, 2 channels: A = [[1, 2], [3, -1]] per pixel; gradients give α = [0.5, -1].
    const { map, weights } = gradCamFrom([1, 2, 3, -1], [0, -2, 1, 0], 1, 2, 2);
    expect(Array.from(weights)).toEqual([0.5, -1]);
    expect(Array.from(map)).toEqual([0, 2.5]);
  });

  it('resizes the map bilinearly to the input size', () => {
    const up = resizeMap(Float32Array.from([0, 1]), 1, 2, 1, 4);
    expect(Array.from(up).map((v) => Number(v.toFixed(4)))).toEqual([0, 0.25, 0.75, 1]);
  });
});

describe('token attributions: gradient × input at the embedding', () => {
  it('match finite differences through the layers after the embedding, and sum to the first-order change of the score', () => {
    const input = tf.input({ shape: [6], dtype: 'int32', name: 'ids' });
    const embLayer = tf.layers.embedding({ inputDim: 15, outputDim: 3, name: 'emb' });
    const rnn = tf.layers.simpleRNN({ units: 4, activation: 'tanh', name: 'rnn' });
    const dense = tf.layers.dense({ units: 2, name: 'out' });
    const model = tf.model({ inputs: input, outputs: dense.apply(rnn.apply(embLayer.apply(input))) as tf.SymbolicTensor });
    seedWeights(model, 17);
    const ids = [3, 9, 1, 14, 2, 6];
    const x = tf.tensor([ids], [1, 6], 'int32');
    const { attributions, score } = sequenceAttributions(model, x, { index: 0, regression: false }, 'emb');
    // Reference: the network after the embedding as its own model, differentiated numerically.
    const headIn = tf.input({ shape: [6, 3] });
    const r2 = tf.layers.simpleRNN({ units: 4, activation: 'tanh' });
    const d2 = tf.layers.dense({ units: 2 });
    const head = tf.model({ inputs: headIn, outputs: d2.apply(r2.apply(headIn)) as tf.SymbolicTensor });
    r2.setWeights(rnn.getWeights());
    d2.setWeights(dense.getWeights());
    const table = embLayer.getWeights()[0]?.arraySync() as number[][];
    const e = Float32Array.from(ids.flatMap((id) => table[id] as number[]));
    const fd = finiteDifferences(head, e, [6, 3], 0);
    const reference = Float32Array.from({ length: 6 }, (_, t) => [0, 1, 2].reduce((s, d) => s + (e[t * 3 + d] as number) * (fd[t * 3 + d] as number), 0));
    expectClose(attributions, reference);
    expect(score).toBeCloseTo(predictFlat(model, x)[0] as number, 5);
    x.dispose();
    model.dispose();
    head.dispose();
  });
});

describe('feature attributions: gradient × input of a regression output', () => {
  it('match finite differences of predict', () => {
    const input = tf.input({ shape: [5] });
    const h = tf.layers.dense({ units: 6, activation: 'tanh' }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1 }).apply(h) as tf.SymbolicTensor });
    seedWeights(model, 23, 0.8);
    const xs = Float32Array.from([0.3, -1.2, 0.8, 2.0, -0.4]);
    const x = tf.tensor(xs, [1, 5]);
    const { gradient } = inputGradient(model, x, { index: 0, regression: true });
    expectClose(gradient, finiteDifferences(model, xs, [5], 0));
    x.dispose();
    model.dispose();
  });
});
