import * as tf from '@tensorflow/tfjs';
import { NativeAdamOptimizer } from './native-adam';
import { nodeBackend, type TfBinding } from './kernels/native-binding';
import { DT_BOOL, DT_FLOAT, DT_INT32, FunctionDefBuilder, type Ref } from './native/function-def';

/**
 * A whole training step of a chain of Dense layers (the MLPs students start with) as one
 * TensorFlow function on the native backend: forward pass, softmax cross-entropy, backward pass
 * and Adam's update of every weight, registered once with the binding's eager context and then
 * run as one op per batch. tfjs's trainOnBatch takes ~50 engine ops and ~20 more on the binding
 * for the same step, each a trip through JavaScript and N-API; here TensorFlow's executor runs
 * the ~60 graph nodes itself, on all cores.
 *
 * The state stays where tfjs keeps it: the step reads the weights and Adam's moments from their
 * tfjs variables and assigns the new values back, so evaluation, checkpoints, the optimizer's
 * saved state and a later step on tfjs's own path see exactly what trainOnBatch would leave.
 * The numbers are tfjs's: the same Adam (bias correction folded into the learning rate and
 * epsilon, as TensorFlow's ApplyAdam does), the mean of the batch's cross-entropy. The loss comes
 * from the logits (TensorFlow's SoftmaxCrossEntropyWithLogits) where tfjs clips the softmax at
 * 1e-7: the two agree until a probability falls below 1e-7.
 */

export type DenseActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh';
const HIDDEN_ACTIVATIONS: ReadonlySet<string> = new Set<DenseActivation>(['linear', 'relu', 'sigmoid', 'tanh']);

interface DenseLayerPlan {
  readonly name: string;
  readonly kernel: tf.LayerVariable;
  readonly bias: tf.LayerVariable | null;
  /** Hidden layers' activation; the last layer's is softmax (folded into the loss). */
  readonly activation: DenseActivation | 'softmax';
}

/** An Embedding before the GRU: token ids in, vectors out (its gradient is dense, as tfjs's). */
interface EmbeddingPlan {
  readonly table: tf.LayerVariable;
  readonly vocabulary: number;
  readonly dim: number;
}

/**
 * Keras's GRU (resetAfter, tanh, sigmoid, with biases) or LSTM (tanh, sigmoid, with bias), last
 * state only, unrolled over its steps.
 */
interface GruPlan {
  readonly kind: 'gru' | 'lstm';
  readonly kernel: tf.LayerVariable;
  readonly recurrentKernel: tf.LayerVariable;
  readonly bias: tf.LayerVariable;
  readonly units: number;
  readonly steps: number;
  readonly features: number;
}

/** A Conv2D (channels last, no dilation) or a MaxPooling2D before the Flatten. */
type ImageStagePlan =
  | {
      readonly kind: 'conv';
      readonly kernel: tf.LayerVariable;
      readonly bias: tf.LayerVariable | null;
      readonly activation: DenseActivation;
      readonly strides: readonly [number, number];
      readonly padding: 'VALID' | 'SAME';
    }
  | { readonly kind: 'maxpool'; readonly pool: readonly [number, number]; readonly strides: readonly [number, number]; readonly padding: 'VALID' | 'SAME' };

export interface ChainPlan {
  /** Values per sample the first Dense takes (the model's input flattened, or the GRU's units). */
  readonly inputSize: number;
  readonly inputRank: number;
  /** Token ids may come as int32 (an Input of dtype int32 before the Embedding) or as floats. */
  readonly inputDtype: 'float32' | 'int32';
  /** The shape a first Reshape gives each sample (null: none). */
  readonly reshapedTo: readonly number[] | null;
  readonly embedding: EmbeddingPlan | null;
  readonly gru: GruPlan | null;
  /** Convolutions and poolings on an image input, before the Flatten; the shape they end with. */
  readonly image: { readonly stages: readonly ImageStagePlan[]; readonly outShape: readonly number[] } | null;
  readonly layers: readonly DenseLayerPlan[];
}

const pair = (v: unknown): [number, number] | null => {
  const a = Array.isArray(v) ? v : [v, v];
  return a.length === 2 && a.every((n) => Number.isInteger(n) && (n as number) > 0) ? [a[0] as number, a[1] as number] : null;
};

interface LayerLike {
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  trainable: boolean;
  name: string;
  inboundNodes: { inboundLayers: unknown[] }[];
  input: tf.SymbolicTensor | tf.SymbolicTensor[];
  trainableWeights: tf.LayerVariable[];
  kernel?: tf.LayerVariable;
  bias?: tf.LayerVariable | null;
}

const isSet = (v: unknown): boolean => v !== null && v !== undefined;

/** The first regularizer or constraint a layer's config sets (a hand-written step would miss it). */
const regularizerIn = (config: Record<string, unknown>): string | undefined => Object.keys(config).find((k) => /(Regularizer|Constraint)$/.test(k) && isSet(config[k]));

/** A layer's weight by its Keras name (kernel, recurrent_kernel, bias, embeddings). */
function weightNamed(layer: LayerLike, name: string): tf.LayerVariable | null {
  return layer.trainableWeights.find((w) => w.originalName.endsWith(`/${name}`) || w.originalName === name) ?? null;
}

/**
 * The model as one chain the compiled step knows: optionally an Embedding and a GRU, or Flatten,
 * then Dense layers ending in a softmax Dense, with nothing a hand-written step would miss
 * (regularizers, constraints, frozen layers, masks, dropout); or why not.
 */
