import * as tf from '@tensorflow/tfjs';
import { allocate, sizeOf, view, type KernelBackend, type Values } from './access';

/**
 * Slice and Unpack for wasm that read the input through a heap view. The stock kernels call
 * `readSync`, which copies the whole input out of the heap for every slice: unstacking a
 * [batch, 100, features] sequence copied it 100 times.
 */

type KernelFunc = (args: { inputs: tf.NamedTensorInfoMap; backend: KernelBackend; attrs: tf.NamedAttrMap }) => tf.TensorInfo | tf.TensorInfo[];

/** Copies the box [begin, begin+size) of `src` (shape `shape`) into `dst`, row by contiguous row. */
function copyBox(src: Values, dst: Values, shape: readonly number[], begin: readonly number[], size: readonly number[]): void {
  const rank = shape.length;
  const strides = tf.util.computeStrides([...shape]);
  // Merge the innermost dims that are taken whole, so each copy is as long as possible.
  let inner = rank - 1;
  let run = size[inner] ?? 1;
  while (inner > 0 && size[inner] === shape[inner] && begin[inner] === 0) {
    inner--;
    run *= size[inner] ?? 1;
  }
  const outer = size.slice(0, inner);
  const count = sizeOf(outer);
  const idx = new Array<number>(inner).fill(0);
  let o = 0;
  for (let k = 0; k < count; k++) {
    let off = 0;
    for (let d = 0; d < inner; d++) off += ((begin[d] ?? 0) + (idx[d] ?? 0)) * (strides[d] ?? 0);
    off += (begin[inner] ?? 0) * (inner < rank - 1 ? (strides[inner] ?? 1) : 1);
    // Short runs: a scalar loop; subarray + set costs more than it saves below ~64 values.
    if (run < 64) for (let j = 0; j < run; j++) dst[o + j] = src[off + j] as number;
    else (dst as Float32Array).set(src.subarray(off, off + run) as Float32Array, o);
    o += run;
    for (let d = inner - 1; d >= 0; d--) {
      idx[d] = (idx[d] ?? 0) + 1;
      if ((idx[d] as number) < (outer[d] as number)) break;
      idx[d] = 0;
    }
  }
}

export function makeSlice(stock: KernelFunc): KernelFunc {
  return (args) => {
    const x = args.inputs['x'] as tf.TensorInfo;
    if (x.dtype === 'string' || x.shape.length === 0) return stock(args);
    const parsed = tf.slice_util.parseSliceParams(x, args.attrs['begin'] as number[], args.attrs['size'] as number[]);
    const begin = parsed[0] as number[];
    const size = parsed[1] as number[];
    const out = allocate(args.backend, size, x.dtype);
    if (sizeOf(size) > 0) copyBox(view(args.backend, x), view(args.backend, out), x.shape, begin, size);
    return out;
  };
}

export function makeUnpack(stock: KernelFunc): KernelFunc {
  return (args) => {
    const value = args.inputs['value'] as tf.TensorInfo;
    if (value.dtype === 'string') return stock(args);
    const rank = value.shape.length;
    let axis = args.attrs['axis'] as number;
    if (axis < 0) axis += rank;
    const n = value.shape[axis] ?? 0;
    const outShape = value.shape.filter((_, i) => i !== axis);
    const outs: tf.TensorInfo[] = [];
    for (let i = 0; i < n; i++) outs.push(allocate(args.backend, outShape, value.dtype));
    const src = view(args.backend, value);
    const size = value.shape.slice();
    size[axis] = 1;
    const begin = new Array<number>(rank).fill(0);
    for (let i = 0; i < n; i++) {
      begin[axis] = i;
      copyBox(src, view(args.backend, outs[i] as tf.TensorInfo), value.shape, begin, size);
    }
    return outs;
  };
}

/**
 * Tile for wasm through heap views: copies the input once, then replicates whole blocks with
 * copyWithin. Stock wasm Tile took ~40 ms for a [64,1,32] → [64,100,128] broadcast.
 */
export function makeTile(stock: KernelFunc): KernelFunc {
  return (args) => {
    const x = args.inputs['x'] as tf.TensorInfo;
    if (x.dtype === 'string' || x.shape.length === 0) return stock(args);
    const reps = args.attrs['reps'] as number[];
    const rank = x.shape.length;
    const outShape = x.shape.map((d, i) => d * (reps[i] ?? 1));
    const out = allocate(args.backend, outShape, x.dtype);
    if (sizeOf(outShape) === 0) return out;
    const src = view(args.backend, x);
    const dst = view(args.backend, out);
    const srcStrides = [...tf.util.computeStrides([...x.shape]), 1];
    const dstStrides = [...tf.util.computeStrides(outShape), 1];
    // Fills the output block of dimension d at dstOff from the input block at srcOff.
    const fill = (d: number, srcOff: number, dstOff: number): void => {
      const n = x.shape[d] as number;
      const r = reps[d] ?? 1;
      const inner = dstStrides[d] as number;
      if (d === rank - 1) {
        for (let i = 0; i < n; i++) dst[dstOff + i] = src[srcOff + i] as number;
      } else {
        for (let i = 0; i < n; i++) fill(d + 1, srcOff + i * (srcStrides[d] as number), dstOff + i * inner);
      }
      const block = n * inner;
      for (let k = 1; k < r; k++) dst.copyWithin(dstOff + k * block, dstOff, dstOff + block);
    };
    fill(0, 0, 0);
    return out;
  };
}

/**
 * GatherV2 (batchDims 0) for wasm through heap views: row copies. Embedding's forward pass;
 * stock wasm took ~9 ms CPU to gather 6,400 rows of 32 from a [10000, 32] table.
 */
export function makeGather(stock: KernelFunc): KernelFunc {
  return (args) => {
    const x = args.inputs['x'] as tf.TensorInfo;
    const indices = args.inputs['indices'] as tf.TensorInfo;
    const batchDims = (args.attrs['batchDims'] as number | undefined) ?? 0;
    if (x.dtype === 'string' || batchDims !== 0 || x.shape.length === 0) return stock(args);
    const axis = tf.util.parseAxisParam(args.attrs['axis'] as number, x.shape)[0] as number;
    const dim = x.shape[axis] as number;
    const outer = sizeOf(x.shape.slice(0, axis));
    const inner = sizeOf(x.shape.slice(axis + 1));
    const count = sizeOf(indices.shape);
    const out = allocate(args.backend, [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)], x.dtype);
    const src = view(args.backend, x);
    const idx = view(args.backend, indices);
    const dst = view(args.backend, out);
    for (let i = 0; i < count; i++) {
      const k = idx[i] as number;
      if (!(k >= 0 && k < dim)) throw new Error(`GatherV2: the index value ${k} is not in [0, ${dim - 1}]`);
    }
    let o = 0;
    for (let a = 0; a < outer; a++) {
      const base = a * dim * inner;
      for (let i = 0; i < count; i++) {
        const s = base + (idx[i] as number) * inner;
        if (inner < 64) for (let j = 0; j < inner; j++) dst[o + j] = src[s + j] as number;
        else (dst as Float32Array).set(src.subarray(s, s + inner) as Float32Array, o);
        o += inner;
      }
    }
    return out;
  };
}
