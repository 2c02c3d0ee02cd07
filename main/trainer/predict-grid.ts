import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { RunRecordSchema, TABULAR_DATASETS, TWO_FEATURE_DATASETS, type DecisionGrid, type GridRequest, type Range, type RunRecordData } from '../../shared/training/runs';
import { BOUNDARY_RANGE } from '../../shared/training/insight';
import { loadModelFromDir } from './save-model';
import { makeSynthetic, type SyntheticKind } from './datasets/synthetic';
import { fixedSplit } from './datasets/split';
import { loadDataset } from './datasets/load-dataset';
import type { SampleSet } from './datasets/mnist';
import { classGrid, heldInputs, numericFeatures, paddedRange, pickAxes, planeInputs, rawValues } from './feature-plane';
import { readOwnFile } from '../storage/safe-read';

const MAX_POINTS = 500;

function isTwoFeature(id: string): id is SyntheticKind {
  return (TWO_FEATURE_DATASETS as readonly string[]).includes(id);
}

/** A grid with its ranges decided. */
export interface PlaneGrid {
  readonly xRange: Range;
  readonly yRange: Range;
  readonly size: number;
}

/** The `size * size` cell centres, top row (largest y) first, each row from the smallest x. */
export function gridPoints(grid: PlaneGrid): Float32Array {
  const { size, xRange, yRange } = grid;
  const out = new Float32Array(size * size * 2);
  const dx = (xRange[1] - xRange[0]) / size;
  const dy = (yRange[1] - yRange[0]) / size;
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const i = (row * size + col) * 2;
      out[i] = xRange[0] + (col + 0.5) * dx;
      out[i + 1] = yRange[1] - (row + 0.5) * dy;
    }
  }
  return out;
}

/** Up to 500 of a set's points, evenly spread, to draw over the grid; `xy(i)` gives row i's two coordinates. */
export function trainingPoints(set: Pick<SampleSet, 'count' | 'labels' | 'x'>, xy: (i: number) => [number, number] = (i) => [set.x[i * 2] as number, set.x[i * 2 + 1] as number]): DecisionGrid['points'] {
  const step = Math.max(1, Math.ceil(set.count / MAX_POINTS));
  const points: DecisionGrid['points'] = [];
  for (let i = 0; i < set.count && points.length < MAX_POINTS; i += step) {
    const [x, y] = xy(i);
    points.push({ x, y, label: set.labels[i] as number });
  }
  return points;
}

/** P(class B) per grid point from `n` predictions of `width` units each: one sigmoid unit is P(B); with softmax, unit 1. */
export function positiveOf(values: ArrayLike<number>, n: number): number[] {
  return classGrid(values, n).positive;
}

function predictRows(model: tf.LayersModel, inputs: Float32Array, n: number): Float32Array {
  const shape = model.inputs[0]?.shape ?? [];
  const width = inputs.length / n;
  if (shape.length !== 2 || shape[1] !== width) throw new Error(`The model takes input of shape [${shape.slice(1).join(', ')}], not ${width} values.`);
  return tf.tidy(() => (model.predict(tf.tensor2d(inputs, [n, width]), { batchSize: n }) as tf.Tensor).dataSync() as Float32Array);
}

/** The two-feature sets: the plane itself, their training points over it. */
function syntheticGrid(model: tf.LayersModel, record: RunRecordData, dataset: SyntheticKind, request: GridRequest): DecisionGrid {
  const grid = { xRange: request.xRange ?? BOUNDARY_RANGE, yRange: request.yRange ?? BOUNDARY_RANGE, size: request.size };
  const n = grid.size * grid.size;
  const values = predictRows(model, gridPoints(grid), n);
  const { data } = record.settings;
  const { train } = fixedSplit(makeSynthetic(dataset, data.samples, data.noise), data.testSplit);
  return { ...grid, ...classGrid(values, n), points: trainingPoints(train) };
}

/** Tables: two numeric features across and up (in their own units), the other inputs at their training means. */
function tabularGrid(model: tf.LayersModel, record: RunRecordData, request: GridRequest): DecisionGrid {
  const pre = record.preprocessing;
  if (pre?.kind !== 'tabular') throw new Error('This run kept no record of how its table was encoded; train it again to draw its decision boundary.');
  if (pre.target) throw new Error(`The decision boundary is drawn for classification; this run predicts "${pre.target.name}" as a number.`);
  const numeric = numericFeatures(pre);
  const axes = pickAxes(numeric, request.features);
  let train: SampleSet;
  try {
    train = loadDataset(record.settings).train;
  } catch (error) {
    throw new Error(`The run's training data is needed to draw its decision boundary: ${error instanceof Error ? error.message : String(error)}`);
  }
  const xs = rawValues(train, axes.x);
  const ys = rawValues(train, axes.y);
  const grid = { xRange: request.xRange ?? paddedRange(xs), yRange: request.yRange ?? paddedRange(ys), size: request.size };
  const n = grid.size * grid.size;
  const values = predictRows(model, planeInputs(gridPoints(grid), heldInputs(pre, train), axes.x, axes.y), n);
  return {
    ...grid,
    ...classGrid(values, n),
    points: trainingPoints(train, (i) => [xs[i] as number, ys[i] as number]),
    classNames: pre.classNames,
    axes: {
      x: axes.x.name,
      y: axes.y.name,
      numeric: numeric.map((f) => f.name),
      heldAtMean: pre.columns.map((c) => c.name).filter((c) => c !== axes.x.name && c !== axes.y.name),
    },
  };
}

/**
 * Predicts a grid over a plane with a run's saved model, in one batch: for the two-feature
 * sets their own plane, for tables two numeric features with the others held at their
 * training means. Each cell has the probability of class B (and with more classes the most
 * likely one); the run's training points are drawn over it.
 */
export async function predictGridWithRun(runDir: string, request: GridRequest): Promise<DecisionGrid> {
  const record = RunRecordSchema.parse(JSON.parse(readOwnFile(path.join(runDir, 'run.json')).toString('utf8')));
  const { dataset } = record.settings;
  const tabular = (TABULAR_DATASETS as readonly string[]).includes(dataset);
  if (!isTwoFeature(dataset) && !tabular) {
    throw new Error(`A decision boundary needs a two-feature data set (xor, circles, spirals, gaussians) or a table (iris, wine, a CSV file); this run trained on ${dataset}.`);
  }
  if (!fs.existsSync(path.join(runDir, 'model.json'))) throw new Error('This run saved no model.');
  const model = await loadModelFromDir(runDir);
  try {
    return isTwoFeature(dataset) ? syntheticGrid(model, record, dataset, request) : tabularGrid(model, record, request);
  } finally {
    model.dispose();
  }
}