export function planChain(model: tf.LayersModel): ChainPlan | string {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return 'the model has more than one input or output';
  let inputShape = model.inputs[0]?.shape.slice(1) ?? [];
  if (inputShape.some((d) => d === null)) return 'the input has a free dimension';
  // A Reshape first (an MNIST image of 28 x 28 to 28 x 28 x 1) is the input in that shape.
  let reshapedTo: number[] | null = null;
  const layers: DenseLayerPlan[] = [];
  let embedding: EmbeddingPlan | null = null;
  let gru: GruPlan | null = null;
  const stages: ImageStagePlan[] = [];
  let imageOut: number[] | null = null;
  let prev: unknown = null;
  let flat = inputShape.length === 1;
  let first = true;
  for (const raw of model.layers as unknown as LayerLike[]) {
    const cls = raw.getClassName();
    if (cls === 'InputLayer' && prev === null) {
      prev = raw;
      continue;
    }
    const inbound = raw.inboundNodes;
    if (inbound.length !== 1 || (prev !== null && inbound[0]?.inboundLayers[0] !== prev) || (inbound[0]?.inboundLayers.length ?? 0) > 1) return 'the layers are not one chain';
    prev = raw;
    const config = raw.getConfig();
    const wasFirst = first;
    first = false;
    if (cls === 'Reshape' && wasFirst) {
      const target = config['targetShape'];
      const size = (d: readonly unknown[]): number => d.reduce<number>((a, b) => a * Number(b), 1);
      if (!Array.isArray(target) || !target.every((d) => Number.isInteger(d) && d > 0) || size(target) !== size(inputShape)) return `${raw.name} has a shape the compiled step does not know`;
      reshapedTo = target as number[];
      inputShape = reshapedTo;
      flat = inputShape.length === 1;
      first = true;
      continue;
    }
    if (cls === 'Flatten') {
      if (layers.length > 0 || gru || embedding || flat) return 'a Flatten after another layer';
      if (stages.length > 0) imageOut = ((raw.input as tf.SymbolicTensor | undefined)?.shape ?? []).slice(1) as number[];
      flat = true;
      continue;
    }
    if (cls === 'Conv2D' || cls === 'MaxPooling2D') {
      if (flat || inputShape.length !== 3 || layers.length > 0) return `a ${cls} that does not take the image`;
      if (config['dataFormat'] !== 'channelsLast') return `${raw.name} is not channels-last`;
      const padding = config['padding'] === 'same' ? 'SAME' : config['padding'] === 'valid' ? 'VALID' : null;
      const strides = pair(config['strides'] ?? config['poolSize']);
      if (!padding || !strides) return `${raw.name} has padding or strides the compiled step does not know`;
      if (cls === 'MaxPooling2D') {
        const pool = pair(config['poolSize']);
        if (!pool) return `${raw.name} has a pool size the compiled step does not know`;
        stages.push({ kind: 'maxpool', pool, strides, padding });
        continue;
      }
      if (!raw.trainable) return `${raw.name} is frozen`;
      const dilation = pair(config['dilationRate']);
      if (!dilation || dilation[0] !== 1 || dilation[1] !== 1) return `${raw.name} is dilated`;
      const activation = String(config['activation'] ?? 'linear');
      if (!HIDDEN_ACTIVATIONS.has(activation)) return `${raw.name} uses ${activation}`;
      const regularizedConv = regularizerIn(config);
      if (regularizedConv) return `${raw.name} has a ${regularizedConv}`;
      const kernel = weightNamed(raw, 'kernel');
      if (!kernel) return `${raw.name} has no kernel`;
      stages.push({ kind: 'conv', kernel, bias: weightNamed(raw, 'bias'), activation: activation as DenseActivation, strides, padding });
      continue;
    }
    if (!raw.trainable) return `${raw.name} is frozen`;
    const regularized = regularizerIn(config);
    if (regularized) return `${raw.name} has a ${regularized}`;
    if (cls === 'Embedding') {
      if (!wasFirst || inputShape.length !== 1) return 'an Embedding that does not take the input';
      if (config['maskZero'] === true) return `${raw.name} masks zeros`;
      const table = weightNamed(raw, 'embeddings');
      if (!table || table.shape.length !== 2) return `${raw.name} has no embeddings`;
      embedding = { table, vocabulary: table.shape[0] as number, dim: table.shape[1] as number };
      continue;
    }
    if (cls === 'NetwrightGRU' || cls === 'LSTM') {
      const kind = cls === 'LSTM' ? 'lstm' : 'gru';
      if (gru || layers.length > 0 || (!embedding && !(wasFirst && inputShape.length === 2))) return `a ${cls} that does not take the sequence`;
      if ((kind === 'gru' && config['resetAfter'] !== true) || config['activation'] !== 'tanh' || config['recurrentActivation'] !== 'sigmoid' || config['useBias'] !== true) {
        return `${raw.name} is not the default ${kind.toUpperCase()}`;
      }
      if (config['returnSequences'] === true || config['goBackwards'] === true || config['returnState'] === true || config['stateful'] === true) return `${raw.name} returns sequences or state, or goes backwards`;
      if (Number(config['dropout'] ?? 0) > 0 || Number(config['recurrentDropout'] ?? 0) > 0) return `${raw.name} has dropout`;
      const kernel = weightNamed(raw, 'kernel');
      const recurrentKernel = weightNamed(raw, 'recurrent_kernel');
      const bias = weightNamed(raw, 'bias');
      if (!kernel || !recurrentKernel || !bias) return `${raw.name} has no weights yet`;
      const units = Number(config['units']);
      gru = { kind, kernel, recurrentKernel, bias, units, steps: inputShape[0] as number, features: kernel.shape[0] as number };
      flat = true;
      continue;
    }
    if (cls !== 'Dense') return `it has a ${cls} layer`;
    if (!flat || (embedding && !gru)) return 'the first Dense does not take a flat input';
    const activation = String(config['activation'] ?? 'linear');
    if (!raw.kernel) return `${raw.name} has no kernel`;
    layers.push({ name: raw.name, kernel: raw.kernel, bias: raw.bias ?? null, activation: activation as DenseActivation | 'softmax' });
  }
  const last = layers[layers.length - 1];
  if (!last) return 'it has no Dense layer';
  if (last.activation !== 'softmax') return 'the last Dense is not softmax';
  for (const layer of layers.slice(0, -1)) if (!HIDDEN_ACTIVATIONS.has(layer.activation)) return `${layer.name} uses ${layer.activation}`;
  if (stages.length > 0 && (!imageOut || imageOut.some((d) => typeof d !== 'number'))) return 'the convolutions do not end in a Flatten';
  const flatShape = imageOut ?? (inputShape as number[]);
  const inputSize = gru ? gru.units : flatShape.reduce<number>((a, b) => a * b, 1);
  if (layers[0]?.kernel.shape[0] !== inputSize) return 'the first Dense does not take the whole input';
  if (gru && embedding && gru.features !== embedding.dim) return 'the GRU does not take the Embedding';
  const inputDtype = model.inputs[0]?.dtype === 'int32' ? 'int32' : 'float32';
  if (inputDtype === 'int32' && !embedding) return 'an int32 input that is not token ids';
  if (reshapedTo && (embedding || gru)) return 'a Reshape before the sequence';
  return { inputSize, inputRank: inputShape.length, inputDtype, reshapedTo, embedding, gru, image: stages.length > 0 && imageOut ? { stages, outShape: imageOut } : null, layers };
}

