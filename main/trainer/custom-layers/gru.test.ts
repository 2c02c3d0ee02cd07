import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { NetwrightGRU, customFactoryFor, registerCustomLayers } from './index';
import { lossBeforeAfter, maxAbsDiff, randomTensor, randomizeWeights, saveAndReload } from './test-support';

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerCustomLayers();
});

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Keras's GRU (sigmoid gates, tanh candidate) in plain loops; returns the last state per sample. */
function referenceGru(x: number[][][], kernel: number[][], rec: number[][], bias: number[][] | number[], resetAfter: boolean): number[][] {
  const u = (rec[0] as number[]).length / 3;
  const ib = resetAfter ? (bias as number[][])[0]! : (bias as number[]);
  const rb = resetAfter ? (bias as number[][])[1]! : new Array<number>(3 * u).fill(0);
  return x.map((seq) => {
    let h = new Array<number>(u).fill(0);
    for (const xt of seq) {
      const mx = Array.from({ length: 3 * u }, (_, j) => xt.reduce((s, v, i) => s + v * kernel[i]![j]!, 0) + ib[j]!);
      const mh = Array.from({ length: 3 * u }, (_, j) => h.reduce((s, v, i) => s + v * rec[i]![j]!, 0) + rb[j]!);
      const z = h.map((_, j) => sigmoid(mx[j]! + mh[j]!));
      const r = h.map((_, j) => sigmoid(mx[u + j]! + mh[u + j]!));
      let hh: number[];
      if (resetAfter) {
        hh = h.map((_, j) => Math.tanh(mx[2 * u + j]! + r[j]! * mh[2 * u + j]!));
      } else {
        const rh = h.map((v, j) => r[j]! * v);
        hh = h.map((_, j) => Math.tanh(mx[2 * u + j]! + rh.reduce((s, v, i) => s + v * rec[i]![2 * u + j]!, 0)));
      }
      h = h.map((v, j) => z[j]! * v + (1 - z[j]!) * hh[j]!);
    }
    return h;
  });
}

function gruModel(config: ConstructorParameters<typeof NetwrightGRU>[0], steps = 5, features = 3) {
  const input = tf.input({ shape: [steps, features] });
  const layer = new NetwrightGRU({ ...config, name: 'gru' });
  return { model: tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor }), layer };
}

