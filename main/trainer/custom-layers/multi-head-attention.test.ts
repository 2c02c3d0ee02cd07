import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { MultiHeadAttention, registerCustomLayers } from './index';
import { lossBeforeAfter, maxAbsDiff, randomTensor, randomizeWeights, saveAndReload } from './test-support';

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerCustomLayers();
});

type N3 = number[][][];
type N2 = number[][];

/** Keras's parameter count for MultiHeadAttention. */
function kerasMhaParams(dq: number, dv: number, dk: number, h: number, kd: number, vd: number, out: number, bias = true): number {
  const b = bias ? 1 : 0;
  return dq * h * kd + b * h * kd + dk * h * kd + b * h * kd + dv * h * vd + b * h * vd + h * vd * out + b * out;
}

/** Multi-head attention in plain loops, from Keras's definition. */
function referenceMha(q: N3, v: N3, k: N3, w: { qk: N3; qb: N2; kk: N3; kb: N2; vk: N3; vb: N2; ok: N3; ob: number[] }): N3 {
  const h = w.qb.length;
  const kd = (w.qb[0] as number[]).length;
  const vd = (w.vb[0] as number[]).length;
  const od = w.ob.length;
  const proj = (x: number[], kernel: N3, bias: N2, dim: number) =>
    Array.from({ length: h }, (_, hi) =>
      Array.from({ length: dim }, (_, j) => x.reduce((s, xi, d) => s + xi * (kernel[d] as N2)[hi]![j]!, 0) + bias[hi]![j]!),
    );
  return q.map((qb, b) => {
    const Q = qb.map((x) => proj(x, w.qk, w.qb, kd));
    const K = k[b]!.map((x) => proj(x, w.kk, w.kb, kd));
    const V = v[b]!.map((x) => proj(x, w.vk, w.vb, vd));
    return Q.map((qt) => {
      const heads = Array.from({ length: h }, (_, hi) => {
        const scores = K.map((ks) => qt[hi]!.reduce((s, x, j) => s + x * ks[hi]![j]!, 0) / Math.sqrt(kd));
        const m = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - m));
        const z = e.reduce((a, c) => a + c, 0);
        return Array.from({ length: vd }, (_, j) => e.reduce((s, p, si) => s + (p / z) * V[si]![hi]![j]!, 0));
      });
      return Array.from({ length: od }, (_, o) => {
        let s = w.ob[o]!;
        for (let hi = 0; hi < h; hi++) for (let j = 0; j < vd; j++) s += heads[hi]![j]! * w.ok[hi]![j]![o]!;
        return s;
      });
    });
  });
}

function crossModel(opts: { numHeads: number; keyDim: number; valueDim?: number; outputShape?: number; useBias?: boolean; withKey: boolean }) {
  const q = tf.input({ shape: [4, 6], name: 'q' });
  const v = tf.input({ shape: [5, 3], name: 'v' });
  const k = tf.input({ shape: [5, 7], name: 'k' });
  const layer = new MultiHeadAttention({ ...opts, name: 'mha' });
  const out = layer.apply(opts.withKey ? [q, v, k] : [q, v]) as tf.SymbolicTensor;
  return { model: tf.model({ inputs: opts.withKey ? [q, v, k] : [q, v], outputs: out }), layer };
}

