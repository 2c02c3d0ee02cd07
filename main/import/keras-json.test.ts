import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Graph, GraphNode } from '../../shared/graph/document';
import { analyzeGraph } from '../../shared/graph/analyze';
import { compileGraph } from '../../shared/graph/compile';
import { getLayerSpec } from '../../shared/layers/registry';
import { withDefaults } from '../../shared/layers/params';
import { buildModel } from '../trainer/build-model';
import { ImportError, importKerasJson, importKerasJsonWithLayout, importKerasModel } from './keras-json';
import { elkLayout } from './elk-layout';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');

/** Each node as [name, type, params with defaults]; each edge as "source -> target:port". */
function describeGraph(graph: Graph) {
  const nameOf = new Map(graph.nodes.map((n) => [n.id, n.name ?? n.id]));
  return {
    nodes: graph.nodes
      .map((n) => [n.name ?? n.id, n.type, withDefaults(getLayerSpec(n.type)?.params ?? [], n.params)] as const)
      .sort((a, b) => a[0].localeCompare(b[0])),
    edges: graph.edges.map((e) => `${nameOf.get(e.source)} -> ${nameOf.get(e.target)}:${e.targetPort}`).sort(),
  };
}

describe('importKerasJson: Keras 3 Sequential (the simple MNIST convnet)', () => {
  const { doc, warnings } = importKerasJson(fixture('keras3-sequential-mnist-convnet.json'));

  it('makes a chain of our layer types with Keras\'s settings', () => {
    expect(doc.name).toBe('mnist_convnet');
    expect(doc.graph.nodes.map((n) => n.type)).toEqual(['Input', 'Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dropout', 'Dense']);
    expect(doc.graph.nodes[0]?.params).toEqual({ shape: [28, 28, 1], dtype: 'float32' });
    expect(doc.graph.nodes[1]?.params).toMatchObject({ filters: 32, kernelSize: [3, 3], activation: 'relu', kernelInitializer: 'glorotUniform' });
    expect(doc.graph.nodes[3]?.params).toMatchObject({ filters: 64, kernelInitializer: 'heNormal', kernelRegularizer: 'l2', kernelL2: 0.0005 });
    expect(doc.graph.nodes[6]?.params).toEqual({ rate: 0.5 });
    expect(doc.graph.nodes[7]?.params).toMatchObject({ units: 10, activation: 'softmax' });
    expect(doc.graph.edges.map((e) => [e.source, e.target])).toEqual(
      doc.graph.nodes.slice(1).map((n, i) => [doc.graph.nodes[i]?.id, n.id]),
    );
    expect(warnings).toEqual([]);
  });

  it('has Keras\'s 34,826 parameters and compiles', () => {
    const analysis = analyzeGraph(doc.graph);
    expect(analysis.valid).toBe(true);
    expect(analysis.totalParams).toBe(34_826);
    const model = buildModel(compileGraph(doc.graph, analysis));
    expect(model.countParams()).toBe(34_826);
    model.dispose();
  });

  it('lays the chain out left to right', () => {
    const xs = doc.graph.nodes.map((n) => n.position.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(new Set(xs).size).toBe(xs.length);
  });
});

describe('importKerasJson: Keras 2 Functional with attention, a residual Add and a Bidirectional GRU', () => {
  const { doc } = importKerasJson(fixture('keras2-functional-attention.json'));

  it('maps layers, ports and the GRU\'s resetAfter', () => {
    const d = describeGraph(doc.graph);
    expect(d.nodes.map(([name, type]) => `${name}:${type}`)).toEqual(
      [
        'tokens:Input',
        'embedding:Embedding',
        'multi_head_attention:MultiHeadAttention',
        'add:Add',
        'layer_normalization:LayerNormalization',
        'bidirectional:Bidirectional',
        'global_average_pooling1d:GlobalAveragePooling1D',
        'dense:Dense',
      ].sort(),
    );
    expect(d.edges).toEqual(
      [
        'tokens -> embedding:in',
        'embedding -> multi_head_attention:query',
        'embedding -> multi_head_attention:value',
        'embedding -> add:in1',
        'multi_head_attention -> add:in2',
        'add -> layer_normalization:in',
        'layer_normalization -> bidirectional:in',
        'bidirectional -> global_average_pooling1d:in',
        'global_average_pooling1d -> dense:in',
      ].sort(),
    );
    const byName = new Map(doc.graph.nodes.map((n) => [n.name, n]));
    expect(byName.get('tokens')?.params).toEqual({ shape: [20], dtype: 'int32' });
    expect(byName.get('multi_head_attention')?.params).toMatchObject({ numHeads: 2, keyDim: 16, valueDim: 16, dropout: 0.1 });
    expect(byName.get('layer_normalization')?.params).toMatchObject({ epsilon: 1e-6 });
    expect(byName.get('bidirectional')?.params).toMatchObject({ layer: 'GRU', units: 8, returnSequences: true, resetAfter: true, mergeMode: 'concat' });
  });

  it('counts Keras\'s parameters: 32,000 + 4,224 + 64 + 2·1,008 + 34', () => {
    const analysis = analyzeGraph(doc.graph);
    expect(analysis.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(analysis.totalParams).toBe(32_000 + 4_224 + 64 + 2 * 1_008 + 34);
  });

  it('places each node right of its inputs', () => {
    const pos = new Map(doc.graph.nodes.map((n) => [n.id, n.position]));
    for (const e of doc.graph.edges) expect(pos.get(e.target)!.x).toBeGreaterThan(pos.get(e.source)!.x);
  });
});

describe('importKerasModel: Keras 3 functional calls (args / kwargs with __keras_tensor__)', () => {
  const t = (layer: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 6, 8], dtype: 'float32', keras_history: [layer, 0, 0] } });
  const model = {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: 'k3',
      layers: [
        { module: 'keras.layers', class_name: 'InputLayer', name: 'q', config: { batch_shape: [null, 6, 8], dtype: 'float32', name: 'q' }, inbound_nodes: [] },
        { module: 'keras.layers', class_name: 'InputLayer', name: 'kv', config: { batch_shape: [null, 4, 5], dtype: 'float32', name: 'kv' }, inbound_nodes: [] },
        {
          module: 'keras.layers',
          class_name: 'MultiHeadAttention',
          name: 'mha',
          config: { name: 'mha', num_heads: 2, key_dim: 3, value_dim: null, dropout: 0, use_bias: true, output_shape: null, attention_axes: null },
          inbound_nodes: [{ args: [], kwargs: { value: t('kv'), query: t('q') } }],
        },
        { module: 'keras.layers', class_name: 'Add', name: 'add', config: { name: 'add' }, inbound_nodes: [{ args: [[t('q'), t('mha')]], kwargs: {} }] },
      ],
      input_layers: [['q', 0, 0], ['kv', 0, 0]],
      output_layers: [['add', 0, 0]],
    },
  };

  it('routes keyword tensors to the ports of the same name, and list arguments in order', () => {
    const { doc } = importKerasModel(model);
    const edges = doc.graph.edges.map((e) => `${e.source} -> ${e.target}:${e.targetPort}`);
    expect(edges.sort()).toEqual(['kv -> mha:value', 'mha -> add:in2', 'q -> add:in1', 'q -> mha:query']);
    const analysis = analyzeGraph(doc.graph);
    expect(analysis.valid).toBe(true);
    expect(analysis.nodes.get('mha')?.outputShape).toEqual([null, 6, 8]);
    // Keras: q 8·2·3+2·3, k and v 5·2·3+2·3 each, out 2·3·8+8.
    expect(analysis.totalParams).toBe(54 + 36 + 36 + 56);
  });
});