/** The trainable weights in the function's argument order. */
export function planWeights(plan: ChainPlan): tf.LayerVariable[] {
  return [
    ...(plan.embedding ? [plan.embedding.table] : []),
    ...(plan.gru ? [plan.gru.kernel, plan.gru.recurrentKernel, plan.gru.bias] : []),
    ...(plan.image?.stages ?? []).flatMap((s) => (s.kind === 'maxpool' ? [] : s.bias ? [s.kernel, s.bias] : [s.kernel])),
    ...plan.layers.flatMap((l) => (l.bias ? [l.kernel, l.bias] : [l.kernel])),
  ];
}

interface Weight {
  value: Ref;
  m?: Ref;
  v?: Ref;
  grad?: Ref;
}

const F = { type: DT_FLOAT } as const;
const I32 = { type: DT_INT32 } as const;

/** a·b (either side transposed) as a node of `fn`. */
function matMul(fn: FunctionDefBuilder, a: Ref, b: Ref, transposeA = false, transposeB = false): Ref {
  return fn.one('MatMul', [a, b], { T: F, transpose_a: { b: transposeA }, transpose_b: { b: transposeB } });
}

/** An element-wise float op of two inputs. */
function binary(fn: FunctionDefBuilder, name: 'AddV2' | 'Mul' | 'Sub', a: Ref, b: Ref): Ref {
  return fn.one(name, [a, b], { T: F });
}

/** Float tensors joined along `axis` (an int32 scalar node). */
function concat(fn: FunctionDefBuilder, parts: Ref[], axis: Ref): Ref {
  return fn.one('ConcatV2', [...parts, axis], { N: { i: parts.length }, T: F, Tidx: I32 });
}

