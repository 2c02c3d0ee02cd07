import * as tf from '@tensorflow/tfjs';
import { FastGRU, FastLSTM } from '../main/trainer/custom-layers/fast-rnn-layers';
import { NetwrightGRU } from '../main/trainer/custom-layers/gru';
import { makeOptimizer } from '../main/trainer/optimizers';
import { DEFAULT_OPTIMIZER_OPTIONS } from '../shared/graph/document';

/** Adam 1e-3 as training builds it (on the native backend its update is TensorFlow's fused op). */
export function benchOptimizer(): tf.Optimizer {
  return makeOptimizer({ optimizer: 'adam', optimizerOptions: DEFAULT_OPTIMIZER_OPTIONS, learningRate: 1e-3 });
}

/**
 * The benchmark models. `family` names the peer model (bench/peers.py) a variant is compared with.
 * `lstm` and `gru` are the layers Netwright builds for the catalog's LSTM and GRU with their
 * defaults (recurrentActivation sigmoid; GRU resetAfter true, as Keras and PyTorch): FastLSTM
 * and NetwrightGRU, fused on every backend; `gru-before` is FastGRU, the fused resetAfter = false
 * GRU that stands in for tfjs's. `lstm-stock` / `gru-stock` are tfjs-layers' own.
 */
export interface BenchModel {
  readonly id: string;
  readonly family: string;
  build(): tf.LayersModel;
  /** Fixed random inputs and one-hot targets for one batch. */
  data(batch: number): [tf.Tensor, tf.Tensor];
  /** True where a backend would take minutes per step. */
  skip?(backend: string): boolean;
}

const VOCAB = 10_000;
const SEQ = 100;

function oneHot(batch: number, classes: number): tf.Tensor {
  return tf.tidy(() => tf.oneHot(tf.randomUniform([batch], 0, classes, 'int32'), classes).toFloat());
}

function textModel(rnn: tf.layers.Layer): tf.LayersModel {
  const input = tf.input({ shape: [SEQ] });
  const emb = tf.layers.embedding({ inputDim: VOCAB, outputDim: 32 }).apply(input) as tf.SymbolicTensor;
  const h = rnn.apply(emb) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

const textData = (batch: number): [tf.Tensor, tf.Tensor] => [tf.tidy(() => tf.randomUniform([batch, SEQ], 0, VOCAB, 'int32').toFloat()), oneHot(batch, 2)];

export const BENCH_MODELS: readonly BenchModel[] = [
  {
    id: 'mlp',
    family: 'mlp',
    build: () =>
      tf.sequential({
        layers: [tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }), tf.layers.dense({ units: 10, activation: 'softmax' })],
      }),
    data: (batch) => [tf.randomUniform([batch, 784]), oneHot(batch, 10)],
  },
  {
    id: 'cnn',
    family: 'cnn',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu' }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 10, activation: 'softmax' }),
        ],
      }),
    data: (batch) => [tf.randomUniform([batch, 28, 28, 1]), oneHot(batch, 10)],
  },
  {
    id: 'lstm',
    family: 'lstm',
    build: () => textModel(new FastLSTM({ units: 32, recurrentActivation: 'sigmoid', unitForgetBias: true })),
    data: textData,
  },
  {
    id: 'gru',
    family: 'gru',
    build: () => textModel(new NetwrightGRU({ units: 32, recurrentActivation: 'sigmoid', resetAfter: true })),
    data: textData,
  },
  {
    id: 'gru-before',
    family: 'gru',
    // GRU with resetAfter false (the stock tfjs GRU's math), as build-model swaps in: FastGRU.
    build: () => textModel(new FastGRU({ units: 32, recurrentActivation: 'sigmoid' })),
    data: textData,
  },
  {
    id: 'lstm-stock',
    family: 'lstm',
    build: () => textModel(tf.layers.lstm({ units: 32, recurrentActivation: 'sigmoid' })),
    data: textData,
    // Stock cpu runs the unrolled LSTM as ~4,000 JS kernels per step: seconds per batch.
    skip: (backend) => backend === 'cpu',
  },
  {
    id: 'gru-stock',
    family: 'gru',
    build: () => textModel(tf.layers.gru({ units: 32, recurrentActivation: 'sigmoid' })),
    data: textData,
    skip: (backend) => backend === 'cpu',
  },
];
