import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { MultiHeadAttention, PositionalEmbedding, TransformerEncoder, registerCustomLayers } from './index';
import { lossBeforeAfter, maxAbsDiff, randomTensor, randomizeWeights, saveAndReload } from './test-support';

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerCustomLayers();
});

/** keras-hub TransformerEncoder parameters: attention 4(d·h·k + h·k)-ish terms, 2 LayerNorms, 2 Dense. */
function kerasEncoderParams(d: number, heads: number, inter: number): number {
  const k = Math.floor(d / heads);
  const attention = 3 * (d * heads * k + heads * k) + heads * k * d + d;
  return attention + 2 * (2 * d) + (d * inter + inter) + (inter * d + d);
}

function encoderModel(config: ConstructorParameters<typeof TransformerEncoder>[0], t = 6, d = 8) {
  const input = tf.input({ shape: [t, d] });
  const layer = new TransformerEncoder({ ...config, name: 'encoder' });
  return { model: tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor }), layer };
}

/** The same block wired from our MultiHeadAttention and stock tfjs layers. */
function composedEncoder(t: number, d: number, heads: number, inter: number, activation: string) {
  const x = tf.input({ shape: [t, d] });
  const att = new MultiHeadAttention({ numHeads: heads, keyDim: Math.floor(d / heads) }).apply([x, x]) as tf.SymbolicTensor;
  const ln1 = tf.layers.layerNormalization({ epsilon: 1e-5 });
  const y = ln1.apply(tf.layers.add().apply([att, x])) as tf.SymbolicTensor;
  const d1 = tf.layers.dense({ units: inter, activation: activation as 'relu' });
  const d2 = tf.layers.dense({ units: d });
  const ln2 = tf.layers.layerNormalization({ epsilon: 1e-5 });
  const out = ln2.apply(tf.layers.add().apply([d2.apply(d1.apply(y)) as tf.SymbolicTensor, y])) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: out });
}

