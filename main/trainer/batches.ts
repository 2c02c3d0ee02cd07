import type { SampleSet } from './datasets/mnist';
import { permutation } from './random';

/** Fisher-Yates shuffle of 0..n-1; `random` returns [0, 1). */
export function shuffledIndices(n: number, random: () => number = Math.random): Uint32Array {
  return permutation(n, random);
}

/** Copies the samples `order[from..to)` into a flat x array and a one-hot y array. */
export function gatherBatch(
  set: SampleSet,
  order: ArrayLike<number>,
  from: number,
  to: number,
  numClasses: number,
): { x: Float32Array; y: Float32Array; size: number } {
  const size = to - from;
  const s = set.sampleSize;
  const x = new Float32Array(size * s);
  const y = new Float32Array(size * numClasses);
  for (let i = 0; i < size; i++) {
    const row = order[from + i] as number;
    x.set(set.x.subarray(row * s, row * s + s), i * s);
    y[i * numClasses + (set.labels[row] as number)] = 1;
  }
  return { x, y, size };
}

/** Samples `[from, to)` in their stored order: x shares memory, y is one-hot. */
export function contiguousBatch(set: SampleSet, from: number, to: number, numClasses: number): { x: Float32Array; y: Float32Array; size: number } {
  const size = to - from;
  const y = new Float32Array(size * numClasses);
  for (let i = 0; i < size; i++) y[i * numClasses + (set.labels[from + i] as number)] = 1;
  return { x: set.x.subarray(from * set.sampleSize, to * set.sampleSize), y, size };
}

/** How labels become the model's target tensor. */
export type TargetMode =
  | { readonly kind: 'onehot'; readonly classes: number }
  /** Class index per sample, `[n, 1]` (sparse categorical cross-entropy). */
  | { readonly kind: 'index' }
  /** One sigmoid output: `[n, 1]` of 0/1. */
  | { readonly kind: 'binary' }
  | { readonly kind: 'regression'; readonly size: number }
  /** The input itself (an autoencoder): `size` values per sample, shaped as the output. */
  | { readonly kind: 'reconstruction'; readonly size: number; readonly shape: readonly number[] };

export function targetWidth(mode: TargetMode): number {
  switch (mode.kind) {
    case 'onehot':
      return mode.classes;
    case 'index':
    case 'binary':
      return 1;
    case 'regression':
    case 'reconstruction':
      return mode.size;
  }
}

/** The target tensor's shape for `n` samples: the output's own shape for reconstruction, else `[n, width]`. */
export function targetShape(mode: TargetMode, n: number): number[] {
  return mode.kind === 'reconstruction' ? [n, ...mode.shape] : [n, targetWidth(mode)];
}

/** Targets of rows `rows[from..to)` (or `from..to` in order when `rows` is null). */
export function gatherTargets(set: SampleSet, rows: ArrayLike<number> | null, from: number, to: number, mode: TargetMode): Float32Array {
  const n = to - from;
  const w = targetWidth(mode);
  const y = new Float32Array(n * w);
  for (let i = 0; i < n; i++) {
    const r = rows ? (rows[from + i] as number) : from + i;
    switch (mode.kind) {
      case 'onehot':
        y[i * w + (set.labels[r] as number)] = 1;
        break;
      case 'index':
      case 'binary':
        y[i] = set.labels[r] as number;
        break;
      case 'regression':
        if (!set.targets) throw new Error('This data set has no regression targets.');
        y.set(set.targets.subarray(r * w, r * w + w), i * w);
        break;
      case 'reconstruction':
        if (set.sampleSize !== w) throw new Error(`The output has ${w} values per sample but the input has ${set.sampleSize}; it cannot reconstruct the input.`);
        y.set(set.x.subarray(r * w, r * w + w), i * w);
        break;
    }
  }
  return y;
}

/** Inputs of rows `rows[from..to)` copied into one array. */
export function gatherInputs(set: SampleSet, rows: ArrayLike<number>, from: number, to: number): Float32Array {
  const s = set.sampleSize;
  const x = new Float32Array((to - from) * s);
  for (let i = 0; i < to - from; i++) {
    const r = rows[from + i] as number;
    x.set(set.x.subarray(r * s, r * s + s), i * s);
  }
  return x;
}