describe('NetwrightGRU', () => {
  it('resetAfter true: Keras\'s weights ([2, 3u] bias) and 3·(u·(i+u) + 2u) parameters', () => {
    const { model, layer } = gruModel({ units: 4, resetAfter: true });
    expect(layer.weights.map((w) => w.shape)).toEqual([[3, 12], [4, 12], [2, 12]]);
    expect(model.countParams()).toBe(3 * (4 * (3 + 4) + 2 * 4));
    expect(model.outputs[0]?.shape).toEqual([null, 4]);
    model.dispose();
  });

  it('resetAfter false: [3u] bias, 3·(u·(i+u) + u) parameters, same count as stock tfjs', () => {
    const { model } = gruModel({ units: 4, resetAfter: false, returnSequences: true });
    expect(model.countParams()).toBe(3 * (4 * (3 + 4) + 4));
    const stock = tf.sequential({ layers: [tf.layers.gru({ units: 4, inputShape: [5, 3] })] });
    expect(model.countParams()).toBe(stock.countParams());
    expect(model.outputs[0]?.shape).toEqual([null, 5, 4]);
    model.dispose();
    stock.dispose();
  });

  for (const resetAfter of [true, false]) {
    it(`resetAfter ${resetAfter}: matches a plain-loop reference of Keras's GRU`, () => {
      const { model, layer } = gruModel({ units: 3, resetAfter });
      randomizeWeights(model, resetAfter ? 1 : 2, 0.7);
      const x = randomTensor([2, 5, 3], 9);
      const [k, r, b] = layer.getWeights().map((t) => t.arraySync());
      const want = referenceGru(x.arraySync() as number[][][], k as number[][], r as number[][], b as number[][], resetAfter).flat();
      const got = (model.predict(x) as tf.Tensor).dataSync();
      expect(maxAbsDiff(got, want)).toBeLessThan(1e-5);
      model.dispose();
    });
  }

  it('resetAfter false gives the same outputs as stock tf.layers.gru with the same weights', () => {
    const { model } = gruModel({ units: 3, resetAfter: false, returnSequences: true, recurrentActivation: 'sigmoid' });
    randomizeWeights(model, 5);
    const stock = tf.sequential({ layers: [tf.layers.gru({ units: 3, recurrentActivation: 'sigmoid', returnSequences: true, inputShape: [5, 3] })] });
    stock.setWeights(model.getWeights());
    const x = randomTensor([2, 5, 3], 4);
    expect(maxAbsDiff((model.predict(x) as tf.Tensor).dataSync(), (stock.predict(x) as tf.Tensor).dataSync())).toBeLessThan(1e-5);
    model.dispose();
    stock.dispose();
  });

  it('goBackwards reads the sequence in reverse', () => {
    const fwd = gruModel({ units: 3 });
    const bwd = gruModel({ units: 3, goBackwards: true });
    randomizeWeights(fwd.model, 8);
    bwd.model.setWeights(fwd.model.getWeights());
    const x = randomTensor([1, 5, 3], 2);
    const reversed = tf.reverse(x, 1);
    expect(maxAbsDiff((bwd.model.predict(x) as tf.Tensor).dataSync(), (fwd.model.predict(reversed) as tf.Tensor).dataSync())).toBeLessThan(1e-6);
  });

  it('masked (padded) steps leave the state unchanged', () => {
    const embedding = tf.layers.embedding({ inputDim: 10, outputDim: 3, maskZero: true });
    const gru = new NetwrightGRU({ units: 2 });
    const build = (length: number) => {
      const ids = tf.input({ shape: [length] });
      return tf.model({ inputs: ids, outputs: gru.apply(embedding.apply(ids)) as tf.SymbolicTensor });
    };
    const model = build(4);
    const short = build(2);
    randomizeWeights(model, 6);
    const padded = (model.predict(tf.tensor2d([[4, 2, 0, 0]])) as tf.Tensor).dataSync();
    const two = (short.predict(tf.tensor2d([[4, 2]])) as tf.Tensor).dataSync();
    expect(maxAbsDiff(padded, two)).toBeLessThan(1e-6);
    const longer = (model.predict(tf.tensor2d([[4, 2, 5, 0]])) as tf.Tensor).dataSync();
    expect(maxAbsDiff(padded, longer)).toBeGreaterThan(1e-4);
    model.dispose();
  });

  it('trains (resetAfter true, with dropout and recurrent dropout)', async () => {
    const { model, layer } = gruModel({ units: 4, dropout: 0.1, recurrentDropout: 0.1 });
    const before = layer.getWeights().map((w) => w.dataSync().slice());
    const [l0, l1] = await lossBeforeAfter(model, randomTensor([16, 5, 3], 1), randomTensor([16, 4], 2), 15);
    expect(l1).toBeLessThan(l0);
    layer.getWeights().forEach((w, i) => expect(maxAbsDiff(w.dataSync(), before[i] as Float32Array)).toBeGreaterThan(0));
    model.dispose();
  });

  it('wrapped in tfjs\' Bidirectional: builds, counts 2× the parameters and trains', async () => {
    const input = tf.input({ shape: [5, 3] });
    const bi = tf.layers.bidirectional({ layer: new NetwrightGRU({ units: 4, returnSequences: true }) as unknown as tf.RNN, mergeMode: 'concat' });
    const model = tf.model({ inputs: input, outputs: bi.apply(input) as tf.SymbolicTensor });
    expect(model.outputs[0]?.shape).toEqual([null, 5, 8]);
    expect(model.countParams()).toBe(2 * 3 * (4 * (3 + 4) + 2 * 4));
    const [l0, l1] = await lossBeforeAfter(model, randomTensor([8, 5, 3], 3), randomTensor([8, 5, 8], 4), 10);
    expect(l1).toBeLessThan(l0);
    const { model: reloaded } = await saveAndReload(model);
    const x = randomTensor([2, 5, 3], 5);
    expect(maxAbsDiff((reloaded.predict(x) as tf.Tensor).dataSync(), (model.predict(x) as tf.Tensor).dataSync())).toBe(0);
    model.dispose();
  });

  it('saves to model.json and reloads with the same predictions (with regularizer and initializer options)', async () => {
    const { model } = gruModel({
      units: 3,
      returnSequences: true,
      kernelInitializer: 'heNormal',
      kernelRegularizer: { className: 'L1L2', config: { l1: 0, l2: 0.01 } },
    });
    randomizeWeights(model, 12);
    const { model: reloaded, topology } = await saveAndReload(model);
    expect(topology).toContain('"class_name":"NetwrightGRU"');
    expect(topology).toContain('"reset_after":true');
    const x = randomTensor([2, 5, 3], 3);
    expect(maxAbsDiff((reloaded.predict(x) as tf.Tensor).dataSync(), (model.predict(x) as tf.Tensor).dataSync())).toBe(0);
    expect((reloaded.getLayer('gru') as NetwrightGRU).weightOptions.kernelInitializer).toBe('heNormal');
    model.dispose();
    reloaded.dispose();
  });

  it('factory "gru" resolves to NetwrightGRU only for resetAfter true', () => {
    expect(customFactoryFor('gru', { resetAfter: true })?.({ units: 2 })).toBeInstanceOf(NetwrightGRU);
    expect(customFactoryFor('gru', { resetAfter: false })).toBeUndefined();
    expect(customFactoryFor('dense', {})).toBeUndefined();
  });
});