describe('TransformerEncoder', () => {
  it('keeps the shape and counts the parameters of its parts (keras-hub layout)', () => {
    const { model, layer } = encoderModel({ numHeads: 2, intermediateDim: 16 });
    expect(model.outputs[0]?.shape).toEqual([null, 6, 8]);
    expect(model.countParams()).toBe(kerasEncoderParams(8, 2, 16));
    expect(model.countParams()).toBe(4 * 8 * 8 + 4 * 8 + 4 * 8 + 2 * 8 * 16 + 16 + 8);
    expect(layer.weights.map((w) => w.name.replace(/^encoder\//, ''))).toEqual([
      'self_attention_layer/query/kernel',
      'self_attention_layer/query/bias',
      'self_attention_layer/key/kernel',
      'self_attention_layer/key/bias',
      'self_attention_layer/value/kernel',
      'self_attention_layer/value/bias',
      'self_attention_layer/attention_output/kernel',
      'self_attention_layer/attention_output/bias',
      'self_attention_layer_norm/gamma',
      'self_attention_layer_norm/beta',
      'feedforward_layer_norm/gamma',
      'feedforward_layer_norm/beta',
      'feedforward_intermediate_dense/kernel',
      'feedforward_intermediate_dense/bias',
      'feedforward_output_dense/kernel',
      'feedforward_output_dense/bias',
    ]);
    model.dispose();
  });

  it('heads that do not divide the width use keyDim = floor(d / heads), as keras-hub', () => {
    const { model } = encoderModel({ numHeads: 3, intermediateDim: 5 });
    expect(model.countParams()).toBe(kerasEncoderParams(8, 3, 5));
    model.dispose();
  });

  for (const activation of ['relu', 'gelu']) {
    it(`equals attention + add & norm + feed-forward (${activation}) + add & norm built from separate layers`, () => {
      const { model } = encoderModel({ numHeads: 2, intermediateDim: 12, activation });
      randomizeWeights(model, 4);
      const reference = composedEncoder(6, 8, 2, 12, activation);
      const w = model.getWeights();
      // ours: attention(8), ln1(2), ln2(2), dense1(2), dense2(2); reference: attention, ln1, dense1, dense2, ln2
      reference.setWeights([...w.slice(0, 8), ...w.slice(8, 10), ...w.slice(12, 14), ...w.slice(14, 16), ...w.slice(10, 12)]);
      const x = randomTensor([3, 6, 8], 2);
      expect(maxAbsDiff((model.predict(x) as tf.Tensor).dataSync(), (reference.predict(x) as tf.Tensor).dataSync())).toBeLessThan(1e-4);
      model.dispose();
      reference.dispose();
    });
  }

  it('normalizeFirst puts the norms before each block (a different function)', () => {
    const post = encoderModel({ numHeads: 2, intermediateDim: 8 });
    const pre = encoderModel({ numHeads: 2, intermediateDim: 8, normalizeFirst: true });
    randomizeWeights(post.model, 1);
    pre.model.setWeights(post.model.getWeights());
    const x = randomTensor([2, 6, 8], 3);
    expect(maxAbsDiff((pre.model.predict(x) as tf.Tensor).dataSync(), (post.model.predict(x) as tf.Tensor).dataSync())).toBeGreaterThan(1e-3);
  });

  it('trains with dropout, reaches every weight, and reloads from model.json', async () => {
    const { model, layer } = encoderModel({ numHeads: 2, intermediateDim: 16, dropout: 0.1 });
    const before = layer.getWeights().map((w) => w.dataSync().slice());
    const [l0, l1] = await lossBeforeAfter(model, randomTensor([8, 6, 8], 1), randomTensor([8, 6, 8], 2), 10);
    expect(l1).toBeLessThan(l0);
    layer.getWeights().forEach((w, i) => expect(maxAbsDiff(w.dataSync(), before[i] as Float32Array), layer.weights[i]?.name).toBeGreaterThan(0));
    const { model: reloaded, topology } = await saveAndReload(model);
    expect(topology).toContain('"class_name":"TransformerEncoder"');
    const x = randomTensor([2, 6, 8], 3);
    expect(maxAbsDiff((reloaded.predict(x) as tf.Tensor).dataSync(), (model.predict(x) as tf.Tensor).dataSync())).toBe(0);
    model.dispose();
    reloaded.dispose();
  });

  it('one training step emits no Tile, Gather or Unpack kernel', async () => {
    const { model } = encoderModel({ numHeads: 2, intermediateDim: 16 });
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const x = randomTensor([4, 6, 8], 1);
    const y = randomTensor([4, 6, 8], 2);
    const profile = await tf.profile(async () => {
      await model.trainOnBatch(x, y);
    });
    const names = new Set(profile.kernels.map((k) => k.name));
    expect(names.has('BatchMatMul')).toBe(true);
    for (const slow of ['Tile', 'GatherV2', 'Unpack']) expect(names.has(slow), slow).toBe(false);
    model.dispose();
  });
});

describe('PositionalEmbedding', () => {
  function embeddingModel(maskZero = false, t = 5) {
    const ids = tf.input({ shape: [t], dtype: 'int32' });
    const layer = new PositionalEmbedding({ inputDim: 20, outputDim: 4, sequenceLength: 7, maskZero, name: 'pos' });
    return { model: tf.model({ inputs: ids, outputs: layer.apply(ids) as tf.SymbolicTensor }), layer };
  }

  it('[B, T] ids → [B, T, D]; parameters inputDim·D + sequenceLength·D', () => {
    const { model, layer } = embeddingModel();
    expect(model.outputs[0]?.shape).toEqual([null, 5, 4]);
    expect(model.countParams()).toBe(20 * 4 + 7 * 4);
    expect(layer.weights.map((w) => w.name)).toEqual(['pos/token_embedding/embeddings', 'pos/position_embedding/embeddings']);
    model.dispose();
  });

  it('adds the token vector and the position vector', () => {
    const { model, layer } = embeddingModel();
    randomizeWeights(model, 3);
    const [tokens, positions] = layer.getWeights().map((w) => w.arraySync() as number[][]);
    const ids = [[3, 0, 19, 3, 7]];
    const got = (model.predict(tf.tensor2d(ids, undefined, 'int32')) as tf.Tensor).arraySync() as number[][][];
    ids[0]!.forEach((id, t) => {
      expect(maxAbsDiff(got[0]![t]!, tokens![id]!.map((v, j) => v + positions![t]![j]!))).toBeLessThan(1e-6);
    });
    model.dispose();
  });

  it('maskZero: padding is masked for a following TransformerEncoder', () => {
    const build = (t: number) => {
      const ids = tf.input({ shape: [t] });
      const emb = new PositionalEmbedding({ inputDim: 20, outputDim: 8, sequenceLength: 6, maskZero: true });
      const enc = new TransformerEncoder({ numHeads: 2, intermediateDim: 8 });
      return { model: tf.model({ inputs: ids, outputs: enc.apply(emb.apply(ids)) as tf.SymbolicTensor }), emb, enc };
    };
    const long = build(4);
    const short = build(2);
    randomizeWeights(long.model, 9);
    short.model.setWeights(long.model.getWeights());
    const a = (long.model.predict(tf.tensor2d([[5, 6, 0, 0]])) as tf.Tensor).arraySync() as number[][][];
    const b = (short.model.predict(tf.tensor2d([[5, 6]])) as tf.Tensor).arraySync() as number[][][];
    expect(maxAbsDiff(a[0]!.slice(0, 2).flat(), b[0]!.flat())).toBeLessThan(1e-5);
    long.model.dispose();
    short.model.dispose();
  });

  it('trains and reloads from model.json', async () => {
    const { model } = embeddingModel(true);
    const ids = tf.tensor2d([[1, 2, 3, 0, 0], [4, 5, 6, 7, 0]], undefined, 'int32');
    const [l0, l1] = await lossBeforeAfter(model, ids, randomTensor([2, 5, 4], 1), 10, 0.05);
    expect(l1).toBeLessThan(l0);
    const { model: reloaded, topology } = await saveAndReload(model);
    expect(topology).toContain('"sequence_length":7');
    expect(maxAbsDiff((reloaded.predict(ids) as tf.Tensor).dataSync(), (model.predict(ids) as tf.Tensor).dataSync())).toBe(0);
    model.dispose();
  });

  it('refuses sequences longer than sequenceLength', () => {
    const { model } = embeddingModel(false, 9);
    expect(() => model.predict(tf.zeros([1, 9], 'int32'))).toThrow(/sequenceLength 7/);
    model.dispose();
  });
});
