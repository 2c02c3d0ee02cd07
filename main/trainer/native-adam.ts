import * as tf from '@tensorflow/tfjs';
import { nodeBackend, TF_ATTR_SHAPE, TF_ATTR_STRING, type TfBinding, type TfOpAttr } from './kernels/native-binding';

type NativeBackend = NonNullable<ReturnType<typeof nodeBackend>>;
type Gradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];
type NamedTensors = Parameters<tf.AdamOptimizer['setWeights']>[0];

/** One weight's TensorFlow resource variables: the weight itself and its two moments. */
interface Slot {
  readonly binding: TfBinding;
  readonly ids: readonly [variable: number, m: number, v: number];
  /** The tfjs dataId the weight resource holds; another one means the weight was set from outside. */
  weightDataId: object | null;
  /** The moment resources must be loaded from the tfjs moment variables (first step, setWeights). */
  momentsFromTfjs: boolean;
}

/**
 * Adam whose update runs as TensorFlow's fused `ResourceApplyAdam` on the native backend: one
 * op and one pass over each weight instead of tfjs's ~14 ops (each a trip through the tfjs
 * engine and a full pass over the weight). The moments live in TensorFlow resource variables
 * between steps and are copied to tfjs's moment variables only when asked for (getWeights:
 * checkpoints, saved optimizer state); a weight set from outside (setWeights, AdamW's decay,
 * restoring the best weights) is noticed by its new data and loaded again. On any other backend,
 * or where the native ops are refused, tfjs's own update runs.
 *
 * The same numbers as tfjs: TensorFlow's kernel computes
 *   var -= lr·sqrt(1-β2ᵗ)/(1-β1ᵗ) · m / (sqrt(v) + ε')
 * and with ε' = ε·sqrt(1-β2ᵗ) that is tfjs's lr · m̂ / (sqrt(v̂) + ε).
 */
export class NativeAdamOptimizer extends tf.AdamOptimizer {
  static override get className(): string {
    return 'Adam';
  }

  /** Resource variables per weight index, made on first use; null once the native path was refused. */
  private slots: (Slot | undefined)[] | null = [];
  /** The tfjs moment variables are behind the resources (a native step ran since the last copy). */
  private momentsInResources = false;

  override applyGradients(variableGradients: Gradients): void {
    const node = nodeBackend();
    if (!node || this.slots === null) {
      super.applyGradients(variableGradients);
      return;
    }
    try {
      this.applyNative(node, variableGradients);
    } catch (error) {
      // The add-on refused an op (an older TensorFlow, a build without resource variables):
      // tfjs's own update from now on, from the moments the resources hold.
      nativeAdamFallback = error instanceof Error ? error.message : String(error);
      this.syncMomentsToTfjs();
      this.releaseSlots();
      this.slots = null;
      super.applyGradients(variableGradients);
    }
  }

  private applyNative({ binding, backend }: NativeBackend, variableGradients: Gradients): void {
    const self = this as unknown as AdamInternals;
    const names = Array.isArray(variableGradients) ? variableGradients.map((g) => g.name) : Object.keys(variableGradients);
    const t = this.iterations + 1;
    const b2Power = this.beta2 ** t;
    const F = binding.TF_FLOAT;
    const eps = (self.epsilon ?? 1e-7) * Math.sqrt(1 - b2Power);
    const scalars = [this.beta1 ** t, b2Power, self.learningRate, this.beta1, this.beta2, eps].map((x) => binding.createTensor([], F, Float32Array.of(x)));
    const dtype: TfOpAttr = { name: 'dtype', type: binding.TF_ATTR_TYPE, value: F };
    const applyAttrs: TfOpAttr[] = [
      { name: 'T', type: binding.TF_ATTR_TYPE, value: F },
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
        const slot = this.slotFor(i, binding, value.shape);
        const [hVar, hM, hV] = slot.ids;
        if (slot.weightDataId !== value.dataId) {
          binding.executeOp('AssignVariableOp', [dtype], [hVar, ...backend.getInputTensorIds([value])], 0);
        }
        if (slot.momentsFromTfjs) {
          const [idM, idV] = backend.getInputTensorIds([m, v]) as [number, number];
          binding.executeOp('AssignVariableOp', [dtype], [hM, idM], 0);
          binding.executeOp('AssignVariableOp', [dtype], [hV, idV], 0);
          slot.momentsFromTfjs = false;
        }
        binding.executeOp('ResourceApplyAdam', applyAttrs, [hVar, hM, hV, ...scalars, ...backend.getInputTensorIds([gradient as tf.Tensor])], 0);
        this.momentsInResources = true;
        // The weight goes back to tfjs for the next forward pass (TensorFlow copies the resource
        // before its next update, since tfjs then holds the same buffer).
        readInto(binding, backend, hVar, value);
        slot.weightDataId = value.dataId;
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

  /** Copies the moments from the resources into tfjs's moment variables (where a native step ran). */
  private syncMomentsToTfjs(): void {
    if (!this.momentsInResources || !this.slots) return;
    const node = nodeBackend();
    if (!node) return;
    const self = this as unknown as AdamInternals;
    this.slots.forEach((slot, i) => {
      const m = self.accumulatedFirstMoment[i]?.variable;
      const v = self.accumulatedSecondMoment[i]?.variable;
      if (!slot || slot.momentsFromTfjs || !m || !v) return;
      readInto(node.binding, node.backend, slot.ids[1], m);
      readInto(node.binding, node.backend, slot.ids[2], v);
    });
    this.momentsInResources = false;
  }

  override async getWeights(): Promise<NamedTensors> {
    this.syncMomentsToTfjs();
    return super.getWeights();
  }

  override async setWeights(weightValues: NamedTensors): Promise<void> {
    await super.setWeights(weightValues);
    for (const slot of this.slots ?? []) if (slot) slot.momentsFromTfjs = true;
    this.momentsInResources = false;
  }

  private slotFor(i: number, binding: TfBinding, shape: number[]): Slot {
    const slots = this.slots ?? [];
    const have = slots[i];
    if (have) return have;
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
    const slot: Slot = { binding, ids: [make(), make(), make()], weightDataId: null, momentsFromTfjs: true };
    slots[i] = slot;
    return slot;
  }

  private releaseSlots(): void {
    for (const slot of this.slots ?? []) {
      if (!slot) continue;
      for (const id of slot.ids) {
        try {
          slot.binding.executeOp('DestroyResourceOp', [{ name: 'ignore_lookup_error', type: slot.binding.TF_ATTR_BOOL, value: true }], [id], 0);
        } catch {
          // Already gone with the backend.
        }
        slot.binding.deleteTensor(id);
      }
    }
    if (this.slots) this.slots = [];
  }

  override dispose(): void {
    this.releaseSlots();
    super.dispose();
  }
}

/** Reads a resource variable into a tfjs variable. */
function readInto(binding: TfBinding, backend: NativeBackend['backend'], handle: number, target: tf.Variable): void {
  const [meta] = binding.executeOp('ReadVariableOp', [{ name: 'dtype', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT }], [handle], 1);
  if (!meta) throw new Error('ReadVariableOp returned nothing.');
  const next = backend.createOutputTensor(meta);
  target.assign(next);
  next.dispose();
}

/** Why the last native Adam fell back to tfjs's update (null while it has not). */
export let nativeAdamFallback: string | null = null;

let handleCounter = 0;

interface AdamInternals {
  learningRate: number;
  epsilon: number | null;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  incrementIterations(): void;
}
