import { describe, expect, it } from 'vitest';
import { checkTrainable } from './trainable';
import { configuredDataset, DATASETS, datasetForSettings, getDataset } from './datasets';
import { DEFAULT_TRAINING } from '../graph/document';
import { analyzeGraph } from '../graph/analyze';
import type { Graph, GraphNode } from '../graph/document';

const mnist = getDataset('mnist')!;
const at = { x: 0, y: 0 };

/** Input(shape) → Flatten → Dense(units, activation), optionally with names. */
function mlp(shape: number[], units: number, activation?: string, names: { input?: string; output?: string } = {}): Graph {
  const out: GraphNode = { id: 'out', type: 'Dense', position: at, params: activation ? { units, activation } : { units } };
  const inp: GraphNode = { id: 'in', type: 'Input', position: at, params: { shape } };
  return {
    nodes: [names.input ? { ...inp, name: names.input } : inp, { id: 'f', type: 'Flatten', position: at, params: {} }, names.output ? { ...out, name: names.output } : out],
    edges: [
      { id: 'e1', source: 'in', target: 'f', targetPort: 'in' },
      { id: 'e2', source: 'f', target: 'out', targetPort: 'in' },
    ],
  };
}
const check = (g: Graph) => checkTrainable(g, analyzeGraph(g), mnist);

describe('datasets', () => {
  it('knows MNIST and nothing else by that id', () => {
    expect(mnist).toMatchObject({ sampleShape: [28, 28], numClasses: 10 });
    expect(mnist.classNames).toHaveLength(mnist.numClasses);
    expect(getDataset('cifar10')).toBeUndefined();
    expect(DATASETS.map((d) => d.id)).toContain('mnist');
  });
});

describe('checkTrainable on MNIST', () => {
  it('accepts the MNIST MLP and a flat 784 input', () => {
    expect(check(mlp([28, 28], 10, 'softmax'))).toEqual([]);
    expect(check(mlp([784], 10, 'softmax'))).toEqual([]);
  });

  it('an output as large as the input is a reconstruction (autoencoder): no mismatch, no softmax warning', () => {
    expect(check(mlp([28, 28], 784, 'sigmoid'))).toEqual([]);
    const g = mlp([28, 28], 784, 'sigmoid');
    expect(checkTrainable(g, analyzeGraph(g), mnist, { loss: 'binaryCrossentropy' })).toEqual([]);
    expect(check(mlp([28, 28], 783, 'sigmoid')).map((i) => i.code)).toContain('DATA_MISMATCH');
  });

  it('DATA_MISMATCH on the input, naming it and the expected shape', () => {
    const issues = check(mlp([32, 32], 10, 'softmax', { input: 'Pixels' }));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'DATA_MISMATCH', severity: 'error', nodeId: 'in' });
    expect(issues[0]!.message).toBe('Pixels (Input): its shape [?, 32, 32] does not fit MNIST handwritten digits samples of shape [?, 28, 28].');
    expect(issues[0]!.fix).toBe('Set the Input shape to 28, 28.');
  });

  it('DATA_MISMATCH on the input says when only the channel count differs (a grey backbone on colour images)', () => {
    const photos = { ...mnist, id: 'images', name: 'Photos', sampleShape: [28, 28, 3] };
    const grey = checkTrainable(mlp([28, 28, 1], 10, 'softmax'), analyzeGraph(mlp([28, 28, 1], 10, 'softmax')), photos);
    expect(grey.map((i) => [i.code, i.nodeId, i.message, i.fix])).toEqual([
      ['DATA_MISMATCH', 'in', 'Input: its shape [?, 28, 28, 1] does not fit Photos samples of shape [?, 28, 28, 3]: the samples have 3 channels (RGB), the graph takes 1 channel (grey).', 'Set the Input shape to 28, 28, 3.'],
    ]);
    // MNIST's [28, 28] is one channel; a colour graph does not take it.
    expect(check(mlp([28, 28, 3], 10, 'softmax'))[0]?.message).toBe(
      'Input: its shape [?, 28, 28, 3] does not fit MNIST handwritten digits samples of shape [?, 28, 28]: the samples have 1 channel (grey), the graph takes 3 channels (RGB).',
    );
    // Another size is not a channel question.
    expect(check(mlp([32, 32, 1], 10, 'softmax'))[0]?.message).toBe('Input: its shape [?, 32, 32, 1] does not fit MNIST handwritten digits samples of shape [?, 28, 28].');
  });

  it('DATA_MISMATCH on the output, naming it and the expected classes', () => {
    const issues = check(mlp([28, 28], 5, 'softmax', { output: 'Scores' }));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'DATA_MISMATCH', severity: 'error', nodeId: 'out' });
    expect(issues[0]!.message).toBe('Scores (Dense): its output [?, 5] must be [?, 10]: one score per class of MNIST handwritten digits.');
  });

  it('DATA_MISMATCH when the output is not rank 2', () => {
    const g: Graph = {
      nodes: [
        { id: 'in', type: 'Input', position: at, params: { shape: [28, 28] } },
        { id: 'out', type: 'Dense', position: at, params: { units: 10, activation: 'softmax' } },
      ],
      edges: [{ id: 'e', source: 'in', target: 'out', targetPort: 'in' }],
    };
    const issues = check(g);
    expect(issues.map((i) => i.code)).toEqual(['DATA_MISMATCH']);
    expect(issues[0]!.message).toContain('[?, 28, 10]');
  });

  it('DATA_MISMATCH for more than one Input or output, as graph-level issues', () => {
    const twoHeads: Graph = {
      nodes: [
        { id: 'in', type: 'Input', position: at, params: { shape: [784] } },
        { id: 'a', type: 'Dense', position: at, params: { units: 10, activation: 'softmax' } },
        { id: 'b', type: 'Dense', position: at, params: { units: 10, activation: 'softmax' } },
      ],
      edges: [
        { id: 'e1', source: 'in', target: 'a', targetPort: 'in' },
        { id: 'e2', source: 'in', target: 'b', targetPort: 'in' },
      ],
    };
    const issues = check(twoHeads);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'DATA_MISMATCH', severity: 'error' });
    expect(issues[0]!.nodeId).toBeUndefined();
    expect(issues[0]!.message).toBe('Training on MNIST handwritten digits needs exactly one output layer; the graph has 2.');

    const twoInputs: Graph = { ...twoHeads, nodes: [...twoHeads.nodes, { id: 'in2', type: 'Input', position: at, params: { shape: [784] } }] };
    expect(check(twoInputs).map((i) => i.message)).toContain('Training on MNIST handwritten digits needs exactly one Input layer; the graph has 2.');
  });

  it('OUTPUT_NOT_SOFTMAX is a warning naming the output node', () => {
    const issues = check(mlp([28, 28], 10, 'sigmoid', { output: 'Scores' }));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'OUTPUT_NOT_SOFTMAX', severity: 'warning', nodeId: 'out' });
    expect(issues[0]!.message).toBe(
      'Scores (Dense) is the output but is not a softmax, so its values are not class probabilities; the loss expects probabilities.',
    );
    expect(issues[0]!.fix).toMatch(/softmax/);
  });

  it('OUTPUT_NOT_SOFTMAX when the activation is left at its linear default', () => {
    expect(check(mlp([28, 28], 10)).map((i) => i.code)).toEqual(['OUTPUT_NOT_SOFTMAX']);
  });

  it('accepts a softmax Activation layer as the output', () => {
    const g = mlp([28, 28], 10);
    g.nodes.push({ id: 'sm', type: 'Activation', position: at, params: { activation: 'softmax' } });
    g.edges.push({ id: 'e3', source: 'out', target: 'sm', targetPort: 'in' });
    expect(check(g)).toEqual([]);
  });
});