/** The FunctionDef of one step; inputs x, y, lr_t, eps_t, inv_b, then weights, first moments, second moments. */
export function buildStepFunction(name: string, plan: ChainPlan, beta1: number, beta2: number, withAccuracy: boolean): { bytes: Uint8Array; outputs: number } {
  const fn = new FunctionDefBuilder(name);
  const x0 = fn.input('x', plan.inputDtype === 'int32' ? DT_INT32 : DT_FLOAT);
  const y = fn.input('y');
  const lrT = fn.input('lr_t');
  const epsT = fn.input('eps_t');
  const invB = fn.input('inv_b');
  const weights: Weight[] = planWeights(plan).map((_, i) => ({ value: fn.input(`w${i}`) }));
  weights.forEach((w, i) => (w.m = fn.input(`m${i}`)));
  weights.forEach((w, i) => (w.v = fn.input(`v${i}`)));
  let next = 0;
  const take = (): Weight => weights[next++] as Weight;
  const embeddingW = plan.embedding ? take() : null;
  const gruW = plan.gru ? { kernel: take(), recurrent: take(), bias: take() } : null;
  const stageW = (plan.image?.stages ?? []).map((s) => (s.kind === 'conv' ? { kernel: take(), bias: s.bias ? take() : null } : null));
  const layerVars = plan.layers.map((layer) => ({ kernel: take(), bias: layer.bias ? take() : null }));

  // The features the Dense chain takes, and how to send their gradient back.
  let features: Ref;
  let backFront: ((d: Ref) => void) | null = null;
  if (plan.gru && gruW) {
    const gruOut = recurrentForward(fn, plan, x0, embeddingW, gruW);
    features = gruOut.h;
    backFront = gruOut.backward;
  } else if (plan.image) {
    const image = plan.reshapedTo ? fn.one('Reshape', [x0, fn.constant([-1, ...plan.reshapedTo], [plan.reshapedTo.length + 1], DT_INT32)], { T: F, Tshape: I32 }) : x0;
    const imageOut = imageForward(fn, plan.image.stages, plan.image.outShape, image, stageW);
    features = imageOut.features;
    backFront = imageOut.backward;
  } else {
    features = plan.inputRank > 1 || plan.reshapedTo ? fn.one('Reshape', [x0, fn.constant([-1, plan.inputSize], [2], DT_INT32)], { T: F, Tshape: I32 }) : x0;
  }
  const acts: Ref[] = [features];
  plan.layers.forEach((layer, i) => {
    const { kernel, bias } = layerVars[i] as (typeof layerVars)[number];
    let z = fn.one('MatMul', [acts[i] as Ref, kernel.value], { T: F, transpose_a: { b: false }, transpose_b: { b: false } });
    if (bias) z = fn.one('BiasAdd', [z, bias.value], { T: F, data_format: { s: 'NHWC' } });
    acts.push(activate(fn, layer.activation, z));
  });
  const logits = acts[acts.length - 1] as Ref;
  const [lossVec, backprop] = fn.op('SoftmaxCrossEntropyWithLogits', [logits, y], { T: F }) as [Ref, Ref];
  const axis0 = fn.constant([0], [1], DT_INT32);
  const loss = fn.one('Mean', [lossVec, axis0], { T: F, Tidx: I32, keep_dims: { b: false } });

  // Backward through the Dense chain, then the front.
  let dz = fn.one('Mul', [backprop, invB], { T: F });
  for (let i = plan.layers.length - 1; i >= 0; i--) {
    const { kernel, bias } = layerVars[i] as (typeof layerVars)[number];
    kernel.grad = fn.one('MatMul', [acts[i] as Ref, dz], { T: F, transpose_a: { b: true }, transpose_b: { b: false } });
    if (bias) bias.grad = fn.one('BiasAddGrad', [dz], { T: F, data_format: { s: 'NHWC' } });
    if (i > 0 || backFront) {
      const da = fn.one('MatMul', [dz, kernel.value], { T: F, transpose_a: { b: false }, transpose_b: { b: true } });
      if (i > 0) dz = activationGrad(fn, (plan.layers[i - 1] as DenseLayerPlan).activation, acts[i] as Ref, da);
      else backFront?.(da);
    }
  }

  // Adam: m' = β1·m + (1-β1)·g, v' = β2·v + (1-β2)·g², w' = w - lr_t·m' / (sqrt(v') + eps_t).
  const b1 = fn.constant([beta1]);
  const b1c = fn.constant([1 - beta1]);
  const b2 = fn.constant([beta2]);
  const b2c = fn.constant([1 - beta2]);
  const updated = weights.map((w) => {
    const g = w.grad as Ref;
    const m = fn.one('AddV2', [fn.one('Mul', [b1, w.m as Ref], { T: F }), fn.one('Mul', [b1c, g], { T: F })], { T: F });
    const v = fn.one('AddV2', [fn.one('Mul', [b2, w.v as Ref], { T: F }), fn.one('Mul', [b2c, fn.one('Square', [g], { T: F })], { T: F })], { T: F });
    const step = fn.one('Mul', [lrT, fn.one('RealDiv', [m, fn.one('AddV2', [fn.one('Sqrt', [v], { T: F }), epsT], { T: F })], { T: F })], { T: F });
    return { w: fn.one('Sub', [w.value, step], { T: F }), m, v };
  });

  fn.output('loss', loss);
  let outputs = 1;
  if (withAccuracy) {
    const argmax = (t: Ref): Ref => fn.one('ArgMax', [t, fn.constant([1], [], DT_INT32)], { T: F, Tidx: I32, output_type: I32 });
    const hit = fn.one('Equal', [argmax(logits), argmax(y)], { T: I32, incompatible_shape_error: { b: true } });
    const hitF = fn.one('Cast', [hit], { SrcT: { type: DT_BOOL }, DstT: F, Truncate: { b: false } });
    fn.output('accuracy', fn.one('Mean', [hitF, axis0], { T: F, Tidx: I32, keep_dims: { b: false } }));
    outputs++;
  }
  updated.forEach((u, i) => fn.output(`new_w${i}`, u.w));
  updated.forEach((u, i) => fn.output(`new_m${i}`, u.m));
  updated.forEach((u, i) => fn.output(`new_v${i}`, u.v));
  return { bytes: fn.toBytes(), outputs: outputs + 3 * updated.length };
}

/**
 * Convolutions (with bias and activation) and max-poolings on an NHWC image, then the Flatten;
 * backward with TensorFlow's gradient kernels (Conv2DBackpropFilter/Input, MaxPoolGrad).
 */
