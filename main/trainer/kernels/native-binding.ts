import * as tf from '@tensorflow/tfjs';

/**
 * The TensorFlow C API as tfjs-node's N-API binding exposes it (the `tensorflow` backend's
 * `binding`): eager ops by name on tensor handles, without tfjs's engine in between.
 */
export interface TfBinding {
  createTensor(shape: number[], dtype: number, values: Float32Array | Int32Array | Uint8Array): number;
  deleteTensor(id: number): void;
  tensorDataSync(id: number): Float32Array | Int32Array | Uint8Array;
  executeOp(name: string, attrs: TfOpAttr[], inputs: number[], numOutputs: number): { id: number; shape: number[]; dtype: number }[];
  isUsingGpuDevice(): boolean;
  readonly TF_FLOAT: number;
  readonly TF_INT32: number;
  readonly TF_INT64: number;
  readonly TF_ATTR_TYPE: number;
  readonly TF_ATTR_BOOL: number;
  readonly TF_ATTR_FLOAT: number;
  readonly TF_ATTR_INT: number;
  readonly TF_Version: string;
}

export interface TfOpAttr {
  name: string;
  type: number;
  value: boolean | number | string | number[];
}

/** C API values tfjs-node's binding does not export (tensorflow/c/c_api.h, tf_datatype.h). */
export const TF_ATTR_STRING = 0;
export const TF_ATTR_SHAPE = 5;
export const TF_BOOL = 10;

/** The binding of a tfjs-node backend, or null for any other backend. */
export function bindingOf(backend: tf.KernelBackend | null = tf.backend()): TfBinding | null {
  const b = (backend as unknown as { binding?: Partial<TfBinding> } | null)?.binding;
  return b && typeof b.executeOp === 'function' && typeof b.createTensor === 'function' ? (b as TfBinding) : null;
}

/**
 * a[B, K] · w[K, n] per step for the fused RNN loops: w stays a TensorFlow tensor, a goes in
 * and the product comes out as typed arrays (three binding calls, no tfjs tensors).
 */
export class NativeStepProduct {
  private readonly w: number;
  private readonly attrs: TfOpAttr[];

  constructor(
    private readonly binding: TfBinding,
    weights: Float32Array,
    private readonly B: number,
    private readonly K: number,
    readonly n: number,
  ) {
    this.w = binding.createTensor([K, n], binding.TF_FLOAT, weights);
    this.attrs = [
      { name: 'transpose_a', type: binding.TF_ATTR_BOOL, value: false },
      { name: 'transpose_b', type: binding.TF_ATTR_BOOL, value: false },
      { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
    ];
  }

  /** out[outOff + b·outStride + j] += (a · w)[b, j]. */
  addInto(a: Float32Array, out: Float32Array, outOff: number, outStride: number): void {
    const { binding, B, K, n } = this;
    const ta = binding.createTensor([B, K], binding.TF_FLOAT, a.length === B * K ? a : a.subarray(0, B * K));
    const [meta] = binding.executeOp('MatMul', this.attrs, [ta, this.w], 1);
    binding.deleteTensor(ta);
    if (!meta) throw new Error('MatMul returned nothing.');
    const p = binding.tensorDataSync(meta.id) as Float32Array;
    binding.deleteTensor(meta.id);
    for (let b = 0; b < B; b++) {
      const ob = outOff + b * outStride;
      const pb = b * n;
      for (let j = 0; j < n; j++) out[ob + j] = (out[ob + j] as number) + (p[pb + j] as number);
    }
  }

  dispose(): void {
    this.binding.deleteTensor(this.w);
  }
}

interface NodeBackendLike {
  getInputTensorIds(tensors: tf.Tensor[]): number[];
  createOutputTensor(meta: { id: number; shape: number[]; dtype: number }): tf.Tensor;
}

/** The active backend when it is tfjs-node's (binding and tensor plumbing), or null. */
export function nodeBackend(): { binding: TfBinding; backend: NodeBackendLike } | null {
  const backend = tf.backend();
  const binding = bindingOf(backend);
  const b = backend as unknown as Partial<NodeBackendLike>;
  if (!binding || typeof b.getInputTensorIds !== 'function' || typeof b.createOutputTensor !== 'function') return null;
  return { binding, backend: backend as unknown as NodeBackendLike };
}

/**
 * Runs a TensorFlow op on tfjs tensors (plus an int64 scalar first input where `int64First` is
 * given, as BlockLSTM's seq_len_max) and returns its outputs as tfjs tensors of the engine.
 */
export function runNativeOp(name: string, attrs: TfOpAttr[], inputs: tf.Tensor[], numOutputs: number, int64First?: number): tf.Tensor[] {
  const node = nodeBackend();
  if (!node) throw new Error(`${name} needs the native TensorFlow backend.`);
  const { binding, backend } = node;
  const ids = backend.getInputTensorIds(inputs);
  let scalar: number | null = null;
  if (int64First !== undefined) {
    scalar = binding.createTensor([], binding.TF_INT64, new Int32Array([int64First, 0]));
    ids.unshift(scalar);
  }
  try {
    return binding.executeOp(name, attrs, ids, numOutputs).map((m) => backend.createOutputTensor(m));
  } finally {
    if (scalar !== null) binding.deleteTensor(scalar);
  }
}
