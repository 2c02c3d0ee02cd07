import type { SampleSet } from './datasets/mnist';

/** Fisher-Yates shuffle of 0..n-1; `random` returns [0, 1). */
export function shuffledIndices(n: number, random: () => number = Math.random): Uint32Array {
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = idx[i] as number;
    idx[i] = idx[j] as number;
    idx[j] = t;
  }
  return idx;
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