function imageForward(
  fn: FunctionDefBuilder,
  stages: readonly ImageStagePlan[],
  outShape: readonly number[],
  x0: Ref,
  weights: ({ kernel: Weight; bias: Weight | null } | null)[],
): { features: Ref; backward: (d: Ref) => void } {
  const nhwc = { s: 'NHWC' } as const;
  const four = (p: readonly [number, number]): { ints: number[] } => ({ ints: [1, p[0], p[1], 1] });
  const ins: Ref[] = [];
  const outs: Ref[] = [];
  let a = x0;
  stages.forEach((stage, i) => {
    ins.push(a);
    if (stage.kind === 'maxpool') {
      a = fn.one('MaxPool', [a], { T: F, ksize: four(stage.pool), strides: four(stage.strides), padding: { s: stage.padding }, data_format: nhwc });
    } else {
      const w = weights[i] as { kernel: Weight; bias: Weight | null };
      let z = fn.one('Conv2D', [a, w.kernel.value], { T: F, strides: four(stage.strides), padding: { s: stage.padding }, data_format: nhwc });
      if (w.bias) z = fn.one('BiasAdd', [z, w.bias.value], { T: F, data_format: nhwc });
      a = activate(fn, stage.activation, z);
    }
    outs.push(a);
  });
  const features = fn.one('Reshape', [a, fn.constant([-1, outShape.reduce((p, q) => p * q, 1)], [2], DT_INT32)], { T: F, Tshape: I32 });
  const backward = (dFeatures: Ref): void => {
    let d = fn.one('Reshape', [dFeatures, fn.constant([-1, ...outShape], [outShape.length + 1], DT_INT32)], { T: F, Tshape: I32 });
    for (let i = stages.length - 1; i >= 0; i--) {
      const stage = stages[i] as ImageStagePlan;
      const input = ins[i] as Ref;
      if (stage.kind === 'maxpool') {
        d = fn.one('MaxPoolGrad', [input, outs[i] as Ref, d], { T: F, ksize: four(stage.pool), strides: four(stage.strides), padding: { s: stage.padding }, data_format: nhwc });
        continue;
      }
      const w = weights[i] as { kernel: Weight; bias: Weight | null };
      const dz = activationGrad(fn, stage.activation, outs[i] as Ref, d);
      const convAttrs = { T: F, strides: four(stage.strides), padding: { s: stage.padding }, data_format: nhwc };
      w.kernel.grad = fn.one('Conv2DBackpropFilter', [input, fn.constant(stage.kernel.shape as number[], [4], DT_INT32), dz], convAttrs);
      if (w.bias) w.bias.grad = fn.one('BiasAddGrad', [dz], { T: F, data_format: nhwc });
      if (i > 0) d = fn.one('Conv2DBackpropInput', [fn.one('Shape', [input], { T: F, out_type: I32 }), w.kernel.value, dz], convAttrs);
    }
  };
  return { features, backward };
}

/**
 * The GRU (and its Embedding) unrolled over the sequence, as NetwrightGRU computes it
 * (resetAfter): with xp = x·W + b_in and hp = h·U + b_rec split into z, r, h parts,
 * z, r = σ(xp_zr + hp_zr), ĥ = tanh(xp_h + r·hp_h), h' = ĥ + z·(h - ĥ). The backward pass
 * goes back through the steps; the products with W and U over all steps are one MatMul each.
 */
