import * as tf from '@tensorflow/tfjs';
import { NativeOps } from '../native-ops';
import { nodeBackend, TF_ATTR_STRING, type TfBinding, type TfOpAttr } from './native-binding';

/**
 * Kernels for the native `tensorflow` backend where tfjs-node composes a stock kernel out of
 * many tfjs ops. Each runs its TensorFlow ops straight on the binding (intermediates never become
 * tfjs tensors) and hands back one output tensor. Anything they do not cover goes to the stock
 * kernel, passed in as `stock`.
 */

type KernelFunc = tf.KernelConfig['kernelFunc'];
type KernelArgs = Parameters<KernelFunc>[0];

/**
 * Step(x) with alpha 0 (the gradient of ReLU and of fused ReLU layers): tfjs-node builds it from
 * isNaN, greater, ones, fill and two selects, writing five full-size tensors, several of them
 * filled in JavaScript (a [64, 26, 26, 16] step took ~45 ms against ~0.5 ms here). TensorFlow's
 * Sign(Relu(x)) is the same function, NaN included (Relu and Sign keep NaN).
 */
export function makeNativeStep(stock: KernelFunc): KernelFunc {
  return (args: KernelArgs) => {
    const x = args.inputs['x'] as tf.TensorInfo | undefined;
    const alpha = Number((args.attrs as { alpha?: number } | undefined)?.alpha ?? 0);
    if (!x || alpha !== 0 || x.dtype !== 'float32') return stock(args);
    return NativeOps.run((ops) => ops.op('Sign', [ops.op('Relu', ops.ids([x as tf.Tensor]))])) ?? stock(args);
  };
}

/** Whether oneDNN's max-pool kernels ran here (null: not tried yet; false: refused, stock from then on). */
let oneDnnPool: boolean | null = null;

/**
 * MaxPoolGrad through oneDNN: TensorFlow's own CPU MaxPoolGrad (what tfjs-node runs) recomputes
 * each window's argmax in a slow generic loop (~3.5 ms for a [64, 26, 26, 16] input, the larger
 * part of a small CNN's training step). oneDNN's pooling, which TensorFlow's graph mode uses
 * on x86 (`_MklNativeMaxPool` with a workspace, then `_MklNativeMaxPoolGrad`), gives the same
 * gradient, ties included, several times faster. The ops are picked by their kernel label, as
 * TensorFlow's own graph rewrite does; a TensorFlow built without oneDNN refuses them, and the
 * stock kernel runs from then on.
 */
export function makeNativeMaxPoolGrad(stock: KernelFunc): KernelFunc {
  return (args: KernelArgs) => {
    const { dy, input } = args.inputs as { dy?: tf.TensorInfo; input?: tf.TensorInfo };
    const plan = oneDnnPoolPlan(input, args.attrs);
    if (!plan || !dy) return stock(args);
    const { binding, backend, attrs } = plan;
    const [x, g] = backend.getInputTensorIds([input as tf.Tensor, dy as tf.Tensor]) as [number, number];
    return withOneDnn(stock, args, binding, (made) => {
      const [y, workspace] = binding.executeOp('_MklNativeMaxPool', attrs(true), [x], 2);
      if (!y || !workspace) throw new Error('_MklNativeMaxPool returned nothing.');
      made.push(y.id, workspace.id);
      const [out] = binding.executeOp('_MklNativeMaxPoolGrad', attrs(true), [x, y.id, g, workspace.id], 1);
      if (!out) throw new Error('_MklNativeMaxPoolGrad returned nothing.');
      return backend.createOutputTensor(out);
    });
  };
}

/** MaxPool through oneDNN (no workspace): the same maxima as TensorFlow's MaxPool, ~2.5x faster. */
export function makeNativeMaxPool(stock: KernelFunc): KernelFunc {
  return (args: KernelArgs) => {
    const { x: input } = args.inputs as { x?: tf.TensorInfo };
    const plan = oneDnnPoolPlan(input, args.attrs);
    if (!plan) return stock(args);
    const { binding, backend, attrs } = plan;
    const [x] = backend.getInputTensorIds([input as tf.Tensor]) as [number];
    return withOneDnn(stock, args, binding, (made) => {
      const [y, workspace] = binding.executeOp('_MklNativeMaxPool', attrs(false), [x], 2);
      if (!y || !workspace) throw new Error('_MklNativeMaxPool returned nothing.');
      made.push(workspace.id);
      return backend.createOutputTensor(y);
    });
  };
}

