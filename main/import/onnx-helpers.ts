import type { onnx } from 'onnx-proto';
import { attrInt, attrInts, attrString } from './onnx-tensors';

/** Layout conversions of ONNX weights into Keras's, and ONNX padding into Netwright's layers. */

/** A Conv kernel OIHW [o, i, kh, kw] → HWIO [kh, kw, i, o]. */
export function convWeights(w: ArrayLike<number>, o: number, i: number, kh: number, kw: number): Float32Array {
  const out = new Float32Array(o * i * kh * kw);
  for (let co = 0; co < o; co++)
    for (let ci = 0; ci < i; ci++)
      for (let h = 0; h < kh; h++) for (let x = 0; x < kw; x++) out[((h * kw + x) * i + ci) * o + co] = w[((co * i + ci) * kh + h) * kw + x] as number;
  return out;
}

/**
 * A depthwise Conv kernel (group = channels) [c*m, 1, kh, kw] → Keras's [kh, kw, c, m]
 * (output channel ci*m + mi in both).
 */
export function depthwiseWeights(w: ArrayLike<number>, c: number, m: number, kh: number, kw: number): Float32Array {
  const out = new Float32Array(c * m * kh * kw);
  for (let ci = 0; ci < c; ci++)
    for (let mi = 0; mi < m; mi++)
      for (let h = 0; h < kh; h++) for (let x = 0; x < kw; x++) out[((h * kw + x) * c + ci) * m + mi] = w[((ci * m + mi) * kh + h) * kw + x] as number;
  return out;
}

/**
 * For an image of [h, w, c] flattened channels last (the project) and channels first (ONNX):
 * `order[i]` is the ONNX position of the project's flattened element i.
 */
export function flatRowOrder([h, w, c]: readonly [number, number, number]): Int32Array {
  const order = new Int32Array(h * w * c);
  let i = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) order[i++] = ch * h * w + y * w + x;
  return order;
}

/** A [k, m] kernel with its rows taken in `order` (row i of the result is row order[i]). */
export function gemmWeights(kernel: Float32Array, k: number, m: number, order: Int32Array): Float32Array {
  if (order.length !== k) throw new Error(`The flattened input has ${order.length} values but the weight has ${k} rows.`);
  const out = new Float32Array(k * m);
  for (let i = 0; i < k; i++) out.set(kernel.subarray((order[i] as number) * m, (order[i] as number) * m + m), i * m);
  return out;
}

export interface WindowPadding {
  readonly padding: 'valid' | 'same';
  /** Zeros to add first (top, bottom, left, right), where ONNX's pads are neither none nor Keras's "same". */
  readonly zeroPadding?: [number, number, number, number];
  /** Output height and width (null where unknown). */
  readonly out: [number | null, number | null];
}

/**
 * How a Conv or pooling node's padding maps onto Netwright's: none → valid; TensorFlow's "same"
 * → same; other pads → a ZeroPadding2D before a valid window (convolutions, and average pooling
 * that counts the padding). Returns the reason where none fits.
 */
export function windowPadding(
  n: onnx.INodeProto,
  shape: readonly (number | null)[],
  kernel: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
  kind: 'conv' | 'max' | 'avg' | 'avg-include',
): WindowPadding | string {
  const sizes = [shape[2] ?? null, shape[3] ?? null];
  const eff = kernel.map((k, i) => (k - 1) * (dilations[i] ?? 1) + 1);
  const same = sizes.map((size, i) => {
    if (size === null) return null;
    const s = strides[i] ?? 1;
    const out = Math.ceil(size / s);
    const total = Math.max((out - 1) * s + (eff[i] as number) - size, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)] as [number, number];
  });
  const auto = attrString(n, 'auto_pad', 'NOTSET');
  let pads: number[];
  if (auto === 'VALID') pads = [0, 0, 0, 0];
  else if (auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
    if (same.some((p) => p === null)) return 'automatic padding needs a known image size.';
    const [a, b] = same as [[number, number], [number, number]];
    pads = auto === 'SAME_UPPER' ? [a[0], b[0], a[1], b[1]] : [a[1], b[1], a[0], b[0]];
  } else pads = attrInts(n, 'pads', [0, 0, 0, 0]);
  if (pads.length !== 4) return `pads ${JSON.stringify(pads)} are not 2-D.`;
  const [t, l, b, r] = pads as [number, number, number, number];
  const outOf = (padded: (number | null)[], ceil: boolean) =>
    padded.map((size, i) => (size === null ? null : (ceil ? Math.ceil : Math.floor)((size - (eff[i] as number)) / (strides[i] ?? 1)) + 1)) as [number | null, number | null];
  const ceilMode = attrInt(n, 'ceil_mode', 0) === 1;
  const check = (padded: (number | null)[]): [number | null, number | null] | string => {
    const floor = outOf(padded, false);
    if (ceilMode && JSON.stringify(outOf(padded, true)) !== JSON.stringify(floor)) return 'ceil_mode 1 (a partial last window) is not supported here.';
    return floor;
  };
  if (t === 0 && l === 0 && b === 0 && r === 0) {
    const out = check(sizes);
    return typeof out === 'string' ? out : { padding: 'valid', out };
  }
  const isSame = same.every((p, i) => p !== null && p[0] === (i === 0 ? t : l) && p[1] === (i === 0 ? b : r));
  if (isSame && kind !== 'avg-include') {
    const out = check(sizes.map((s, i) => (s === null ? null : s + (i === 0 ? t + b : l + r))));
    return typeof out === 'string' ? out : { padding: 'same', out };
  }
  if (kind === 'max' || kind === 'avg') {
    return `pads ${JSON.stringify(pads)} are not supported for ${kind === 'max' ? 'max' : 'average'} pooling: only none or TensorFlow's "same" padding.`;
  }
  const out = check(sizes.map((s, i) => (s === null ? null : s + (i === 0 ? t + b : l + r))));
  return typeof out === 'string' ? out : { padding: 'valid', zeroPadding: [t, b, l, r], out };
}