describe('checkTrainable with the training settings', () => {
  const dense = (inputs: number, units: number, activation: string): Graph => ({
    nodes: [
      { id: 'in', type: 'Input', position: at, params: { shape: [inputs] } },
      { id: 'out', type: 'Dense', position: at, params: { units, activation } },
    ],
    edges: [{ id: 'e', source: 'in', target: 'out', targetPort: 'in' }],
  });
  const checkWith = (g: Graph, id: string, loss: Parameters<typeof datasetForSettings>[0]['loss']) => {
    const info = datasetForSettings({ dataset: id as never, data: DEFAULT_TRAINING.data, loss });
    if (!info) throw new Error(id);
    return checkTrainable(g, analyzeGraph(g), info, { loss });
  };

  it('two classes with binary cross-entropy take one sigmoid output (or two softmax ones)', () => {
    expect(checkWith(dense(2, 1, 'sigmoid'), 'xor', 'binaryCrossentropy')).toEqual([]);
    expect(checkWith(dense(2, 2, 'softmax'), 'xor', 'binaryCrossentropy')).toEqual([]);
    expect(checkWith(dense(2, 1, 'relu'), 'xor', 'binaryCrossentropy').map((i) => i.code)).toEqual(['OUTPUT_NOT_SOFTMAX']);
    // One output with categorical cross-entropy is a mismatch.
    expect(checkWith(dense(2, 1, 'sigmoid'), 'xor', 'categoricalCrossentropy').map((i) => i.code)).toContain('DATA_MISMATCH');
  });

  it('regression: one linear output; a cross-entropy loss is LOSS_MISMATCH', () => {
    expect(checkWith(dense(10, 1, 'linear'), 'diabetes', 'meanSquaredError')).toEqual([]);
    const issues = checkWith(dense(10, 1, 'linear'), 'diabetes', 'categoricalCrossentropy');
    expect(issues.map((i) => i.code)).toEqual(['LOSS_MISMATCH']);
    expect(issues[0]!.fix).toMatch(/meanSquaredError/);
    const wide = checkWith(dense(10, 3, 'linear'), 'diabetes', 'huber');
    expect(wide[0]!.message).toMatch(/must be \[\?, 1\]: the value to predict/);
  });

  it('the IMDB input follows the sequence length; a missing data set or an import without a file is DATA_MISSING', () => {
    const imdb = datasetForSettings({ dataset: 'imdb', data: { ...DEFAULT_TRAINING.data, sequenceLength: 120 }, loss: 'binaryCrossentropy' });
    expect(imdb?.sampleShape).toEqual([120]);
    expect(imdb?.outputSize).toBe(1);
    const missing = { ...getDataset('fashion-mnist')!, available: false, unavailableReason: 'Install it with: sudo apt-get install dataset-fashion-mnist' };
    const issues = checkTrainable(mlp([28, 28], 10, 'softmax'), analyzeGraph(mlp([28, 28], 10, 'softmax')), missing);
    expect(issues.map((i) => i.code)).toEqual(['DATA_MISSING']);
    expect(issues[0]!.message).toMatch(/Fashion-MNIST clothing is not installed: Install it with/);
    expect(checkWith(dense(4, 3, 'softmax'), 'csv', 'categoricalCrossentropy').map((i) => i.code)).toEqual(['DATA_MISSING']);
  });

  it('a dilated convolution is NOT_TRAINABLE_ON_BACKEND, named with the reason and a fix', () => {
    const g: Graph = {
      nodes: [
        { id: 'in', type: 'Input', position: at, params: { shape: [28, 28, 1] } },
        { id: 'c', type: 'Conv2D', name: 'Wide', position: at, params: { filters: 4, kernelSize: [3, 3], dilationRate: [2, 2] } },
        { id: 'f', type: 'Flatten', position: at, params: {} },
        { id: 'out', type: 'Dense', position: at, params: { units: 10, activation: 'softmax' } },
      ],
      edges: [
        { id: 'e1', source: 'in', target: 'c', targetPort: 'in' },
        { id: 'e2', source: 'c', target: 'f', targetPort: 'in' },
        { id: 'e3', source: 'f', target: 'out', targetPort: 'in' },
      ],
    };
    expect(analyzeGraph(g).valid).toBe(true);
    const issues = check(g);
    expect(issues.map((i) => [i.code, i.nodeId])).toEqual([['NOT_TRAINABLE_ON_BACKEND', 'c']]);
    expect(issues[0]!.message).toBe('Wide (Conv2D): Conv2D with dilation rate [2,2] cannot be trained: TensorFlow.js has no gradient for dilated convolutions.');
    expect(issues[0]!.fix).toMatch(/dilation rate to 1/);
    const undilated = { ...g, nodes: g.nodes.map((n) => (n.id === 'c' ? { ...n, params: { ...n.params, dilationRate: [1, 1] } } : n)) };
    expect(check(undilated)).toEqual([]);
  });
});