function recurrentForward(
  fn: FunctionDefBuilder,
  plan: ChainPlan,
  x0: Ref,
  embeddingW: Weight | null,
  w: { kernel: Weight; recurrent: Weight; bias: Weight },
): { h: Ref; backward: (dh: Ref) => void } {
  const gru = plan.gru as GruPlan;
  const { units: u, steps: T, features: d } = gru;
  const mm = (a: Ref, b: Ref, ta = false, tb = false): Ref => matMul(fn, a, b, ta, tb);
  const op = (name: 'AddV2' | 'Mul' | 'Sub', a: Ref, b: Ref): Ref => binary(fn, name, a, b);
  const axis1 = fn.constant([1], [], DT_INT32);
  const axis0 = fn.constant([0], [], DT_INT32);

  // Inputs as [B·T, d] rows (b-major, as the data), through the Embedding where there is one.
  let ids: Ref | null = null;
  let rows: Ref;
  if (embeddingW && plan.embedding) {
    const intIds = plan.inputDtype === 'int32' ? x0 : fn.one('Cast', [x0], { SrcT: F, DstT: I32, Truncate: { b: false } });
    ids = fn.one('Reshape', [intIds, fn.constant([-1], [1], DT_INT32)], { T: I32, Tshape: I32 });
    rows = fn.one('GatherV2', [embeddingW.value, ids, axis0], { Tparams: F, Tindices: I32, Taxis: I32, batch_dims: { i: 0 } });
  } else {
    rows = fn.one('Reshape', [x0, fn.constant([-1, d], [2], DT_INT32)], { T: F, Tshape: I32 });
  }
  const lstm = gru.kind === 'lstm';
  const G = (lstm ? 4 : 3) * u;
  const [bIn, bRec] = lstm ? [w.bias.value, null] : (fn.list('Unpack', [w.bias.value], { num: { i: 2 }, T: F, axis: { i: 0 } }, 2) as [Ref, Ref]);
  const xp = fn.one('BiasAdd', [mm(rows, w.kernel.value), bIn], { T: F, data_format: { s: 'NHWC' } });
  const xpSteps = fn.list('Unpack', [fn.one('Reshape', [xp, fn.constant([-1, T, G], [3], DT_INT32)], { T: F, Tshape: I32 })], { num: { i: T }, T: F, axis: { i: 1 } }, T);
  const embedding = embeddingW && ids && plan.embedding ? { weight: embeddingW, ids, vocabulary: plan.embedding.vocabulary } : null;
  if (lstm) return lstmSteps(fn, gru, rows, embedding, w, xpSteps);
  const sizes = fn.constant([2 * u, u], [2], DT_INT32);
  const splitZrH = (t: Ref): [Ref, Ref] => fn.list('SplitV', [t, sizes, axis1], { num_split: { i: 2 }, T: F, Tlen: I32 }, 2) as [Ref, Ref];

  interface Saved {
    h: Ref;
    zr: Ref;
    z: Ref;
    r: Ref;
    hh: Ref;
    hhat: Ref;
    diff: Ref;
  }
  const saved: Saved[] = [];
  let h: Ref | null = null;
  for (let t = 0; t < T; t++) {
    const [xzr, xh] = splitZrH(xpSteps[t] as Ref);
    const hPrev: Ref = h ?? fn.one('ZerosLike', [xh], { T: F });
    const hp = fn.one('BiasAdd', [mm(hPrev, w.recurrent.value), bRec as Ref], { T: F, data_format: { s: 'NHWC' } });
    const [hzr, hh] = splitZrH(hp);
    const zr = fn.one('Sigmoid', [op('AddV2', xzr, hzr)], { T: F });
    const [z, r] = fn.list('Split', [axis1, zr], { num_split: { i: 2 }, T: F }, 2) as [Ref, Ref];
    const hhat = fn.one('Tanh', [op('AddV2', xh, op('Mul', r, hh))], { T: F });
    const diff = op('Sub', hPrev, hhat);
    h = op('AddV2', hhat, op('Mul', z, diff));
    saved.push({ h: hPrev, zr, z, r, hh, hhat, diff });
  }

  const backward = (dhLast: Ref): void => {
    let dh = dhLast;
    const dhp: Ref[] = [];
    const dxp: Ref[] = [];
    for (let t = T - 1; t >= 0; t--) {
      const s = saved[t] as Saved;
      const a = op('Mul', dh, s.z);
      const dhhat = op('Sub', dh, a);
      const dz = op('Mul', dh, s.diff);
      const dah = fn.one('TanhGrad', [s.hhat, dhhat], { T: F });
      const dr = op('Mul', dah, s.hh);
      const dhh = op('Mul', dah, s.r);
      const dzr = fn.one('SigmoidGrad', [s.zr, concat(fn, [dz, dr], axis1)], { T: F });
      const dhpT = concat(fn, [dzr, dhh], axis1);
      dhp[t] = dhpT;
      dxp[t] = concat(fn, [dzr, dah], axis1);
      if (t > 0) dh = op('AddV2', a, mm(dhpT, w.recurrent.value, false, true));
    }
    // U and b_rec over all steps at once: [T·B, u]ᵀ · [T·B, 3u].
    const hAll = concat(fn, saved.map((s) => s.h), axis0);
    const dhpAll = concat(fn, dhp, axis0);
    w.recurrent.grad = mm(hAll, dhpAll, true, false);
    const dbRec = fn.one('BiasAddGrad', [dhpAll], { T: F, data_format: { s: 'NHWC' } });
    // W and b_in: the steps' gradients back in the rows' b-major order.
    const dbIn = inputGradients(fn, gru, rows, embedding, w.kernel, dxp);
    w.bias.grad = fn.one('Pack', [dbIn, dbRec], { N: { i: 2 }, T: F, axis: { i: 0 } });
  };
  return { h: h as Ref, backward };
}

/**
 * The gradients of the input side of a recurrent layer from each step's gradient of its input
 * projection: W (and the Embedding's table through the rows it gathered); returns b_in's.
 */
function inputGradients(fn: FunctionDefBuilder, rnn: GruPlan, rows: Ref, embedding: EmbeddingInput | null, kernel: Weight, dxp: Ref[]): Ref {
  const G = (rnn.kind === 'lstm' ? 4 : 3) * rnn.units;
  // The steps' gradients back in the rows' b-major order.
  const dxpRows = fn.one('Reshape', [fn.one('Pack', dxp, { N: { i: dxp.length }, T: F, axis: { i: 1 } }), fn.constant([-1, G], [2], DT_INT32)], { T: F, Tshape: I32 });
  kernel.grad = fn.one('MatMul', [rows, dxpRows], { T: F, transpose_a: { b: true }, transpose_b: { b: false } });
  if (embedding) {
    const dRows = fn.one('MatMul', [dxpRows, kernel.value], { T: F, transpose_a: { b: false }, transpose_b: { b: true } });
    embedding.weight.grad = fn.one('UnsortedSegmentSum', [dRows, embedding.ids, fn.constant([embedding.vocabulary], [], DT_INT32)], { T: F, Tindices: I32, Tnumsegments: I32 });
  }
  return fn.one('BiasAddGrad', [dxpRows], { T: F, data_format: { s: 'NHWC' } });
}

/** The Embedding in front of a recurrent layer: its weight, the ids it gathered, its vocabulary. */
interface EmbeddingInput {
  readonly weight: Weight;
  readonly ids: Ref;
  readonly vocabulary: number;
}

/**
 * Keras's LSTM over the projected steps: with z = xp + h·U split into i, f, c, o,
 * i, f, o = σ(·), c̃ = tanh(z_c), c' = f·c + i·c̃, h' = o·tanh(c'); backward through time.
 */
