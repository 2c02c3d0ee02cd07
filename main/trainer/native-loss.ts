import * as tf from '@tensorflow/tfjs';
import { TF_BOOL } from './kernels/native-binding';
import { NativeOps } from './native-ops';

/**
 * Categorical cross-entropy per sample, as tfjs-layers computes it (the predictions normalised
 * to sum 1 over the last axis, clipped to [ε, 1-ε], then -Σ y·log p), with its gradient, each
 * as one tfjs op whose TensorFlow ops run straight on the native binding. tfjs-layers' own is
 * ~60 engine ops per training step (forward and backward), most of an MLP step's overhead.
 * On any other backend it is tfjs-layers' function itself.
 */
export function nativeCategoricalCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  if (!NativeOps.open() || yPred.dtype !== 'float32' || yTrue.dtype !== 'float32' || yPred.rank < 1) {
    return tf.metrics.categoricalCrossentropy(yTrue, yPred);
  }
  const eps = tf.backend().epsilon();
  const axis = yPred.rank - 1;
  const forward = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [p, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([p]);
    const value = runNative((ops) => {
      const [t, pid] = ops.ids([yTrue, p]) as [number, number];
      const q = ops.op('RealDiv', [pid, ops.sum(pid, axis, true)]);
      const qc = ops.op('ClipByValue', [q, ops.scalar(eps), ops.scalar(1 - eps)]);
      return ops.op('Neg', [ops.sum(ops.op('Mul', [t, ops.op('Log', [qc])]), axis, false)]);
    });
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [pSaved] = saved as [tf.Tensor];
        return runNative((ops) => {
          const [t, pid, dyId] = ops.ids([yTrue, pSaved, dy]) as [number, number, number];
          const s = ops.sum(pid, axis, true);
          const q = ops.op('RealDiv', [pid, s]);
          const lo = ops.scalar(eps);
          const hi = ops.scalar(1 - eps);
          const qc = ops.op('ClipByValue', [q, lo, hi]);
          // d/dqc of -Σ y·log qc, times dy per sample.
          const dyCol = ops.op('ExpandDims', [dyId, ops.axes([-1])], [ops.T, { name: 'Tdim', type: ops.binding.TF_ATTR_TYPE, value: ops.binding.TF_INT32 }]);
          const dqc = ops.op('Neg', [ops.op('RealDiv', [ops.op('Mul', [t, dyCol]), qc])]);
          // The clip passes the gradient where ε <= q <= 1-ε (tfjs's clipByValue gradient).
          const inside = ops.op('LogicalAnd', [ops.op('GreaterEqual', [q, lo]), ops.op('LessEqual', [q, hi])], []);
          const dq = ops.op('Mul', [dqc, ops.op('Cast', [inside], [
            { name: 'SrcT', type: ops.binding.TF_ATTR_TYPE, value: TF_BOOL },
            { name: 'DstT', type: ops.binding.TF_ATTR_TYPE, value: ops.binding.TF_FLOAT },
            { name: 'Truncate', type: ops.binding.TF_ATTR_BOOL, value: false },
          ])]);
          // q = p / Σp: dp = dq/s - Σ(dq·p)/s².
          const direct = ops.op('RealDiv', [dq, s]);
          const through = ops.op('RealDiv', [ops.sum(ops.op('Mul', [dq, pid]), axis, true), ops.op('Square', [s])]);
          return ops.op('Sub', [direct, through]);
        });
      },
    };
  });
  return forward(yPred);
}

function runNative(body: (ops: NativeOps) => number): tf.Tensor {
  const out = NativeOps.run(body);
  if (!out) throw new Error('The native backend went away mid-step.');
  return out;
}

/**
 * After `model.compile` with a loss name: where training runs on the native backend and the
 * loss is categorical cross-entropy, the model computes it with `nativeCategoricalCrossentropy`.
 * The compiled loss name stays (saved models and their training config are unchanged).
 */
export function useNativeLoss(model: tf.LayersModel, lossName: string): boolean {
  if (lossName !== 'categoricalCrossentropy' || !NativeOps.open()) return false;
  // A Sequential compiles (and trains) the functional model it wraps.
  const wrapped = (model as unknown as { model?: unknown }).model;
  const compiled = (model instanceof tf.Sequential && wrapped ? wrapped : model) as { lossFunctions?: unknown[] };
  if (!Array.isArray(compiled.lossFunctions) || compiled.lossFunctions.length !== 1) return false;
  compiled.lossFunctions = [nativeCategoricalCrossentropy];
  return true;
}
