import type * as tf from '@tensorflow/tfjs';
import { nodeBackend, type TfBinding, type TfOpAttr } from './kernels/native-binding';

/**
 * A few TensorFlow ops run back to back on the native binding, for code that would otherwise
 * cost one trip through the tfjs engine per op. Inputs are tfjs tensors; every intermediate
 * handle is freed by `close()`, except the outputs handed back with `output()`.
 */
export class NativeOps {
  private readonly made: number[] = [];
  private readonly shapes = new Map<number, number[]>();
  readonly T: TfOpAttr;

  private constructor(
    readonly binding: TfBinding,
    private readonly backend: NonNullable<ReturnType<typeof nodeBackend>>['backend'],
  ) {
    this.T = { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT };
  }

  /** On the native backend, a fresh program; null on any other backend. */
  static open(): NativeOps | null {
    const node = nodeBackend();
    return node ? new NativeOps(node.binding, node.backend) : null;
  }

  /**
   * Runs `body` as one program and hands its result to tfjs; null on any other backend.
   * Intermediates are freed whatever happens.
   */
  static run(body: (ops: NativeOps) => number): tf.Tensor | null {
    const ops = NativeOps.open();
    if (!ops) return null;
    try {
      return ops.output(body(ops));
    } finally {
      ops.close();
    }
  }

  /** Handles of tfjs tensors (owned by tfjs: never freed here). */
  ids(tensors: tf.Tensor[]): number[] {
    return this.backend.getInputTensorIds(tensors);
  }

  /** A float32 scalar (or an int32 vector, for axes), freed with the program. */
  scalar(value: number): number {
    return this.track(this.binding.createTensor([], this.binding.TF_FLOAT, Float32Array.of(value)));
  }

  axes(values: number[]): number {
    return this.track(this.binding.createTensor([values.length], this.binding.TF_INT32, Int32Array.from(values)));
  }

  /** Runs one op with one output; `attrs` defaults to T = float32. */
  op(name: string, inputs: number[], attrs: TfOpAttr[] = [this.T]): number {
    const [out] = this.binding.executeOp(name, attrs, inputs, 1);
    if (!out) throw new Error(`${name} returned nothing.`);
    this.shapes.set(out.id, out.shape);
    return this.track(out.id);
  }

  /** Sum over `axis`, keeping it (keep_dims) or not. */
  sum(x: number, axis: number, keepDims: boolean): number {
    return this.op('Sum', [x, this.axes([axis])], [
      this.T,
      { name: 'Tidx', type: this.binding.TF_ATTR_TYPE, value: this.binding.TF_INT32 },
      { name: 'keep_dims', type: this.binding.TF_ATTR_BOOL, value: keepDims },
    ]);
  }

  /** Hands the output `id` of an op to tfjs as a tensor (no longer freed by close). */
  output(id: number): tf.Tensor {
    const shape = this.shapes.get(id);
    const i = this.made.lastIndexOf(id);
    if (!shape || i < 0) throw new Error('Only an op output of this program can be handed to tfjs.');
    this.made.splice(i, 1);
    return this.backend.createOutputTensor({ id, shape, dtype: this.binding.TF_FLOAT });
  }

  close(): void {
    for (const id of this.made.splice(0)) this.binding.deleteTensor(id);
    this.shapes.clear();
  }

  private track(id: number): number {
    this.made.push(id);
    return id;
  }
}