describe('configuredDataset: the editor checks a graph against the data as the settings shape it', () => {
  /** Input(length, int32) -> Embedding -> GlobalAveragePooling1D -> Dense(2, softmax). */
  const textModel = (length: number): Graph => ({
    nodes: [
      { id: 'in', type: 'Input', position: at, params: { shape: [length], dtype: 'int32' } },
      { id: 'emb', type: 'Embedding', position: at, params: { inputDim: 200, outputDim: 4 } },
      { id: 'pool', type: 'GlobalAveragePooling1D', position: at, params: {} },
      { id: 'out', type: 'Dense', position: at, params: { units: 2, activation: 'softmax' } },
    ],
    edges: [
      { id: 'e1', source: 'in', target: 'emb', targetPort: 'in' },
      { id: 'e2', source: 'emb', target: 'pool', targetPort: 'in' },
      { id: 'e3', source: 'pool', target: 'out', targetPort: 'in' },
    ],
  });
  const imdb = getDataset('imdb')!;
  const data = { ...DEFAULT_TRAINING.data, vocabSize: 200, sequenceLength: 16 };
  const fit = (g: Graph, d: typeof imdb) => checkTrainable(g, analyzeGraph(g), d).map((i) => i.code);

  it('IMDB with a sequence length of 16 takes an Input of 16 tokens, not the listed 200', () => {
    const configured = configuredDataset(imdb, data);
    expect(configured.sampleShape).toEqual([16]);
    expect(fit(textModel(16), configured)).toEqual([]);
    expect(fit(textModel(200), configured)).toEqual(['DATA_MISMATCH']);
    // The unconfigured listing is what the editor used to check against, refusing a trainable graph.
    expect(fit(textModel(16), imdb)).toEqual(['DATA_MISMATCH']);
  });

  it('agrees with what the trainer loads (datasetForSettings), and leaves fixed-shape sets alone', () => {
    for (const id of ['imdb', 'spirals', 'mnist', 'iris'] as const) {
      const settings = { ...DEFAULT_TRAINING, dataset: id, data: { ...data, samples: 500 } };
      const listed = getDataset(id)!;
      const configured = configuredDataset(listed, settings.data);
      const loaded = datasetForSettings(settings)!;
      expect(configured.sampleShape, id).toEqual(loaded.sampleShape);
      expect([configured.trainSize, configured.testSize], id).toEqual([loaded.trainSize, loaded.testSize]);
    }
    expect(configuredDataset(mnist, data)).toBe(mnist);
  });
});
