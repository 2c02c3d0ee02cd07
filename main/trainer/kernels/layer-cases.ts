import * as tf from '@tensorflow/tfjs';
import { FastGRU, FastLSTM } from '../custom-layers/fast-rnn-layers';
import { MultiHeadAttention, NetwrightGRU, PositionalEmbedding, RandomContrast, RandomCrop, RandomFlip, RandomRotation, RandomTranslation, RandomZoom, Subtract, TransformerEncoder } from '../custom-layers';
import { seededRandom } from '../random';
import { registerNetwrightKernels, withStockKernels } from './index';

/**
 * One tiny model per trainable layer type, and a gradient comparison between two backends.
 * Shared by the start-up self-check and the wasm/cpu matrix test.
 */

export interface LayerCase {
  readonly id: string;
  /** Sample shape (without the batch dimension). */
  readonly inputShape: readonly number[];
  /** Integer inputs in [0, vocab) instead of floats (Embedding). */
  readonly vocab?: number;
  /** The layers under test, applied to the input; the harness adds Flatten (if needed) + Dense(3, softmax). */
  readonly body: (input: tf.SymbolicTensor) => tf.SymbolicTensor;
  /**
   * Layers that draw random numbers while training (augmentation, noise): Math.random is seeded
   * with this for each side of a comparison, so both draw the same augmentations (as a run's seed does).
   */
  readonly seed?: number;
}

const L = tf.layers;
/** Fresh layers on every call: a case's model is built once per backend. */
const seq = (...makers: (() => tf.layers.Layer)[]) => (input: tf.SymbolicTensor) => makers.reduce((t, make) => make().apply(t) as tf.SymbolicTensor, input);

