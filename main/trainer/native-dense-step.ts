import * as tf from '@tensorflow/tfjs';
import { NativeAdamOptimizer } from './native-adam';
import { nodeBackend, type TfBinding } from './kernels/native-binding';
import { DT_FLOAT, DT_INT32, FunctionDefBuilder, type Ref } from './native/function-def';

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

export interface DenseChainPlan {
  /** Values per sample the first Dense takes (the model's input flattened). */
  readonly inputSize: number;
  readonly inputRank: number;
  readonly layers: readonly DenseLayerPlan[];
}

interface LayerLike {
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  trainable: boolean;
  name: string;
  inboundNodes: { inboundLayers: unknown[] }[];
  input: tf.SymbolicTensor | tf.SymbolicTensor[];
  kernel?: tf.LayerVariable;
  bias?: tf.LayerVariable | null;
}

/**
 * The model as a plain chain of Dense layers (optionally after Flatten), ending in a softmax
 * Dense, with nothing a hand-written step would miss (regularizers, constraints, frozen layers);
 * or why not.
 */
export function planDenseChain(model: tf.LayersModel): DenseChainPlan | string {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return 'the model has more than one input or output';
  const inputShape = model.inputs[0]?.shape.slice(1) ?? [];
  if (inputShape.some((d) => d === null)) return 'the input has a free dimension';
  const layers: DenseLayerPlan[] = [];
  let prev: unknown = null;
  let flat = inputShape.length === 1;
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
    if (cls === 'Flatten') {
      if (layers.length > 0) return 'a Flatten after a Dense';
      flat = true;
      continue;
    }
    if (cls !== 'Dense') return `it has a ${cls} layer`;
    if (!flat) return 'the first Dense does not take a flat input';
    if (!raw.trainable) return `${raw.name} is frozen`;
    for (const key of ['kernelRegularizer', 'biasRegularizer', 'activityRegularizer', 'kernelConstraint', 'biasConstraint']) {
      if (config[key] !== null && config[key] !== undefined) return `${raw.name} has a ${key}`;
    }
    const activation = String(config['activation'] ?? 'linear');
    if (!raw.kernel) return `${raw.name} has no kernel`;
    layers.push({ name: raw.name, kernel: raw.kernel, bias: raw.bias ?? null, activation: activation as DenseActivation | 'softmax' });
  }
  const last = layers[layers.length - 1];
  if (!last) return 'it has no Dense layer';
  if (last.activation !== 'softmax') return 'the last Dense is not softmax';
  for (const layer of layers.slice(0, -1)) if (!HIDDEN_ACTIVATIONS.has(layer.activation)) return `${layer.name} uses ${layer.activation}`;
  const inputSize = inputShape.reduce<number>((a, b) => a * (b as number), 1);
  if (layers[0]?.kernel.shape[0] !== inputSize) return 'the first Dense does not take the whole input';
  return { inputSize, inputRank: inputShape.length, layers };
}