function lstmSteps(
  fn: FunctionDefBuilder,
  rnn: GruPlan,
  rows: Ref,
  embedding: EmbeddingInput | null,
  w: { kernel: Weight; recurrent: Weight; bias: Weight },
  xpSteps: Ref[],
): { h: Ref; backward: (dh: Ref) => void } {
  const u = rnn.units;
  const T = xpSteps.length;
  const mm = (a: Ref, b: Ref, tb = false): Ref => matMul(fn, a, b, false, tb);
  const op = (name: 'AddV2' | 'Mul' | 'Sub', a: Ref, b: Ref): Ref => binary(fn, name, a, b);
  const axis0 = fn.constant([0], [], DT_INT32);
  const axis1 = fn.constant([1], [], DT_INT32);
  const sizes = fn.constant([2 * u, u, u], [3], DT_INT32);
  interface Saved {
    h: Ref;
    c: Ref;
    ifg: Ref;
    i: Ref;
    f: Ref;
    g: Ref;
    o: Ref;
    tc: Ref;
  }
  const saved: Saved[] = [];
  let h: Ref | null = null;
  let c: Ref | null = null;
  for (let t = 0; t < T; t++) {
    const xpT = xpSteps[t] as Ref;
    const z = h ? op('AddV2', xpT, mm(h, w.recurrent.value)) : xpT;
    const [zif, zg, zo] = fn.list('SplitV', [z, sizes, axis1], { num_split: { i: 3 }, T: F, Tlen: I32 }, 3) as [Ref, Ref, Ref];
    const ifg = fn.one('Sigmoid', [zif], { T: F });
    const [i, f] = fn.list('Split', [axis1, ifg], { num_split: { i: 2 }, T: F }, 2) as [Ref, Ref];
    const g = fn.one('Tanh', [zg], { T: F });
    const o = fn.one('Sigmoid', [zo], { T: F });
    const hPrev = h ?? fn.one('ZerosLike', [o], { T: F });
    const cPrev = c ?? hPrev;
    c = c ? op('AddV2', op('Mul', f, c), op('Mul', i, g)) : op('Mul', i, g);
    const tc = fn.one('Tanh', [c], { T: F });
    h = op('Mul', o, tc);
    saved.push({ h: hPrev, c: cPrev, ifg, i, f, g, o, tc });
  }
  const backward = (dhLast: Ref): void => {
    let dh = dhLast;
    let dc: Ref | null = null;
    const dz: Ref[] = [];
    for (let t = T - 1; t >= 0; t--) {
      const s = saved[t] as Saved;
      const dO = fn.one('SigmoidGrad', [s.o, op('Mul', dh, s.tc)], { T: F });
      const fromH = fn.one('TanhGrad', [s.tc, op('Mul', dh, s.o)], { T: F });
      const dcT: Ref = dc ? op('AddV2', dc, fromH) : fromH;
      const dif = fn.one('SigmoidGrad', [s.ifg, concat(fn, [op('Mul', dcT, s.g), op('Mul', dcT, s.c)], axis1)], { T: F });
      const dg = fn.one('TanhGrad', [s.g, op('Mul', dcT, s.i)], { T: F });
      const dzT = concat(fn, [dif, dg, dO], axis1);
      dz[t] = dzT;
      if (t > 0) {
        dc = op('Mul', dcT, s.f);
        dh = mm(dzT, w.recurrent.value, true);
      }
    }
    // U over all steps at once (h₀ = 0 adds nothing); W, b and the Embedding from the same dz.
    const hAll = concat(fn, saved.slice(1).map((s) => s.h), axis0);
    const dzLater = concat(fn, dz.slice(1), axis0);
    w.recurrent.grad = T > 1 ? fn.one('MatMul', [hAll, dzLater], { T: F, transpose_a: { b: true }, transpose_b: { b: false } }) : fn.one('ZerosLike', [w.recurrent.value], { T: F });
    w.bias.grad = inputGradients(fn, rnn, rows, embedding, w.kernel, dz);
  };
  return { h: h as Ref, backward };
}

function activate(fn: FunctionDefBuilder, activation: DenseActivation | 'softmax', z: Ref): Ref {
  switch (activation) {
    case 'relu':
      return fn.one('Relu', [z], { T: { type: DT_FLOAT } });
    case 'sigmoid':
      return fn.one('Sigmoid', [z], { T: { type: DT_FLOAT } });
    case 'tanh':
      return fn.one('Tanh', [z], { T: { type: DT_FLOAT } });
    case 'linear':
    case 'softmax':
      return z;
  }
}

/** dL/dz from dL/da, with a = act(z) given (ReLU's gradient only needs where a > 0). */
function activationGrad(fn: FunctionDefBuilder, activation: DenseActivation | 'softmax', a: Ref, da: Ref): Ref {
  switch (activation) {
    case 'relu':
      return fn.one('ReluGrad', [da, a], { T: { type: DT_FLOAT } });
    case 'sigmoid':
      return fn.one('SigmoidGrad', [a, da], { T: { type: DT_FLOAT } });
    case 'tanh':
      return fn.one('TanhGrad', [a, da], { T: { type: DT_FLOAT } });
    case 'linear':
    case 'softmax':
      return da;
  }
}

interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number | null;
  iterations: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  incrementIterations(): void;
}

interface NodeBackend {
  binding: TfBinding & { addFunctionDef?: (bytes: Uint8Array) => void };
  backend: { getInputTensorIds(tensors: tf.Tensor[]): number[]; createOutputTensor(meta: { id: number; shape: number[]; dtype: number }): tf.Tensor };
}

let functionCounter = 0;

