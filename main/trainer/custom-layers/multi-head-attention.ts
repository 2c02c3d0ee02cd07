import * as tf from '@tensorflow/tfjs';
import { dotProductAttention, einsumDense, isShapeList, isTraining, maskOrNone, mergeHeadsDense, type Initializer, type LayerShape } from './tensor-math';

export interface MultiHeadAttentionConfig {
  readonly numHeads: number;
  readonly keyDim: number;
  /** Defaults to keyDim. */
  readonly valueDim?: number | null;
  readonly dropout?: number;
  readonly useBias?: boolean;
  /** Size of the last output dimension; defaults to the query's last dimension. */
  readonly outputShape?: number | null;
  readonly name?: string;
  readonly trainable?: boolean;
}

/**
 * Keras's MultiHeadAttention for rank-3 inputs: `apply([query, value])` or
 * `apply([query, value, key])` (key defaults to value). Weights in Keras's
 * layout and order: query/key/value kernels `[d, heads, dim]` with biases
 * `[heads, dim]`, then attention_output kernel `[heads, valueDim, out]` and bias `[out]`.
 * A key padding mask is taken from the value's (or key's) Keras mask when there is one.
 */
export class MultiHeadAttention extends tf.layers.Layer {
  static readonly className = 'MultiHeadAttention';
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly dropout: number;
  readonly useBias: boolean;
  readonly outputDim: number | null;
  private weightsOf: Record<string, tf.LayerVariable | null> = {};

  constructor(config: MultiHeadAttentionConfig) {
    super({ name: config.name, trainable: config.trainable });
    checkPositive('numHeads', config.numHeads);
    checkPositive('keyDim', config.keyDim);
    this.numHeads = config.numHeads;
    this.keyDim = config.keyDim;
    this.valueDim = config.valueDim ?? config.keyDim;
    checkPositive('valueDim', this.valueDim);
    this.dropout = config.dropout ?? 0;
    this.useBias = config.useBias ?? true;
    this.outputDim = config.outputShape ?? null;
    this.supportsMasking = true;
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const [q, v, k] = splitShapes(inputShape, this.name);
    const dq = lastDim(q, 'query', this.name);
    const dv = lastDim(v, 'value', this.name);
    const dk = lastDim(k, 'key', this.name);
    const out = this.outputDim ?? dq;
    const h = this.numHeads;
    const add = (name: string, shape: number[], init: Initializer) => {
      this.weightsOf[name] = this.addWeight(name, shape, 'float32', init);
    };
    const glorot = () => tf.initializers.glorotUniform({});
    const zeros = () => tf.initializers.zeros();
    add('query/kernel', [dq, h, this.keyDim], glorot());
    if (this.useBias) add('query/bias', [h, this.keyDim], zeros());
    add('key/kernel', [dk, h, this.keyDim], glorot());
    if (this.useBias) add('key/bias', [h, this.keyDim], zeros());
    add('value/kernel', [dv, h, this.valueDim], glorot());
    if (this.useBias) add('value/bias', [h, this.valueDim], zeros());
    add('attention_output/kernel', [h, this.valueDim, out], glorot());
    if (this.useBias) add('attention_output/bias', [out], zeros());
    this.built = true;
  }

  private read(name: string): tf.Tensor | null {
    return this.weightsOf[name]?.read() ?? null;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const [q] = splitShapes(inputShape, this.name);
    return [...q.slice(0, -1), this.outputDim ?? q[q.length - 1] ?? null];
  }

  override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return maskOrNone(Array.isArray(mask) ? mask[0] : mask);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      const query = list[0] as tf.Tensor;
      const value = list[1] ?? query;
      const key = list[2] ?? value;
      if (query.rank !== 3 || value.rank !== 3 || key.rank !== 3) {
        throw new Error(`${this.name}: MultiHeadAttention takes rank-3 inputs [batch, time, features].`);
      }
      const keyMask = keyMaskOf(kwargs['mask'], list, key.shape[1] as number);
      const attended = dotProductAttention({
        query: einsumDense(query, this.read('query/kernel') as tf.Tensor, this.read('query/bias')),
        key: einsumDense(key, this.read('key/kernel') as tf.Tensor, this.read('key/bias')),
        value: einsumDense(value, this.read('value/kernel') as tf.Tensor, this.read('value/bias')),
        keyMask,
        dropout: this.dropout,
        training: isTraining(kwargs),
      });
      return mergeHeadsDense(attended, this.read('attention_output/kernel') as tf.Tensor, this.read('attention_output/bias'));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      valueDim: this.valueDim,
      dropout: this.dropout,
      useBias: this.useBias,
      outputShape: this.outputDim,
    };
  }
}

/**
 * The key padding mask: the key's mask, else the value's; tfjs' executor passes
 * only the first input's mask as a single tensor, which is the keys' mask only
 * when query and value are the same tensor (self-attention).
 */
function keyMaskOf(mask: unknown, inputs: readonly tf.Tensor[], keys: number): tf.Tensor | null {
  let m: unknown = null;
  if (Array.isArray(mask)) m = mask[2] ?? mask[1] ?? null;
  else if (mask instanceof tf.Tensor && (inputs.length === 1 || inputs[1] === inputs[0]) && (inputs[2] ?? inputs[0]) === inputs[0]) m = mask;
  if (!(m instanceof tf.Tensor) || m.rank !== 2 || m.shape[1] !== keys) return null;
  return m;
}

function checkPositive(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new Error(`MultiHeadAttention: ${name} must be a positive whole number, not ${String(value)}.`);
  }
}

function splitShapes(inputShape: LayerShape | LayerShape[], layer: string): [LayerShape, LayerShape, LayerShape] {
  const shapes = isShapeList(inputShape) ? inputShape : [inputShape];
  const q = shapes[0];
  if (!q) throw new Error(`${layer}: MultiHeadAttention needs a query input.`);
  const v = shapes[1] ?? q;
  const k = shapes[2] ?? v;
  return [q, v, k];
}

function lastDim(shape: LayerShape, what: string, layer: string): number {
  const d = shape[shape.length - 1];
  if (typeof d !== 'number') throw new Error(`${layer}: the ${what}'s last dimension must be known.`);
  return d;
}
