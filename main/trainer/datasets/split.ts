import { splitSizes } from '../../../shared/training/datasets';
import { permutation, seededRandom } from '../random';
import { sliceSet, type SampleSet } from './mnist';

/** Seed of the fixed train/test split of sets without their own: the same samples every run. */
export const SPLIT_SEED = 20_261_126;

/** Rows of `set` in the order `rows`, copied. */
export function pickRows(set: SampleSet, rows: ArrayLike<number>): SampleSet {
  const n = rows.length;
  const s = set.sampleSize;
  const x = new Float32Array(n * s);
  const labels = new Uint8Array(set.labels.length > 0 ? n : 0);
  const ts = set.targetSize ?? 0;
  const targets = set.targets ? new Float32Array(n * ts) : undefined;
  for (let i = 0; i < n; i++) {
    const r = rows[i] as number;
    x.set(set.x.subarray(r * s, r * s + s), i * s);
    if (labels.length > 0) labels[i] = set.labels[r] as number;
    if (targets && set.targets) targets.set(set.targets.subarray(r * ts, r * ts + ts), i * ts);
  }
  return { x, labels, count: n, sampleSize: s, ...(targets ? { targets, targetSize: ts } : {}) };
}

/** Splits a whole set into train and test by a fixed permutation; returns the test rows' original indices too. */
export function fixedSplit(set: SampleSet, testSplit: number): { train: SampleSet; test: SampleSet; testRows: Uint32Array; trainRows: Uint32Array } {
  const order = permutation(set.count, seededRandom(SPLIT_SEED));
  const sizes = splitSizes(set.count, testSplit);
  const trainRows = order.subarray(0, sizes.train);
  const testRows = order.subarray(sizes.train);
  return { train: pickRows(set, trainRows), test: pickRows(set, testRows), trainRows, testRows };
}

/** Applies limits and holds out the last `validationSplit` of the (limited) training set. */
export function holdOut(
  train: SampleSet,
  test: SampleSet,
  options: { trainLimit: number | null; testLimit: number | null; validationSplit: number },
): { train: SampleSet; validation: SampleSet | null; test: SampleSet } {
  const all = options.trainLimit === null ? train : sliceSet(train, 0, Math.min(train.count, options.trainLimit));
  const t = options.testLimit === null ? test : sliceSet(test, 0, Math.min(test.count, options.testLimit));
  const validationCount = Math.floor(all.count * options.validationSplit);
  const trainCount = all.count - validationCount;
  if (trainCount < 1) throw new Error('The validation split leaves no training samples.');
  return {
    train: sliceSet(all, 0, trainCount),
    validation: validationCount > 0 ? sliceSet(all, trainCount, all.count) : null,
    test: t,
  };
}