/** The FunctionDef of one step; inputs x, y, lr_t, eps_t, inv_b, then weights, first moments, second moments. */
export function buildDenseStepFunction(name: string, plan: DenseChainPlan, beta1: number, beta2: number, withAccuracy: boolean): { bytes: Uint8Array; outputs: number } {
  const fn = new FunctionDefBuilder(name);
  const F = { type: DT_FLOAT } as const;
  const x0 = fn.input('x');
  const y = fn.input('y');
  const lrT = fn.input('lr_t');
  const epsT = fn.input('eps_t');
  const invB = fn.input('inv_b');
  interface Weight {
    value: Ref;
    m?: Ref;
    v?: Ref;
    grad?: Ref;
  }
  const weights: Weight[] = [];
  const layerVars = plan.layers.map((layer, i) => {
    const kernel: Weight = { value: fn.input(`w${i}`) };
    weights.push(kernel);
    let bias: Weight | null = null;
    if (layer.bias) {
      bias = { value: fn.input(`b${i}`) };
      weights.push(bias);
    }
    return { kernel, bias };
  });
  weights.forEach((w, i) => (w.m = fn.input(`m${i}`)));
  weights.forEach((w, i) => (w.v = fn.input(`v${i}`)));

  const x = plan.inputRank > 1 ? fn.one('Reshape', [x0, fn.constant([-1, plan.inputSize], [2], DT_INT32)], { T: F, Tshape: { type: DT_INT32 } }) : x0;
  // Forward: each layer's input and output (after activation; the last layer's logits).
  const acts: Ref[] = [x];
  plan.layers.forEach((layer, i) => {
    const { kernel, bias } = layerVars[i] as (typeof layerVars)[number];
    let z = fn.one('MatMul', [acts[i] as Ref, kernel.value], { T: F, transpose_a: { b: false }, transpose_b: { b: false } });
    if (bias) z = fn.one('BiasAdd', [z, bias.value], { T: F, data_format: { s: 'NHWC' } });
    acts.push(activate(fn, layer.activation, z));
  });
  const logits = acts[acts.length - 1] as Ref;
  const [lossVec, backprop] = fn.op('SoftmaxCrossEntropyWithLogits', [logits, y], { T: F }) as [Ref, Ref];
  const axis0 = fn.constant([0], [1], DT_INT32);
  const loss = fn.one('Mean', [lossVec, axis0], { T: F, Tidx: { type: DT_INT32 }, keep_dims: { b: false } });

  // Backward.
  let dz = fn.one('Mul', [backprop, invB], { T: F });
  for (let i = plan.layers.length - 1; i >= 0; i--) {
    const { kernel, bias } = layerVars[i] as (typeof layerVars)[number];
    kernel.grad = fn.one('MatMul', [acts[i] as Ref, dz], { T: F, transpose_a: { b: true }, transpose_b: { b: false } });
    if (bias) bias.grad = fn.one('BiasAddGrad', [dz], { T: F, data_format: { s: 'NHWC' } });
    if (i > 0) {
      const da = fn.one('MatMul', [dz, kernel.value], { T: F, transpose_a: { b: false }, transpose_b: { b: true } });
      dz = activationGrad(fn, (plan.layers[i - 1] as DenseLayerPlan).activation, acts[i] as Ref, da);
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
    const argmax = (t: Ref): Ref => fn.one('ArgMax', [t, fn.constant([1], [], DT_INT32)], { T: F, Tidx: { type: DT_INT32 }, output_type: { type: DT_INT32 } });
    const hit = fn.one('Equal', [argmax(logits), argmax(y)], { T: { type: DT_INT32 }, incompatible_shape_error: { b: true } });
    const hitF = fn.one('Cast', [hit], { SrcT: { type: 10 }, DstT: F, Truncate: { b: false } });
    fn.output('accuracy', fn.one('Mean', [hitF, axis0], { T: F, Tidx: { type: DT_INT32 }, keep_dims: { b: false } }));
    outputs++;
  }
  updated.forEach((u, i) => fn.output(`new_w${i}`, u.w));
  updated.forEach((u, i) => fn.output(`new_m${i}`, u.m));
  updated.forEach((u, i) => fn.output(`new_v${i}`, u.v));
  return { bytes: fn.toBytes(), outputs: outputs + 3 * updated.length };
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
export class DenseTrainStep {
  private readonly variables: tf.Variable[];
  private readonly fnName: string;
  private readonly outputs: number;

  private constructor(
    private readonly node: NodeBackend,
    private readonly optimizer: NativeAdamOptimizer,
    plan: DenseChainPlan,
    order: readonly tf.LayerVariable[],
    private readonly withAccuracy: boolean,
  ) {
    const o = optimizer as unknown as AdamInternals;
    this.fnName = `netwright_dense_step_${process.pid}_${functionCounter++}`;
    const { bytes, outputs } = buildDenseStepFunction(this.fnName, plan, o.beta1, o.beta2, withAccuracy);
    this.outputs = outputs;
    const addFunctionDef = node.binding.addFunctionDef;
    if (typeof addFunctionDef !== 'function') throw new Error('the native add-on predates compiled steps (run netwright setup native again)');
    addFunctionDef.call(node.binding, bytes);
    // Weights in the function's order: per layer its kernel, then its bias.
    const planned = plan.layers.flatMap((l) => (l.bias ? [l.kernel, l.bias] : [l.kernel]));
    this.variables = planned.map((lv) => lv.read() as tf.Variable);
    // Adam's moments belong to the optimizer, by the index of the weight in trainOnBatch's order.
    this.momentIndex = planned.map((lv) => order.indexOf(lv));
    if (this.momentIndex.some((i) => i < 0) || order.length !== planned.length) throw new Error('the trainable weights are not the chain\'s');
  }

  private readonly momentIndex: number[];

  /**
   * The step for a compiled model, or why it cannot have one: the native backend with the
   * patched binding, plain Adam (not AdamW), categorical cross-entropy on one-hot targets and a
   * Dense chain (planDenseChain).
   */
  static create(model: tf.LayersModel, options: { loss: string; withAccuracy: boolean }): DenseTrainStep | string {
    const node = nodeBackend() as NodeBackend | null;
    if (!node) return 'not the native backend';
    if (typeof node.binding.addFunctionDef !== 'function') return 'the native add-on predates compiled steps (run netwright setup native again)';
    if (options.loss !== 'categoricalCrossentropy') return `the loss is ${options.loss}`;
    const optimizer = model.optimizer;
    if (!(optimizer instanceof NativeAdamOptimizer) || (optimizer.constructor as { className?: string }).className !== 'Adam') return 'the optimizer is not Adam';
    const plan = planDenseChain(model);
    if (typeof plan === 'string') return plan;
    const compiled = (model instanceof tf.Sequential ? (model as unknown as { model: tf.LayersModel }).model : model) as unknown as { collectedTrainableWeights?: tf.LayerVariable[] };
    const order = compiled.collectedTrainableWeights;
    if (!order) return 'the model is not compiled';
    try {
      return new DenseTrainStep(node, optimizer, plan, order, options.withAccuracy);
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
    const scalars = [lrT, epsT, 1 / batch].map((s) => binding.createTensor([], binding.TF_FLOAT, Float32Array.of(s)));
    let metas: { id: number; shape: number[]; dtype: number }[];
    try {
      const ids = [...backend.getInputTensorIds([x, y]), ...scalars, ...backend.getInputTensorIds([...this.variables, ...moments.map((m) => m[0]), ...moments.map((m) => m[1])])];
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
    const targets = [...this.variables, ...moments.map((m) => m[0]), ...moments.map((m) => m[1])];
    rest.forEach((meta, k) => {
      const next = backend.createOutputTensor(meta);
      (targets[k] as tf.Variable).assign(next);
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
