import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Graph, GraphNode } from '../../../shared/graph/document';
import { analyzeGraph } from '../../../shared/graph/analyze';
import { compileGraph } from '../../../shared/graph/compile';
import { getLayerSpec } from '../../../shared/layers/registry';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildModel } from '../build-model';
import { loadModelFromDir, saveModelToDir } from '../save-model';
import { MultiHeadAttention, NetwrightGRU, PositionalEmbedding, TransformerEncoder } from './index';
import { lossBeforeAfter, saveAndReload } from './test-support';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type N = [id: string, type: string, params?: GraphNode['params']];
type E = [source: string, target: string, port?: string];

function graph(nodes: N[], edges: E[]): Graph {
  return {
    nodes: nodes.map(([id, type, params], i) => ({ id, type, position: { x: i * 100, y: 0 }, params: params ?? {} })),
    edges: edges.map(([source, target, port], i) => ({ id: `e${i}`, source, target, targetPort: port ?? 'in' })),
  };
}

const graphs: Record<string, () => Graph> = {
  'text classifier: PositionalEmbedding → TransformerEncoder → pooling → Dense': () =>
    graph(
      [
        ['in', 'Input', { shape: [12], dtype: 'int32' }],
        ['emb', 'PositionalEmbedding', { inputDim: 50, outputDim: 16, sequenceLength: 20 }],
        ['enc', 'TransformerEncoder', { numHeads: 4, intermediateDim: 32, activation: 'gelu' }],
        ['pool', 'GlobalAveragePooling1D'],
        ['out', 'Dense', { units: 3, activation: 'softmax' }],
      ],
      [['in', 'emb'], ['emb', 'enc'], ['enc', 'pool'], ['pool', 'out']],
    ),
  'self-attention: one sequence into query and value, key left open': () =>
    graph(
      [
        ['in', 'Input', { shape: [7, 10] }],
        ['mha', 'MultiHeadAttention', { numHeads: 2, keyDim: 4, valueDim: 3, outputShape: 6 }],
        ['f', 'Flatten'],
      ],
      [['in', 'mha', 'query'], ['in', 'mha', 'value'], ['mha', 'f']],
    ),
  'cross-attention with a separate key': () =>
    graph(
      [
        ['q', 'Input', { shape: [5, 8] }],
        ['v', 'Input', { shape: [9, 6] }],
        ['k', 'Input', { shape: [9, 4] }],
        ['mha', 'MultiHeadAttention', { numHeads: 3, keyDim: 2, useBias: false }],
      ],
      [['q', 'mha', 'query'], ['v', 'mha', 'value'], ['k', 'mha', 'key']],
    ),
  'GRU resetAfter (Keras default) and resetAfter false': () =>
    graph(
      [
        ['in', 'Input', { shape: [6, 5] }],
        ['g1', 'GRU', { units: 4, resetAfter: true, returnSequences: true }],
        ['g2', 'GRU', { units: 3, resetAfter: false }],
      ],
      [['in', 'g1'], ['g1', 'g2']],
    ),
};