/** The oneDNN pooling attributes for a float32 NHWC max pool with tfjs's attrs, or null where stock must run. */
function oneDnnPoolPlan(input: tf.TensorInfo | undefined, rawAttrs: unknown) {
  const attrs = (rawAttrs ?? {}) as { filterSize?: number | number[]; strides?: number | number[]; pad?: unknown; dimRoundingMode?: unknown };
  const node = nodeBackend();
  const pad = attrs.pad === 'valid' ? 'VALID' : attrs.pad === 'same' ? 'SAME' : null;
  if (oneDnnPool === false || !node || !input || !pad || attrs.dimRoundingMode != null || input.dtype !== 'float32' || input.shape.length !== 4) return null;
  const pair = (v: number | number[] | undefined): [number, number] => (Array.isArray(v) ? [v[0] ?? 1, v[1] ?? v[0] ?? 1] : [v ?? 1, v ?? 1]);
  const [fh, fw] = pair(attrs.filterSize);
  const [sh, sw] = pair(attrs.strides);
  const { binding, backend } = node;
  return {
    binding,
    backend,
    attrs: (workspace: boolean): TfOpAttr[] => [
      { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
      { name: 'ksize', type: binding.TF_ATTR_INT, value: [1, fh, fw, 1] },
      { name: 'strides', type: binding.TF_ATTR_INT, value: [1, sh, sw, 1] },
      { name: 'padding', type: TF_ATTR_STRING, value: pad },
      { name: 'data_format', type: TF_ATTR_STRING, value: 'NHWC' },
      { name: 'workspace_enabled', type: binding.TF_ATTR_BOOL, value: workspace },
      { name: '_kernel', type: TF_ATTR_STRING, value: 'MklNameChangeOp' },
    ],
  };
}

/** Runs a oneDNN body; the first refusal turns oneDNN pooling off (stock from then on). Frees `made`. */
function withOneDnn(stock: KernelFunc, args: KernelArgs, binding: TfBinding, body: (made: number[]) => tf.TensorInfo): ReturnType<KernelFunc> {
  const made: number[] = [];
  try {
    const out = body(made);
    oneDnnPool = true;
    return out;
  } catch (error) {
    if (oneDnnPool === true) throw error;
    oneDnnPool = false;
    return stock(args);
  } finally {
    for (const id of made) binding.deleteTensor(id);
  }
}


/** TensorFlow ops for tfjs's fused activations (prelu goes to the stock kernel). */
const FUSED_ACTIVATION_OPS: Readonly<Record<string, string | null>> = {
  linear: null,
  relu: 'Relu',
  relu6: 'Relu6',
  elu: 'Elu',
  sigmoid: 'Sigmoid',
  leakyrelu: 'LeakyRelu',
};

/**
 * _FusedMatMul (a Dense layer: matmul, bias, activation) as one tfjs op: tfjs-node runs it as
 * three or four tfjs ops (matMul, add, the activation), each a trip through the engine; here the
 * same TensorFlow ops (BatchMatMulV2, AddV2, the activation) run back to back on the binding.
 */
export function makeNativeFusedMatMul(stock: KernelFunc): KernelFunc {
  return (args: KernelArgs) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean; activation?: string; leakyreluAlpha?: number };
    const activation = attrs.activation ?? 'linear';
    const actOp = FUSED_ACTIVATION_OPS[activation];
    if (!a || !b || preluActivationWeights || actOp === undefined || a.dtype !== 'float32' || b.dtype !== 'float32' || (bias && bias.dtype !== 'float32')) {
      return stock(args);
    }
    const product = NativeOps.run((ops) => {
      const { binding, T } = ops;
      const [ida, idb, idBias] = ops.ids([a, b, ...(bias ? [bias] : [])] as tf.Tensor[]) as [number, number, number | undefined];
      let out = ops.op('BatchMatMulV2', [ida, idb], [
        T,
        { name: 'adj_x', type: binding.TF_ATTR_BOOL, value: !!attrs.transposeA },
        { name: 'adj_y', type: binding.TF_ATTR_BOOL, value: !!attrs.transposeB },
      ]);
      if (idBias !== undefined) out = ops.op('AddV2', [out, idBias]);
      if (actOp) out = ops.op(actOp, [out], actOp === 'LeakyRelu' ? [T, { name: 'alpha', type: binding.TF_ATTR_FLOAT, value: attrs.leakyreluAlpha ?? 0.2 }] : [T]);
      return out;
    });
    return product ?? stock(args);
  };
}