describe('importKerasModel: errors name what is unsupported', () => {
  const seq = (layer: object) => ({
    class_name: 'Sequential',
    config: { name: 's', layers: [{ class_name: 'InputLayer', config: { batch_input_shape: [null, 4, 4, 3], name: 'in' } }, layer] },
  });

  it('an unknown layer type is an error naming the layer and its class, never dropped', () => {
    expect(() => importKerasModel(seq({ class_name: 'ConvLSTM2D', config: { name: 'clstm', filters: 2 } }))).toThrow(
      new ImportError('Layer "clstm" (ConvLSTM2D): Netwright has no ConvLSTM2D layer, so this model cannot be imported.'),
    );
  });

  it('an unsupported activation, a shared layer, a second output and non-JSON are errors too', () => {
    expect(() => importKerasModel(seq({ class_name: 'Dense', config: { name: 'd', units: 2, activation: 'exponential' } }))).toThrow(/Layer "d" \(Dense\): Activation "exponential" is not supported/);
    const functional = (inbound: unknown[]) => ({
      class_name: 'Functional',
      config: {
        layers: [
          { class_name: 'InputLayer', name: 'x', config: { batch_input_shape: [null, 3] }, inbound_nodes: [] },
          { class_name: 'Dense', name: 'd', config: { units: 2 }, inbound_nodes: inbound },
        ],
      },
    });
    expect(() => importKerasModel(functional([[['x', 0, 0, {}]], [['x', 0, 0, {}]]]))).toThrow(/shared layer/);
    expect(() => importKerasModel(functional([[['x', 0, 1, {}]]]))).toThrow(/output 1 of "x"/);
    expect(() => importKerasModel(functional([[['nowhere', 0, 0, {}]]]))).toThrow(/fed by "nowhere"/);
    expect(() => importKerasJson('{"class_name": ')).toThrow(ImportError);
    expect(() => importKerasModel({ hello: 1 })).toThrow(/not a Keras or TF.js model/);
  });

  it('settings without a Netwright field are reported as warnings, not dropped silently', () => {
    const { warnings } = importKerasModel(seq({ class_name: 'Dense', config: { name: 'd', units: 2, kernel_constraint: { class_name: 'MaxNorm', config: { max_value: 2 } } } }));
    expect(warnings).toEqual([expect.stringMatching(/Layer "d" \(Dense\): kernel_constraint = .*MaxNorm.* left out/)]);
  });
});