/** A compiled step for one model and its Adam optimizer; `run` is trainOnBatch for it. */
export class CompiledTrainStep {
  private readonly variables: tf.Variable[];
  private readonly fnName: string;
  private readonly outputs: number;

  private constructor(
    private readonly node: NodeBackend,
    private readonly optimizer: NativeAdamOptimizer,
    plan: ChainPlan,
    order: readonly tf.LayerVariable[],
    private readonly withAccuracy: boolean,
  ) {
    const o = optimizer as unknown as AdamInternals;
    this.fnName = `netwright_dense_step_${process.pid}_${functionCounter++}`;
    const { bytes, outputs } = buildStepFunction(this.fnName, plan, o.beta1, o.beta2, withAccuracy);
    this.outputs = outputs;
    const addFunctionDef = node.binding.addFunctionDef;
    if (typeof addFunctionDef !== 'function') throw new Error('the native add-on predates compiled steps (run netwright setup native again)');
    addFunctionDef.call(node.binding, bytes);
    const planned = planWeights(plan);
    this.variables = planned.map((lv) => lv.read() as tf.Variable);
    // Adam's moments belong to the optimizer, by the index of the weight in trainOnBatch's order.
    this.momentIndex = planned.map((lv) => order.indexOf(lv));
    if (this.momentIndex.some((i) => i < 0) || order.length !== planned.length) throw new Error('the trainable weights are not the chain\'s');
  }

  private readonly momentIndex: number[];

  /**
   * The step for a compiled model, or why it cannot have one: the native backend with the
   * patched binding, plain Adam (not AdamW), categorical cross-entropy on one-hot targets and a
   * Dense chain (planChain).
   */
  static create(model: tf.LayersModel, options: { loss: string; withAccuracy: boolean }): CompiledTrainStep | string {
    const node = nodeBackend() as NodeBackend | null;
    if (!node) return 'not the native backend';
    if (typeof node.binding.addFunctionDef !== 'function') return 'the native add-on predates compiled steps (run netwright setup native again)';
    if (options.loss !== 'categoricalCrossentropy') return `the loss is ${options.loss}`;
    const optimizer = model.optimizer;
    if (!(optimizer instanceof NativeAdamOptimizer) || (optimizer.constructor as { className?: string }).className !== 'Adam') return 'the optimizer is not Adam';
    const plan = planChain(model);
    if (typeof plan === 'string') return plan;
    const compiled = (model instanceof tf.Sequential ? (model as unknown as { model: tf.LayersModel }).model : model) as unknown as { collectedTrainableWeights?: tf.LayerVariable[] };
    const order = compiled.collectedTrainableWeights;
    if (!order) return 'the model is not compiled';
    try {
      return new CompiledTrainStep(node, optimizer, plan, order, options.withAccuracy);
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  /** One step on a batch: [loss] or [loss, accuracy], as trainOnBatch returns them. */
  run(x: tf.Tensor, y: tf.Tensor): number[] {
    const { binding, backend } = this.node;
    const o = this.optimizer as unknown as AdamInternals;
    const t = o.iterations + 1;
    const b2Power = o.beta2 ** t;
    const lrT = (o.learningRate * Math.sqrt(1 - b2Power)) / (1 - o.beta1 ** t);
    const epsT = (o.epsilon ?? 1e-7) * Math.sqrt(1 - b2Power);
    const batch = x.shape[0] ?? 1;
    const moments = this.momentIndex.map((i, k) => {
      const v = this.variables[k] as tf.Variable;
      const m1 = (o.accumulatedFirstMoment[i] ??= { originalName: `${v.name}/m`, variable: tf.tidy(() => tf.zerosLike(v).variable(false)) }).variable;
      const m2 = (o.accumulatedSecondMoment[i] ??= { originalName: `${v.name}/v`, variable: tf.tidy(() => tf.zerosLike(v).variable(false)) }).variable;
      return [m1, m2] as const;
    });
    // Weights, first moments, second moments: the function's state inputs and outputs, in order.
    const state = [...this.variables, ...moments.map((m) => m[0]), ...moments.map((m) => m[1])];
    const scalars = [lrT, epsT, 1 / batch].map((s) => binding.createTensor([], binding.TF_FLOAT, Float32Array.of(s)));
    let metas: { id: number; shape: number[]; dtype: number }[];
    try {
      const ids = [...backend.getInputTensorIds([x, y]), ...scalars, ...backend.getInputTensorIds(state)];
      metas = binding.executeOp(this.fnName, [], ids, this.outputs);
    } finally {
      for (const id of scalars) binding.deleteTensor(id);
    }
    const metrics = metas.slice(0, this.withAccuracy ? 2 : 1).map((m) => {
      const value = (binding.tensorDataSync(m.id) as Float32Array)[0] as number;
      binding.deleteTensor(m.id);
      return value;
    });
    const rest = metas.slice(metrics.length);
    const n = this.variables.length;
    rest.forEach((meta, k) => {
      const next = backend.createOutputTensor(meta);
      (state[k] as tf.Variable).assign(next);
      next.dispose();
    });
    if (rest.length !== 3 * n) throw new Error('The compiled step returned the wrong number of tensors.');
    tf.tidy(() => {
      o.accBeta1.assign(tf.scalar(o.beta1 ** (t + 1)));
      o.accBeta2.assign(tf.scalar(o.beta2 ** (t + 1)));
    });
    o.incrementIterations();
    return metrics;
  }
}
