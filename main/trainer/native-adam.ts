import * as tf from '@tensorflow/tfjs';
import { nodeBackend, type TfBinding, type TfOpAttr } from './kernels/native-binding';

/**
 * Adam whose update runs as TensorFlow's fused `ResourceApplyAdam` on the native backend: one
 * pass over each weight instead of tfjs's ~14 ops (each a trip through the tfjs engine, and a
 * full pass over the weight). Everything else is tfjs's `AdamOptimizer`: the moments stay tfjs
 * variables (so getWeights/setWeights, checkpoints and the learning rate changed mid-run work as
 * before), and on any other backend, or where the native ops are refused, tfjs's own update runs.
 *
 * The same numbers as tfjs: TensorFlow's kernel computes
 *   var -= lr·sqrt(1-β2ᵗ)/(1-β1ᵗ) · m / (sqrt(v) + ε')
 * and with ε' = ε·sqrt(1-β2ᵗ) that is tfjs's lr · m̂ / (sqrt(v̂) + ε).
 */
export class NativeAdamOptimizer extends tf.AdamOptimizer {
  static override get className(): string {
    return 'Adam';
  }

  /** Resource handles (var, m, v) per weight index, made on first use; null once refused. */
  private handles: ({ binding: TfBinding; ids: [number, number, number] } | undefined)[] | null = [];

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    const node = nodeBackend();
    if (!node || this.handles === null) {
      super.applyGradients(variableGradients);
      return;
    }
    try {
      this.applyNative(node, variableGradients);
    } catch (error) {
      // The add-on refused an op (an older TensorFlow, a build without resource variables):
      // tfjs's own update from now on. Nothing was assigned for the failing weight.
      this.releaseHandles();
      this.handles = null;
      nativeAdamFallback = error instanceof Error ? error.message : String(error);
      super.applyGradients(variableGradients);
    }
  }

  private applyNative(node: NonNullable<ReturnType<typeof nodeBackend>>, variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    const { binding, backend } = node;
    const self = this as unknown as AdamInternals;
    const names = Array.isArray(variableGradients) ? variableGradients.map((g) => g.name) : Object.keys(variableGradients);
    const t = this.iterations + 1;
    const b1Power = this.beta1 ** t;
    const b2Power = this.beta2 ** t;
    const lr = self.learningRate;
    const eps = (self.epsilon ?? 1e-7) * Math.sqrt(1 - b2Power);
    const F = binding.TF_FLOAT;
    const scalars = [b1Power, b2Power, lr, this.beta1, this.beta2, eps].map((x) => binding.createTensor([], F, Float32Array.of(x)));
    const T: TfOpAttr = { name: 'T', type: binding.TF_ATTR_TYPE, value: F };
    const dtype: TfOpAttr = { name: 'dtype', type: binding.TF_ATTR_TYPE, value: F };
    const applyAttrs: TfOpAttr[] = [
      T,
      { name: 'use_locking', type: binding.TF_ATTR_BOOL, value: false },
      { name: 'use_nesterov', type: binding.TF_ATTR_BOOL, value: false },
    ];
    try {
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        const gradient = Array.isArray(variableGradients) ? variableGradients[i]?.tensor : variableGradients[name];
        if (!value) return;
        const m = (self.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) }).variable;
        const v = (self.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) }).variable;
        if (!gradient) return;
        const [hVar, hM, hV] = this.handlesFor(i, binding, value.shape);
        const [idVar, idM, idV, idG] = backend.getInputTensorIds([value, m, v, gradient as tf.Tensor]) as [number, number, number, number];
        binding.executeOp('AssignVariableOp', [dtype], [hVar, idVar], 0);
        binding.executeOp('AssignVariableOp', [dtype], [hM, idM], 0);
        binding.executeOp('AssignVariableOp', [dtype], [hV, idV], 0);
        binding.executeOp('ResourceApplyAdam', applyAttrs, [hVar, hM, hV, ...scalars, idG], 0);
        for (const [handle, target] of [
          [hVar, value],
          [hM, m],
          [hV, v],
        ] as const) {
          const [meta] = binding.executeOp('ReadVariableOp', [dtype], [handle], 1);
          if (!meta) throw new Error('ReadVariableOp returned nothing.');
          const next = backend.createOutputTensor(meta);
          target.assign(next);
          next.dispose();
        }
      });
    } finally {
      for (const id of scalars) binding.deleteTensor(id);
    }
    tf.tidy(() => {
      self.accBeta1.assign(tf.scalar(this.beta1 ** (t + 1)));
      self.accBeta2.assign(tf.scalar(this.beta2 ** (t + 1)));
    });
    self.incrementIterations();
  }

  private handlesFor(i: number, binding: TfBinding, shape: number[]): [number, number, number] {
    const handles = this.handles ?? [];
    const have = handles[i];
    if (have) return have.ids;
    const make = (): number => {
      const [meta] = binding.executeOp(
        'VarHandleOp',
        [
          { name: 'dtype', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
          { name: 'shape', type: TF_ATTR_SHAPE, value: shape },
          { name: 'container', type: TF_ATTR_STRING, value: '' },
          { name: 'shared_name', type: TF_ATTR_STRING, value: `netwright_adam_${process.pid}_${handleCounter++}` },
        ],
        [],
        1,
      );
      if (!meta) throw new Error('VarHandleOp returned nothing.');
      return meta.id;
    };
    const ids: [number, number, number] = [make(), make(), make()];
    handles[i] = { binding, ids };
    return ids;
  }

  private releaseHandles(): void {
    for (const h of this.handles ?? []) {
      if (!h) continue;
      for (const id of h.ids) {
        try {
          h.binding.executeOp('DestroyResourceOp', [{ name: 'ignore_lookup_error', type: h.binding.TF_ATTR_BOOL, value: true }], [id], 0);
        } catch {
          // Already gone with the backend.
        }
        h.binding.deleteTensor(id);
      }
    }
    this.handles = [];
  }

  override dispose(): void {
    this.releaseHandles();
    super.dispose();
  }
}

/** Why the last native Adam fell back to tfjs's update (null while it has not). */
export let nativeAdamFallback: string | null = null;

let handleCounter = 0;
// TF_AttrType values from tensorflow/c/c_api.h (the binding does not export these two).
const TF_ATTR_STRING = 0;
const TF_ATTR_SHAPE = 5;

interface AdamInternals {
  learningRate: number;
  epsilon: number | null;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  incrementIterations(): void;
}