describe('MultiHeadAttention', () => {
  it('has Keras\'s weight layout, names and parameter count (cross-attention with a separate key)', () => {
    const { model, layer } = crossModel({ numHeads: 2, keyDim: 4, valueDim: 5, outputShape: 8, withKey: true });
    expect(layer.weights.map((w) => [w.name.replace(/^mha\//, ''), w.shape])).toEqual([
      ['query/kernel', [6, 2, 4]],
      ['query/bias', [2, 4]],
      ['key/kernel', [7, 2, 4]],
      ['key/bias', [2, 4]],
      ['value/kernel', [3, 2, 5]],
      ['value/bias', [2, 5]],
      ['attention_output/kernel', [2, 5, 8]],
      ['attention_output/bias', [8]],
    ]);
    expect(model.countParams()).toBe(kerasMhaParams(6, 3, 7, 2, 4, 5, 8));
    expect(model.outputs[0]?.shape).toEqual([null, 4, 8]);
    model.dispose();
  });

  it('defaults key to value, valueDim to keyDim and the output size to the query\'s; useBias false drops biases', () => {
    const { model } = crossModel({ numHeads: 3, keyDim: 2, useBias: false, withKey: false });
    expect(model.outputs[0]?.shape).toEqual([null, 4, 6]);
    expect(model.countParams()).toBe(kerasMhaParams(6, 3, 3, 3, 2, 2, 6, false));
    expect(model.countParams()).toBe(6 * 3 * 2 + 3 * 3 * 2 + 3 * 3 * 2 + 3 * 2 * 6);
    model.dispose();
  });

  it('computes Keras\'s attention: matches a plain-loop reference', () => {
    const { model, layer } = crossModel({ numHeads: 2, keyDim: 3, valueDim: 2, outputShape: 5, withKey: true });
    randomizeWeights(model, 11);
    const [qk, qb, kk, kb, vk, vb, ok, ob] = layer.getWeights().map((t) => t.arraySync());
    const q = randomTensor([2, 4, 6], 1);
    const v = randomTensor([2, 5, 3], 2);
    const k = randomTensor([2, 5, 7], 3);
    const got = (model.predict([q, v, k]) as tf.Tensor).dataSync();
    const want = referenceMha(q.arraySync() as N3, v.arraySync() as N3, k.arraySync() as N3, {
      qk: qk as N3, qb: qb as N2, kk: kk as N3, kb: kb as N2, vk: vk as N3, vb: vb as N2, ok: ok as N3, ob: ob as number[],
    }).flat(2);
    expect(got.length).toBe(want.length);
    expect(maxAbsDiff(got, want)).toBeLessThan(1e-4);
    // A different key changes the result: the third input is really used.
    const other = (model.predict([q, v, randomTensor([2, 5, 7], 4)]) as tf.Tensor).dataSync();
    expect(maxAbsDiff(got, other)).toBeGreaterThan(1e-3);
    model.dispose();
  });

  it('trains: gradients reach every weight and a few Adam steps lower the loss', async () => {
    const { model, layer } = crossModel({ numHeads: 2, keyDim: 4, withKey: false });
    const x = [randomTensor([8, 4, 6], 5), randomTensor([8, 5, 3], 6)];
    const y = randomTensor([8, 4, 6], 7);
    const before = layer.getWeights().map((w) => w.dataSync().slice());
    const [l0, l1] = await lossBeforeAfter(model, x, y, 10);
    expect(l1).toBeLessThan(l0);
    layer.getWeights().forEach((w, i) => expect(maxAbsDiff(w.dataSync(), before[i] as Float32Array), layer.weights[i]?.name).toBeGreaterThan(0));
    model.dispose();
  });

  it('self-attention: padded (masked) keys are ignored, as if the sequence were shorter', () => {
    const embedding = tf.layers.embedding({ inputDim: 10, outputDim: 6, maskZero: true });
    const mha = new MultiHeadAttention({ numHeads: 2, keyDim: 3 });
    const build = (length: number) => {
      const ids = tf.input({ shape: [length] });
      const emb = embedding.apply(ids) as tf.SymbolicTensor;
      return tf.model({ inputs: ids, outputs: mha.apply([emb, emb]) as tf.SymbolicTensor });
    };
    const padded = build(4);
    const short = build(2);
    randomizeWeights(padded, 3);
    const a = (padded.predict(tf.tensor2d([[3, 5, 0, 0]])) as tf.Tensor).arraySync() as N3;
    const b = (short.predict(tf.tensor2d([[3, 5]])) as tf.Tensor).arraySync() as N3;
    expect(maxAbsDiff(a[0]!.slice(0, 2).flat(), b[0]!.flat())).toBeLessThan(1e-5);
    // A real token in place of the padding does change them.
    const c = (padded.predict(tf.tensor2d([[3, 5, 7, 0]])) as tf.Tensor).arraySync() as N3;
    expect(maxAbsDiff(a[0]![0]!, c[0]![0]!)).toBeGreaterThan(1e-4);
    padded.dispose();
  });

  it('saves to model.json and reloads with the same predictions', async () => {
    const { model } = crossModel({ numHeads: 2, keyDim: 3, valueDim: 4, outputShape: 5, withKey: true });
    randomizeWeights(model, 21);
    const x = [randomTensor([2, 4, 6], 1), randomTensor([2, 5, 3], 2), randomTensor([2, 5, 7], 3)];
    const { model: reloaded, topology } = await saveAndReload(model);
    expect(topology).toContain('"class_name":"MultiHeadAttention"');
    expect(topology).toContain('"num_heads":2');
    const want = (model.predict(x) as tf.Tensor).dataSync();
    const got = (reloaded.predict(x) as tf.Tensor).dataSync();
    expect(maxAbsDiff(got, want)).toBe(0);
    expect(reloaded.countParams()).toBe(model.countParams());
    model.dispose();
    reloaded.dispose();
  });

  it('trains on the wasm backend too', async () => {
    const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
    const { wasmBinaryDir } = await import('../backend-loader');
    const path = await import('node:path');
    setWasmPaths(wasmBinaryDir() + path.sep);
    expect(await tf.setBackend('wasm')).toBe(true);
    try {
      const { model } = crossModel({ numHeads: 2, keyDim: 4, withKey: true });
      const x = [randomTensor([8, 4, 6], 5), randomTensor([8, 5, 3], 6), randomTensor([8, 5, 7], 8)];
      const [l0, l1] = await lossBeforeAfter(model, x, randomTensor([8, 4, 6], 7), 10);
      expect(l1).toBeLessThan(l0);
      model.dispose();
    } finally {
      await tf.setBackend('cpu');
    }
  });
});