describe('attention specs through analyze → compile → buildModel', () => {
  const built: tf.LayersModel[] = [];
  afterAll(() => built.forEach((m) => m.dispose()));

  for (const [name, make] of Object.entries(graphs)) {
    it(`${name}: our shapes and parameter counts equal the built tfjs model's`, () => {
      const g = make();
      const analysis = analyzeGraph(g);
      expect(analysis.issues.filter((i) => i.severity === 'error')).toEqual([]);
      const plan = compileGraph(g, analysis);
      const model = buildModel(plan);
      built.push(model);
      expect(analysis.totalParams).toBe(model.countParams());
      for (const layer of plan.layers) {
        const node = analysis.nodes.get(layer.nodeId);
        expect(node?.outputShape, layer.name).toEqual(model.getLayer(layer.name).outputShape);
        expect(node?.params, layer.name).toBe(model.getLayer(layer.name).countParams());
      }
    });
  }

  it('builds our classes for the custom factories (and stock GRU for resetAfter false)', () => {
    const byClass = (g: Graph) => {
      const model = buildModel(compileGraph(g, analyzeGraph(g)));
      built.push(model);
      return model.layers.map((l) => l.getClassName());
    };
    expect(byClass(graphs['text classifier: PositionalEmbedding → TransformerEncoder → pooling → Dense']!())).toEqual([
      'InputLayer',
      PositionalEmbedding.className,
      TransformerEncoder.className,
      'GlobalAveragePooling1D',
      'Dense',
    ]);
    expect(byClass(graphs['cross-attention with a separate key']!())).toContain(MultiHeadAttention.className);
    expect(byClass(graphs['GRU resetAfter (Keras default) and resetAfter false']!())).toEqual(['InputLayer', NetwrightGRU.className, 'GRU']);
  });

  it('the Transformer text classifier trains a few steps and its model.json reloads', async () => {
    const g = graphs['text classifier: PositionalEmbedding → TransformerEncoder → pooling → Dense']!();
    const model = buildModel(compileGraph(g, analyzeGraph(g)));
    built.push(model);
    const ids = tf.tensor2d(Array.from({ length: 8 * 12 }, (_, i) => (i * 7) % 50), [8, 12], 'int32');
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3);
    const [l0, l1] = await lossBeforeAfter(model, ids, y, 10);
    expect(l1).toBeLessThan(l0);
    const { model: reloaded } = await saveAndReload(model);
    built.push(reloaded);
    expect(Array.from((reloaded.predict(ids) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(ids) as tf.Tensor).dataSync()));
  });

  it('the exported model.json + weights.bin (saveModelToDir) reloads with loadModelFromDir', async () => {
    const g = graphs['text classifier: PositionalEmbedding → TransformerEncoder → pooling → Dense']!();
    const model = buildModel(compileGraph(g, analyzeGraph(g)));
    built.push(model);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-attn-'));
    await saveModelToDir(model, dir);
    const json = fs.readFileSync(path.join(dir, 'model.json'), 'utf8');
    expect(json).toContain('"class_name":"TransformerEncoder"');
    const reloaded = await loadModelFromDir(dir);
    built.push(reloaded);
    const ids = tf.tensor2d(Array.from({ length: 2 * 12 }, (_, i) => i % 50), [2, 12], 'int32');
    expect(Array.from((reloaded.predict(ids) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(ids) as tf.Tensor).dataSync()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses what Keras refuses, with the reason', () => {
    const tooLong = graph(
      [
        ['in', 'Input', { shape: [30], dtype: 'int32' }],
        ['emb', 'PositionalEmbedding', { sequenceLength: 20 }],
      ],
      [['in', 'emb']],
    );
    expect(analyzeGraph(tooLong).issues.map((i) => i.message).join(' ')).toMatch(/positions for 20 tokens/);
    const mismatch = graphs['cross-attention with a separate key']!();
    (mismatch.nodes[2] as { params: GraphNode['params'] }).params = { shape: [8, 4] };
    expect(analyzeGraph(mismatch).issues.map((i) => i.message).join(' ')).toMatch(/key and value of the same length/);
    const flat = graph(
      [
        ['in', 'Input', { shape: [10] }],
        ['enc', 'TransformerEncoder'],
      ],
      [['in', 'enc']],
    );
    expect(analyzeGraph(flat).issues.some((i) => i.code === 'RANK_MISMATCH' && i.nodeId === 'enc')).toBe(true);
    const heads = graph(
      [
        ['in', 'Input', { shape: [4, 3] }],
        ['enc', 'TransformerEncoder', { numHeads: 4 }],
      ],
      [['in', 'enc']],
    );
    expect(analyzeGraph(heads).issues.map((i) => i.message).join(' ')).toMatch(/4 heads do not fit 3 features/);
    expect(getLayerSpec('MultiHeadAttention')?.inputs.map((p) => [p.name, p.optional ?? false])).toEqual([
      ['query', false],
      ['value', false],
      ['key', true],
    ]);
  });
});
