import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { FastGRU, FastLSTM, fastRecurrentFactory } from '../custom-layers/fast-rnn-layers';
import { maxRelDiff, prepareBackends, randomArray, rng } from './test-support';

beforeAll(async () => {
  await prepareBackends();
});

type Kind = 'lstm' | 'gru';

interface Case {
  kind: Kind;
  returnSequences: boolean;
  goBackwards: boolean;
  recurrentActivation: 'sigmoid' | 'hardSigmoid';
  useBias: boolean;
  batch: number;
  time: number;
  features: number;
  units: number;
}

const CASES: Case[] = [
  { kind: 'lstm', returnSequences: false, goBackwards: false, recurrentActivation: 'hardSigmoid', useBias: true, batch: 3, time: 7, features: 5, units: 4 },
  { kind: 'lstm', returnSequences: true, goBackwards: true, recurrentActivation: 'sigmoid', useBias: true, batch: 1, time: 5, features: 2, units: 3 },
  { kind: 'lstm', returnSequences: true, goBackwards: false, recurrentActivation: 'sigmoid', useBias: false, batch: 2, time: 2, features: 3, units: 6 },
  { kind: 'gru', returnSequences: false, goBackwards: false, recurrentActivation: 'hardSigmoid', useBias: true, batch: 3, time: 7, features: 5, units: 4 },
  { kind: 'gru', returnSequences: true, goBackwards: true, recurrentActivation: 'sigmoid', useBias: true, batch: 1, time: 6, features: 2, units: 5 },
  { kind: 'gru', returnSequences: true, goBackwards: false, recurrentActivation: 'sigmoid', useBias: false, batch: 4, time: 3, features: 1, units: 2 },
];

function layers(c: Case): [tf.layers.Layer, tf.layers.Layer] {
  const config = { units: c.units, returnSequences: c.returnSequences, goBackwards: c.goBackwards, recurrentActivation: c.recurrentActivation, useBias: c.useBias };
  return c.kind === 'lstm' ? [tf.layers.lstm(config), new FastLSTM(config)] : [tf.layers.gru(config), new FastGRU(config)];
}

/** Output, d(loss)/d(input) and d(loss)/d(weights) for loss = Σ output · w. */
function forwardAndGrads(layer: tf.layers.Layer, x: tf.Tensor, w: tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const weights = layer.trainableWeights.map((v) => v.read() as tf.Variable);
    const out = layer.apply(x) as tf.Tensor;
    const f = (xi: tf.Tensor) => tf.sum(tf.mul(layer.apply(xi) as tf.Tensor, w)) as tf.Scalar;
    const dx = tf.grad(f)(x);
    const { grads } = tf.variableGrads(() => f(x), weights);
    return [out, dx, ...weights.map((v) => grads[v.name] as tf.Tensor)].map((t) => Float32Array.from(t.dataSync()));
  });
}

describe('fused LSTM / GRU match the stock tfjs layers', () => {
  for (const backend of ['wasm', 'cpu']) {
    for (const c of CASES) {
      it(`${c.kind} on ${backend}: ${JSON.stringify({ rs: c.returnSequences, back: c.goBackwards, act: c.recurrentActivation, bias: c.useBias, B: c.batch, T: c.time })}`, () => {
        tf.setBackend(backend);
        const r = rng(c.batch * 100 + c.time * 10 + c.units);
        const [stock, fast] = layers(c);
        const x = tf.tensor3d(randomArray(c.batch * c.time * c.features, r), [c.batch, c.time, c.features]);
        stock.apply(x);
        fast.apply(x);
        // Same weights in the same order.
        fast.setWeights(stock.getWeights());
        const stockOut = stock.apply(x) as tf.Tensor;
        const w = tf.tensor(randomArray(stockOut.size, r), stockOut.shape);
        const ref = forwardAndGrads(stock, x, w);
        const got = forwardAndGrads(fast, x, w);
        expect(got.length).toBe(ref.length);
        expect(maxRelDiff(got[0] as Float32Array, ref[0] as Float32Array), 'outputs').toBeLessThan(1e-5);
        got.slice(1).forEach((g, i) => expect(maxRelDiff(g, ref[i + 1] as Float32Array), `gradient ${i}`).toBeLessThan(1e-4));
        tf.dispose([x, w, stockOut]);
        stock.dispose();
        fast.dispose();
      });
    }
  }

  it('serializes as the stock class: the saved model reloads as a stock LSTM with the same outputs', async () => {
    tf.setBackend('wasm');
    const input = tf.input({ shape: [6, 3] });
    const h = new FastLSTM({ units: 4, recurrentActivation: 'sigmoid' }).apply(input) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 2 }).apply(h) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const x = tf.randomNormal([5, 6, 3]);
    const y = tf.randomNormal([5, 2]);
    const before = await model.trainOnBatch(x, y);
    const after = await model.trainOnBatch(x, y);
    expect(after).toBeLessThan(before as number);
    let artifacts: tf.io.ModelArtifacts | null = null;
    await model.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    expect(JSON.stringify((artifacts as tf.io.ModelArtifacts | null)?.modelTopology)).toContain('"class_name":"LSTM"');
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts as unknown as tf.io.ModelArtifacts));
    expect(loaded.layers[1]?.constructor.name).toBe('LSTM');
    const a = (model.predict(x) as tf.Tensor).dataSync();
    const b = (loaded.predict(x) as tf.Tensor).dataSync();
    expect(maxRelDiff(a, b)).toBeLessThan(1e-5);
    model.dispose();
    loaded.dispose();
    tf.dispose([x, y]);
  });
});

describe('fastRecurrentFactory', () => {
  it('stands in for stock configs it supports and declines the rest', () => {
    expect(fastRecurrentFactory('lstm', { units: 4 })?.({ units: 4 })).toBeInstanceOf(FastLSTM);
    expect(fastRecurrentFactory('gru', { units: 4, recurrentActivation: 'sigmoid' })?.({ units: 4 })).toBeInstanceOf(FastGRU);
    expect(fastRecurrentFactory('gru', { units: 4, resetAfter: true })).toBeUndefined();
    expect(fastRecurrentFactory('lstm', { units: 4, dropout: 0.2 })).toBeUndefined();
    expect(fastRecurrentFactory('lstm', { units: 4, activation: 'relu' })).toBeUndefined();
    expect(fastRecurrentFactory('dense', { units: 4 })).toBeUndefined();
  });
});
