import * as tf from '@tensorflow/tfjs';
import { nodeBackend, type TfBinding, type TfOpAttr } from './native-binding';

/**
 * Kernels for the native `tensorflow` backend where tfjs-node composes a stock kernel out of
 * many tfjs ops. Each runs its TensorFlow ops straight on the binding (intermediates never become
 * tfjs tensors) and hands back one output tensor. Anything they do not cover goes to the stock
 * kernel, passed in as `stock`.
 */

type KernelFunc = tf.KernelConfig['kernelFunc'];
type KernelArgs = Parameters<KernelFunc>[0];

/** Runs ops one after another on the binding: each step gets the previous output's id. */
function chain(binding: TfBinding, first: number[], steps: readonly { op: string; attrs: TfOpAttr[]; extra?: number[] }[]) {
  let ids = first;
  let owned: number | null = null;
  let last: { id: number; shape: number[]; dtype: number } | null = null;
  for (const step of steps) {
    const [out] = binding.executeOp(step.op, step.attrs, [...ids, ...(step.extra ?? [])], 1);
    if (owned !== null) binding.deleteTensor(owned);
    if (!out) throw new Error(`${step.op} returned nothing.`);
    last = out;
    owned = out.id;
    ids = [out.id];
  }
  if (!last) throw new Error('No op to run.');
  return last;
}

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
    const node = nodeBackend();
    if (!x || alpha !== 0 || x.dtype !== 'float32' || !node) return stock(args);
    const { binding, backend } = node;
    const T = { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT };
    const ids = backend.getInputTensorIds([x as tf.Tensor]);
    const out = chain(binding, ids, [
      { op: 'Relu', attrs: [T] },
      { op: 'Sign', attrs: [T] },
    ]);
    return backend.createOutputTensor(out);
  };
}
