import * as tf from '@tensorflow/tfjs';

/**
 * Building blocks of the attention layers, written with matMul, reshape,
 * transpose and broadcasting element-wise ops only: their gradients are cheap
 * on every backend (no Tile, no Gather, no Unpack).
 */

/** A layer's input/output shape as tfjs-layers spells it (batch included, `null` unknown). */
export type LayerShape = (number | null)[];

export type Initializer = ReturnType<typeof tf.initializers.zeros>;

export function isShapeList(shape: LayerShape | LayerShape[]): shape is LayerShape[] {
  return Array.isArray(shape[0]);
}

/** `[..., d] x [d, a, b] + [a, b]` → `[..., a, b]`: Keras's EinsumDense `abc,cde->abde`. */
export function einsumDense(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | null): tf.Tensor {
  const lead = x.shape.slice(0, -1);
  const inDim = x.shape[x.shape.length - 1] as number;
  const outDims = kernel.shape.slice(1);
  const outSize = outDims.reduce((a, b) => a * b, 1);
  let y = tf.matMul(tf.reshape(x, [-1, inDim]), tf.reshape(kernel, [inDim, outSize]));
  if (bias) y = tf.add(y, tf.reshape(bias, [outSize]));
  return tf.reshape(y, [...lead, ...outDims]);
}

/**
 * Keras's output EinsumDense `abcd,cde->abe`: `[B, T, h, v] x [h, v, o] + [o]` → `[B, T, o]`.
 */
export function mergeHeadsDense(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | null): tf.Tensor {
  const [b, t, h, v] = x.shape as [number, number, number, number];
  const o = kernel.shape[2] as number;
  let y = tf.matMul(tf.reshape(x, [b * t, h * v]), tf.reshape(kernel, [h * v, o]));
  if (bias) y = tf.add(y, bias);
  return tf.reshape(y, [b, t, o]);
}

/** Adds a large negative number where `keyMask` ([B, S], 1 = keep) is 0, before the softmax. */
function maskAdder(keyMask: tf.Tensor, batch: number, keys: number): tf.Tensor {
  const keep = tf.cast(tf.reshape(keyMask, [batch, 1, 1, keys]), 'float32');
  return tf.mul(tf.sub(1, keep), -1e9);
}

export interface AttentionArgs {
  /** `[B, T, h, k]` projected queries. */
  readonly query: tf.Tensor;
  /** `[B, S, h, k]` projected keys. */
  readonly key: tf.Tensor;
  /** `[B, S, h, v]` projected values. */
  readonly value: tf.Tensor;
  /** `[B, S]`, 1 where a key may be attended to; null: all. */
  readonly keyMask: tf.Tensor | null;
  /** Dropout on the attention probabilities; applied only while training. */
  readonly dropout: number;
  readonly training: boolean;
}

/**
 * Scaled dot-product attention over heads, as Keras's MultiHeadAttention
 * computes it: softmax(q·kᵀ / √k) · v. Returns `[B, T, h, v]`.
 */
export function dotProductAttention(args: AttentionArgs): tf.Tensor {
  const [b, t, h, k] = args.query.shape as [number, number, number, number];
  const s = args.key.shape[1] as number;
  const v = args.value.shape[3] as number;
  // [B, T, h, k] -> [B, h, T, k] -> [B*h, T, k]
  const q = tf.reshape(tf.transpose(tf.mul(args.query, 1 / Math.sqrt(k)), [0, 2, 1, 3]), [b * h, t, k]);
  const kk = tf.reshape(tf.transpose(args.key, [0, 2, 1, 3]), [b * h, s, k]);
  const vv = tf.reshape(tf.transpose(args.value, [0, 2, 1, 3]), [b * h, s, v]);
  let scores = tf.matMul(q, kk, false, true); // [B*h, T, S]
  if (args.keyMask) {
    scores = tf.reshape(tf.add(tf.reshape(scores, [b, h, t, s]), maskAdder(args.keyMask, b, s)), [b * h, t, s]);
  }
  let probs = tf.softmax(scores, -1);
  if (args.training && args.dropout > 0) probs = tf.dropout(probs, args.dropout);
  const out = tf.matMul(probs, vv); // [B*h, T, v]
  return tf.transpose(tf.reshape(out, [b, h, t, v]), [0, 2, 1, 3]);
}

/** Layer normalization over the last axis with broadcasting (no Tile in the gradient). */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  const axis = x.rank - 1;
  const mean = tf.mean(x, axis, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), axis, true);
  return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, epsilon))), gamma), beta);
}

/** `[..., d] x [d, o] + [o]`: a Dense layer's kernel product on any rank. */
export function dense(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | null): tf.Tensor {
  const lead = x.shape.slice(0, -1);
  const inDim = x.shape[x.shape.length - 1] as number;
  const o = kernel.shape[1] as number;
  let y = tf.matMul(tf.reshape(x, [-1, inDim]), kernel);
  if (bias) y = tf.add(y, bias);
  return tf.reshape(y, [...lead, o]);
}

/** The `training` flag tfjs passes in a layer's kwargs. */
export function isTraining(kwargs: Record<string, unknown> | undefined): boolean {
  return kwargs?.['training'] === true;
}

/**
 * tfjs types `computeMask` as returning a tensor, but null (no mask) is what
 * its own layers return at run time; this spells that null for the compiler.
 */
export function maskOrNone(mask: tf.Tensor | null | undefined): tf.Tensor {
  return (mask ?? null) as unknown as tf.Tensor;
}

/** The one mask tensor of a single-input layer, or null. */
export function singleMask(mask: unknown): tf.Tensor | null {
  if (mask instanceof tf.Tensor) return mask;
  if (Array.isArray(mask) && mask[0] instanceof tf.Tensor) return mask[0] as tf.Tensor;
  return null;
}