/** Every trainable stock layer type Netwright builds from tfjs, plus our fused recurrent layers. */
export const LAYER_CASES: readonly LayerCase[] = [
  { id: 'Dense', inputShape: [6], body: seq(() => L.dense({ units: 5, activation: 'tanh' })) },
  { id: 'Conv1D (stride 2, same)', inputShape: [9, 3], body: seq(() => L.conv1d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' })) },
  { id: 'Conv2D (valid)', inputShape: [7, 6, 2], body: seq(() => L.conv2d({ filters: 3, kernelSize: 3 })) },
  { id: 'Conv2D (stride 2, same)', inputShape: [7, 7, 2], body: seq(() => L.conv2d({ filters: 3, kernelSize: [3, 2], strides: 2, padding: 'same' })) },
  { id: 'Conv2DTranspose', inputShape: [4, 5, 2], body: seq(() => L.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' })) },
  { id: 'SeparableConv2D', inputShape: [6, 6, 2], body: seq(() => L.separableConv2d({ filters: 3, kernelSize: 3, depthMultiplier: 2, padding: 'same' })) },
  { id: 'DepthwiseConv2D', inputShape: [7, 7, 3], body: seq(() => L.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2 })) },
  { id: 'MaxPooling2D', inputShape: [6, 7, 2], body: seq(() => L.conv2d({ filters: 2, kernelSize: 1 }), () => L.maxPooling2d({ poolSize: 2, padding: 'same' })) },
  { id: 'AveragePooling2D', inputShape: [6, 6, 2], body: seq(() => L.conv2d({ filters: 2, kernelSize: 1 }), () => L.averagePooling2d({ poolSize: 3, strides: 2 })) },
  { id: 'MaxPooling1D', inputShape: [8, 3], body: seq(() => L.conv1d({ filters: 2, kernelSize: 1 }), () => L.maxPooling1d({ poolSize: 2 })) },
  { id: 'GlobalAveragePooling2D', inputShape: [5, 5, 3], body: seq(() => L.conv2d({ filters: 2, kernelSize: 2 }), () => L.globalAveragePooling2d({})) },
  { id: 'GlobalMaxPooling2D', inputShape: [5, 5, 3], body: seq(() => L.conv2d({ filters: 2, kernelSize: 2 }), () => L.globalMaxPooling2d({})) },
  { id: 'BatchNormalization', inputShape: [6], body: seq(() => L.dense({ units: 4 }), () => L.batchNormalization({})) },
  { id: 'LayerNormalization', inputShape: [5, 4], body: seq(() => L.layerNormalization({})) },
  { id: 'Embedding', inputShape: [6], vocab: 30, body: seq(() => L.embedding({ inputDim: 30, outputDim: 4 })) },
  { id: 'SimpleRNN', inputShape: [5, 3], body: seq(() => L.simpleRNN({ units: 4 })) },
  { id: 'LSTM', inputShape: [5, 3], body: seq(() => L.lstm({ units: 4, returnSequences: true })) },
  { id: 'GRU', inputShape: [5, 3], body: seq(() => L.gru({ units: 4 })) },
  { id: 'FastLSTM', inputShape: [5, 3], body: seq(() => new FastLSTM({ units: 4, returnSequences: true })) },
  { id: 'FastGRU', inputShape: [5, 3], body: seq(() => new FastGRU({ units: 4, goBackwards: true })) },
  // Sigmoid gates (the catalog's default): TensorFlow's fused BlockLSTM on the native backend.
  { id: 'FastLSTM (sigmoid)', inputShape: [5, 3], body: seq(() => new FastLSTM({ units: 4, recurrentActivation: 'sigmoid', unitForgetBias: true })) },
  { id: 'FastLSTM (sigmoid, backwards, last state)', inputShape: [5, 3], body: seq(() => new FastLSTM({ units: 4, recurrentActivation: 'sigmoid', goBackwards: true })) },
  { id: 'Bidirectional(LSTM)', inputShape: [5, 3], body: seq(() => L.bidirectional({ layer: L.lstm({ units: 3 }) as tf.RNN })) },
  { id: 'UpSampling2D', inputShape: [3, 3, 2], body: seq(() => L.conv2d({ filters: 2, kernelSize: 1 }), () => L.upSampling2d({ size: [2, 2] })) },
  { id: 'ZeroPadding2D', inputShape: [4, 4, 2], body: seq(() => L.zeroPadding2d({ padding: 1 }), () => L.conv2d({ filters: 2, kernelSize: 3 })) },
  { id: 'Cropping2D', inputShape: [6, 6, 2], body: seq(() => L.conv2d({ filters: 2, kernelSize: 1 }), () => L.cropping2D({ cropping: 1 })) },
  { id: 'PReLU', inputShape: [6], body: seq(() => L.dense({ units: 4 }), () => L.prelu({})) },
  { id: 'ELU / LeakyReLU / Softmax', inputShape: [6], body: seq(() => L.dense({ units: 4 }), () => L.elu({}), () => L.leakyReLU({}), () => L.softmax({})) },
  {
    id: 'Add / Concatenate / Multiply / Average',
    inputShape: [6],
    body: (input) => {
      const a = L.dense({ units: 4 }).apply(input) as tf.SymbolicTensor;
      const b = L.dense({ units: 4 }).apply(input) as tf.SymbolicTensor;
      const sum = L.add().apply([a, b]) as tf.SymbolicTensor;
      const prod = L.multiply().apply([a, b]) as tf.SymbolicTensor;
      const avg = L.average().apply([a, b]) as tf.SymbolicTensor;
      return L.concatenate().apply([sum, prod, avg]) as tf.SymbolicTensor;
    },
  },
  // Netwright's own layers (main/trainer/custom-layers) and the remaining stock types the specs build.
  { id: 'NetwrightGRU (resetAfter)', inputShape: [5, 3], body: seq(() => new NetwrightGRU({ units: 4, resetAfter: true, returnSequences: true } as ConstructorParameters<typeof NetwrightGRU>[0])) },
  {
    id: 'MultiHeadAttention (self)',
    inputShape: [4, 6],
    body: (input) => new MultiHeadAttention({ numHeads: 2, keyDim: 3 }).apply([input, input]) as tf.SymbolicTensor,
  },
  { id: 'TransformerEncoder', inputShape: [4, 6], body: seq(() => new TransformerEncoder({ numHeads: 2, intermediateDim: 8 })) },
  { id: 'PositionalEmbedding', inputShape: [6], vocab: 20, body: seq(() => new PositionalEmbedding({ inputDim: 20, outputDim: 4, sequenceLength: 6 })) },
  {
    id: 'Subtract / Maximum / Minimum / Dot',
    inputShape: [6],
    body: (input) => {
      const a = L.dense({ units: 4 }).apply(input) as tf.SymbolicTensor;
      const b = L.dense({ units: 4 }).apply(input) as tf.SymbolicTensor;
      const diff = new Subtract().apply([a, b]) as tf.SymbolicTensor;
      const max = L.maximum().apply([a, b]) as tf.SymbolicTensor;
      const min = L.minimum().apply([a, b]) as tf.SymbolicTensor;
      const dot = L.dot({ axes: 1 }).apply([a, b]) as tf.SymbolicTensor;
      return L.concatenate().apply([diff, max, min, dot]) as tf.SymbolicTensor;
    },
  },
  { id: 'TimeDistributed(Dense)', inputShape: [4, 3], body: seq(() => L.timeDistributed({ layer: L.dense({ units: 2 }) })) },
  { id: 'Conv1D (valid) / AveragePooling1D / GlobalMaxPooling1D', inputShape: [9, 2], body: seq(() => L.conv1d({ filters: 3, kernelSize: 2 }), () => L.averagePooling1d({ poolSize: 2 }), () => L.globalMaxPooling1d({})) },
  { id: 'GlobalAveragePooling1D', inputShape: [6, 3], body: seq(() => L.conv1d({ filters: 2, kernelSize: 1 }), () => L.globalAveragePooling1d({})) },
  { id: 'Reshape / Permute / RepeatVector', inputShape: [6], body: seq(() => L.dense({ units: 6 }), () => L.reshape({ targetShape: [2, 3] }), () => L.permute({ dims: [2, 1] }), () => L.flatten(), () => L.repeatVector({ n: 2 })) },
  // Augmentation (issue 18), in training mode with seeded draws, each behind a 1x1 convolution so
  // the gradient goes back through its sampling (gather, interpolation weights, fill) to weights.
  { id: 'RandomFlip', inputShape: [6, 5, 2], seed: 11, body: seq(() => L.conv2d({ filters: 2, kernelSize: 1 }), () => new RandomFlip({})) },
  { id: 'RandomRotation', inputShape: [6, 5, 2], seed: 12, body: seq(() => L.conv2d({ filters: 2, kernelSize: 1 }), () => new RandomRotation({ factor: 0.2, fillMode: 'constant', fillValue: 0.5 })) },
  { id: 'RandomZoom', inputShape: [6, 5, 2], seed: 13, body: seq(() => L.conv2d({ filters: 2, kernelSize: 1 }), () => new RandomZoom({ heightFactor: 0.2, widthFactor: 0.3 })) },
  { id: 'RandomTranslation', inputShape: [6, 5, 2], seed: 14, body: seq(() => L.conv2d({ filters: 2, kernelSize: 1 }), () => new RandomTranslation({ heightFactor: 0.2, widthFactor: 0.1, fillMode: 'wrap', interpolation: 'nearest' })) },
  { id: 'RandomContrast', inputShape: [6, 5, 2], seed: 15, body: seq(() => L.conv2d({ filters: 2, kernelSize: 1 }), () => new RandomContrast({ factor: 0.4, valueRange: [-1, 1] })) },
  { id: 'RandomCrop', inputShape: [8, 10, 2], seed: 16, body: seq(() => L.conv2d({ filters: 2, kernelSize: 1 }), () => new RandomCrop({ height: 6, width: 6 })) },
  { id: 'GaussianNoise', inputShape: [6], seed: 17, body: seq(() => L.dense({ units: 4 }), () => L.gaussianNoise({ stddev: 0.3 })) },
  { id: 'GaussianDropout', inputShape: [6], seed: 18, body: seq(() => L.dense({ units: 4 }), () => L.gaussianDropout({ rate: 0.3 })) },
];

/** Runs f with Math.random seeded (restored after), or as is for a case without a seed. */
function withCaseSeed<T>(c: LayerCase, f: () => T): T {
  if (c.seed === undefined) return f();
  const real = Math.random;
  Math.random = seededRandom(c.seed);
  try {
    return f();
  } finally {
    Math.random = real;
  }
}

const BATCH = 3;
const CLASSES = 3;

export function buildCaseModel(c: LayerCase): tf.LayersModel {
  const input = tf.input({ shape: [...c.inputShape] });
  let h = c.body(input);
  if (h.shape.length > 2) h = L.flatten().apply(h) as tf.SymbolicTensor;
  const out = L.dense({ units: CLASSES, activation: 'softmax' }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** Deterministic inputs and one-hot targets for a case. */
export function caseData(c: LayerCase): { x: Float32Array; xShape: number[]; y: Float32Array } {
  const xShape = [BATCH, ...c.inputShape];
  const n = xShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const u = s / 2147483648;
    x[i] = c.vocab ? Math.floor(u * c.vocab) : u * 2 - 1;
  }
  const y = new Float32Array(BATCH * CLASSES);
  for (let b = 0; b < BATCH; b++) y[b * CLASSES + (b % CLASSES)] = 1;
  return { x, xShape, y };
}

export interface StepResult {
  /** Loss before each of the training steps. */
  readonly losses: number[];
  /** Gradients at the start, one array per trainable weight. */
  readonly grads: Float32Array[];
  /** Trainable weights after the steps. */
  readonly finalWeights: Float32Array[];
}

/**
 * Sets the model's weights, then runs `steps` plain SGD steps (synchronously, so a caller can
 * swap kernels around it), recording losses and the first gradients. Training-mode forward pass.
 */
export function trainSteps(model: tf.LayersModel, weights: readonly Float32Array[], c: LayerCase, steps: number, lr = 0.1): StepResult {
  const { x, xShape, y } = caseData(c);
  const all = model.getWeights();
  const initial = all.map((w, i) => tf.tensor(weights[i] as Float32Array, w.shape));
  model.setWeights(initial);
  tf.dispose(initial);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const losses: number[] = [];
  let grads: Float32Array[] = [];
  const xt = tf.tensor(x, xShape);
  const yt = tf.tensor2d(y, [BATCH, CLASSES]);
  try {
    for (let s = 0; s < steps; s++) {
      tf.tidy(() => {
        const { value, grads: g } = tf.variableGrads(() => tf.mean(tf.metrics.categoricalCrossentropy(yt, model.apply(xt, { training: true }) as tf.Tensor)) as tf.Scalar, vars);
        losses.push(value.dataSync()[0] as number);
        if (s === 0) grads = vars.map((v) => Float32Array.from((g[v.name] as tf.Tensor).dataSync()));
        for (const v of vars) v.assign(tf.sub(v, tf.mul(g[v.name] as tf.Tensor, lr)));
      });
    }
  } finally {
    tf.dispose([xt, yt]);
  }
  return { losses, grads, finalWeights: vars.map((v) => Float32Array.from(v.dataSync())) };
}

/** max |a-b| / max(max |b|, 1e-6): the error relative to the tensor's scale. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return groupRelError([a], [b]);
}

/**
 * Worst |a-b| over a group of tensors, relative to the group's largest |b| (so a gradient that
 * is ~0 next to the others is judged on the model's gradient scale, not on float noise).
 */
export function groupRelError(as: readonly ArrayLike<number>[], bs: readonly ArrayLike<number>[]): number {
  if (as.length !== bs.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 1e-6;
  for (let t = 0; t < as.length; t++) {
    const a = as[t] as ArrayLike<number>;
    const b = bs[t] as ArrayLike<number>;
    if (a.length !== b.length) return Number.POSITIVE_INFINITY;
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs((a[i] as number) - (b[i] as number));
      if (!(d <= diff)) diff = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
      scale = Math.max(scale, Math.abs(b[i] as number));
    }
  }
  return diff / scale;
}

export interface CaseComparison {
  readonly id: string;
  readonly backend: string;
  /** Worst relative error over losses, first gradients and final weights. */
  readonly error: number;
  readonly ok: boolean;
  /** Set when the backend under test threw. */
  readonly failure?: string;
}

/**
 * Runs a case on `backend` and on the cpu backend with stock tfjs kernels (the reference), from
 * the same initial weights, and compares. Leaves `backend` active.
 */
export function compareCase(c: LayerCase, backend: string, steps: number, tolerance: number): CaseComparison {
  tf.setBackend('cpu');
  // The reference keeps our replacements for stock cpu kernels that are wrong (STOCK_WRONG:
  // ResizeNearestNeighborGrad with halfPixelCenters): without them installed on cpu, a process
  // that trains on wasm compared UpSampling2D against a wrong reference and refused it.
  registerNetwrightKernels('cpu');
  const ref = withStockKernels('cpu', () => {
    const model = buildCaseModel(c);
    try {
      const initial = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
      return { initial, result: withCaseSeed(c, () => trainSteps(model, initial, c, steps)) };
    } finally {
      model.dispose();
    }
  });
  tf.setBackend(backend);
  let got: StepResult;
  const model = buildCaseModel(c);
  try {
    got = withCaseSeed(c, () => trainSteps(model, ref.initial, c, steps));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { id: c.id, backend, error: Number.POSITIVE_INFINITY, ok: false, failure: (message.split('\n')[0] ?? '').slice(0, 200) };
  } finally {
    model.dispose();
  }
  const error = Math.max(
    relError(got.losses, ref.result.losses),
    groupRelError(got.grads, ref.result.grads),
    groupRelError(got.finalWeights, ref.result.finalWeights),
  );
  return { id: c.id, backend, error, ok: error <= tolerance };
}
