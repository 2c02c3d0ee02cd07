import type { Preprocessing, Range } from '../../shared/training/runs';
import type { SampleSet } from './datasets/mnist';

/**
 * A plane through a tabular model's inputs, for its decision boundary: two numeric features
 * vary over a grid (in their own units), every other input stays at its mean over the training
 * rows (0 for a standardized numeric column, each category's share for a one-hot column).
 */

type Tabular = Extract<Preprocessing, { kind: 'tabular' }>;

export interface NumericFeature {
  readonly name: string;
  /** Position among the model's inputs. */
  readonly index: number;
  /** Standardization of the training rows: input = (value - mean) / std. */
  readonly mean: number;
  readonly std: number;
}

/** The numeric columns with their position among the model's inputs (a text column takes one input per category). */
export function numericFeatures(pre: Tabular): NumericFeature[] {
  const out: NumericFeature[] = [];
  let k = 0;
  for (const c of pre.columns) {
    if (c.type === 'numeric') out.push({ name: c.name, index: k++, mean: c.mean, std: c.std });
    else k += c.categories.length;
  }
  return out;
}

/** The two features across and up: the ones asked for, or the first two numeric ones. Errors name the choices. */
export function pickAxes(numeric: readonly NumericFeature[], asked?: { x: string; y: string }): { x: NumericFeature; y: NumericFeature } {
  if (numeric.length < 2) {
    throw new Error(`A decision boundary needs two numeric features; this data has ${numeric.length === 0 ? 'none' : `only "${numeric[0]?.name}"`}.`);
  }
  if (!asked) return { x: numeric[0] as NumericFeature, y: numeric[1] as NumericFeature };
  const find = (name: string) => {
    const f = numeric.find((n) => n.name === name);
    if (!f) throw new Error(`"${name}" is not a numeric feature of this data; pick one of ${numeric.map((n) => n.name).join(', ')}.`);
    return f;
  };
  if (asked.x === asked.y) throw new Error('Pick two different features.');
  return { x: find(asked.x), y: find(asked.y) };
}

/** Every model input's mean over the set's rows. */
export function inputMeans(set: Pick<SampleSet, 'x' | 'count' | 'sampleSize'>): Float64Array {
  const s = set.sampleSize;
  const sums = new Float64Array(s);
  for (let i = 0; i < set.count; i++) for (let j = 0; j < s; j++) sums[j] = (sums[j] as number) + (set.x[i * s + j] as number);
  return sums.map((v) => (set.count > 0 ? v / set.count : 0));
}

/**
 * The inputs a plane holds fixed: numeric columns at their mean (the standardization's, so
 * 0), one-hot columns at each category's share of the set's rows.
 */
export function heldInputs(pre: Tabular, set: Pick<SampleSet, 'x' | 'count' | 'sampleSize'>): Float64Array {
  const means = inputMeans(set);
  for (const f of numericFeatures(pre)) means[f.index] = 0;
  return means;
}

/** One feature's values over the set's rows, in the feature's own units (standardization undone). */
export function rawValues(set: Pick<SampleSet, 'x' | 'count' | 'sampleSize'>, f: NumericFeature): Float64Array {
  const out = new Float64Array(set.count);
  for (let i = 0; i < set.count; i++) out[i] = (set.x[i * set.sampleSize + f.index] as number) * f.std + f.mean;
  return out;
}

/** From the smallest to the largest value, widened by a tenth of the spread on each side (a single value: by 1). */
export function paddedRange(values: ArrayLike<number>): Range {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return [-1, 1];
  const pad = hi > lo ? (hi - lo) * 0.1 : 1;
  return [lo - pad, hi + pad];
}

/**
 * Model inputs for `points` (x, y pairs in the two features' units): each row is the
 * training means with the two features replaced by their standardized values.
 */
export function planeInputs(points: Float32Array, means: ArrayLike<number>, x: NumericFeature, y: NumericFeature): Float32Array {
  const n = points.length / 2;
  const s = means.length;
  const out = new Float32Array(n * s);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < s; j++) out[i * s + j] = means[j] as number;
    out[i * s + x.index] = ((points[i * 2] as number) - x.mean) / x.std;
    out[i * s + y.index] = ((points[i * 2 + 1] as number) - y.mean) / y.std;
  }
  return out;
}

/**
 * The grid's classes from `n` predictions of `width` units each: P(class 1) per cell (one
 * sigmoid unit is P(1)), and with more than two classes the most likely one and its probability.
 */
export function classGrid(values: ArrayLike<number>, n: number): { positive: number[]; predicted?: number[]; confidence?: number[] } {
  const width = values.length / n;
  if (!Number.isInteger(width) || width < 1) throw new Error('The model gives no output per point.');
  const positive = Array.from({ length: n }, (_, i) => (width === 1 ? values[i] : values[i * width + 1]) as number);
  if (width <= 2) return { positive };
  const predicted: number[] = [];
  const confidence: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < width; c++) if ((values[i * width + c] as number) > (values[i * width + best] as number)) best = c;
    predicted.push(best);
    confidence.push(values[i * width + best] as number);
  }
  return { positive, predicted, confidence };
}