describe('round trip: our graph → tfjs model.toJSON() → import', () => {
  type N = [id: string, type: string, params?: GraphNode['params']];
  const graph = (nodes: N[], edges: [string, string, string?][]): Graph => ({
    nodes: nodes.map(([id, type, params], i) => ({ id, type, name: id, position: { x: i, y: 0 }, params: params ?? {} })),
    edges: edges.map(([s, t, p], i) => ({ id: `e${i}`, source: s, target: t, targetPort: p ?? 'in' })),
  });
  const cases: Record<string, Graph> = {
    'a residual CNN': graph(
      [
        ['image', 'Input', { shape: [16, 16, 3] }],
        ['conv_a', 'Conv2D', { filters: 8, kernelSize: [3, 3], padding: 'same', activation: 'relu', kernelRegularizer: 'l2', kernelL2: 0.001 }],
        ['bn', 'BatchNormalization', { momentum: 0.9 }],
        ['conv_b', 'Conv2D', { filters: 8, kernelSize: [3, 3], padding: 'same', kernelInitializer: 'heNormal' }],
        ['shortcut', 'Conv2D', { filters: 8, kernelSize: [1, 1] }],
        ['sum', 'Add'],
        ['pool', 'MaxPooling2D'],
        ['gap', 'GlobalAveragePooling2D'],
        ['drop', 'Dropout', { rate: 0.25 }],
        ['out', 'Dense', { units: 10, activation: 'softmax' }],
      ],
      [['image', 'conv_a'], ['conv_a', 'bn'], ['bn', 'conv_b'], ['image', 'shortcut'], ['conv_b', 'sum', 'in1'], ['shortcut', 'sum', 'in2'], ['sum', 'pool'], ['pool', 'gap'], ['gap', 'drop'], ['drop', 'out']],
    ),
    'a Transformer text model with cross-attention and a Keras-default GRU': graph(
      [
        ['ids', 'Input', { shape: [12], dtype: 'int32' }],
        ['context', 'Input', { shape: [5, 6] }],
        ['emb', 'PositionalEmbedding', { inputDim: 100, outputDim: 16, sequenceLength: 12 }],
        ['enc', 'TransformerEncoder', { numHeads: 2, intermediateDim: 24, activation: 'gelu', dropout: 0.1 }],
        ['cross', 'MultiHeadAttention', { numHeads: 2, keyDim: 4, valueDim: 3, outputShape: 10 }],
        ['gru', 'GRU', { units: 6 }],
        ['gru_old', 'GRU', { units: 5, resetAfter: false, returnSequences: false }],
        ['cat', 'Concatenate'],
        ['out', 'Dense', { units: 3, activation: 'leakyRelu' }],
      ],
      [['ids', 'emb'], ['emb', 'enc'], ['enc', 'cross', 'query'], ['context', 'cross', 'value'], ['context', 'cross', 'key'], ['cross', 'gru'], ['context', 'gru_old'], ['gru', 'cat', 'in1'], ['gru_old', 'cat', 'in2'], ['cat', 'out']],
    ),
  };

  for (const [name, original] of Object.entries(cases)) {
    it(`${name}: same types, params, edges and parameter count`, () => {
      const analysis = analyzeGraph(original);
      expect(analysis.issues.filter((i) => i.severity === 'error')).toEqual([]);
      const plan = compileGraph(original, analysis);
      const model = buildModel(plan);
      const json = model.toJSON(null, false);
      model.dispose();
      const { doc, warnings } = importKerasModel({ format: 'layers-model', modelTopology: json });
      expect(warnings).toEqual([]);
      // tfjs names layers `<node name>_1`; compare through the plan's names.
      const renamed = { ...doc.graph, nodes: doc.graph.nodes.map((n) => ({ ...n, name: plan.layers.find((l) => l.name === n.name)?.nodeId ?? plan.inputs.find((i) => i.name === n.name)?.nodeId })) };
      expect(describeGraph(renamed)).toEqual(describeGraph(original));
      expect(analyzeGraph(doc.graph).totalParams).toBe(analysis.totalParams);
    });
  }
});

describe('importKerasJsonWithLayout: ELK layered layout', () => {
  it('places every node right of its inputs, without overlaps', async () => {
    const { doc } = await importKerasJsonWithLayout(fixture('keras2-functional-attention.json'));
    const pos = new Map(doc.graph.nodes.map((n) => [n.id, n.position]));
    for (const e of doc.graph.edges) expect(pos.get(e.target)!.x, `${e.source} -> ${e.target}`).toBeGreaterThan(pos.get(e.source)!.x);
    const spots = new Set(doc.graph.nodes.map((n) => `${n.position.x},${n.position.y}`));
    expect(spots.size).toBe(doc.graph.nodes.length);
  });

  it('uses ELK (not the fallback) in Node', async () => {
    const { doc } = importKerasJson(fixture('keras2-functional-attention.json'));
    expect((await elkLayout(doc.graph.nodes, doc.graph.edges)).engine).toBe('elk');
  });
});
