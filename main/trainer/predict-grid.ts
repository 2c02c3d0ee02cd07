import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { RunRecordSchema, TWO_FEATURE_DATASETS, type DecisionGrid, type GridRequest } from '../../shared/training/runs';
import { loadModelFromDir } from './save-model';
import { makeSynthetic, type SyntheticKind } from './datasets/synthetic';
import { fixedSplit } from './datasets/split';
import type { SampleSet } from './datasets/mnist';

const MAX_POINTS = 500;

function isTwoFeature(id: string): id is SyntheticKind {
  return (TWO_FEATURE_DATASETS as readonly string[]).includes(id);
}

/** The `size * size` cell centres, top row (largest y) first, each row from the smallest x. */
export function gridPoints(grid: GridRequest): Float32Array {
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

/** Up to 500 of a two-feature set's points, evenly spread, to draw over the grid. */
export function trainingPoints(set: SampleSet): DecisionGrid['points'] {
  const step = Math.max(1, Math.ceil(set.count / MAX_POINTS));
  const points: DecisionGrid['points'] = [];
  for (let i = 0; i < set.count && points.length < MAX_POINTS; i += step) {
    points.push({ x: set.x[i * 2] as number, y: set.x[i * 2 + 1] as number, label: set.labels[i] as number });
  }
  return points;
}

/** P(class B) per grid point from `n` predictions of `width` units each: one sigmoid unit is P(B); with softmax, unit 1. */
export function positiveOf(values: ArrayLike<number>, n: number): number[] {
  const width = values.length / n;
  if (!Number.isInteger(width) || width < 1) throw new Error('The model gives no output per point.');
  return Array.from({ length: n }, (_, i) => (width === 1 ? values[i] : values[i * width + 1]) as number);
}

/**
 * Predicts a grid over the plane with a two-feature run's saved model, in one batch,
 * with the probability of class B per cell, and the run's training points to draw over it.
 */
export async function predictGridWithRun(runDir: string, grid: GridRequest): Promise<DecisionGrid> {
  const record = RunRecordSchema.parse(JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8')));
  const { dataset, data } = record.settings;
  if (!isTwoFeature(dataset)) throw new Error(`A decision boundary needs a two-feature data set (xor, circles, spirals, gaussians); this run trained on ${dataset}.`);
  if (!fs.existsSync(path.join(runDir, 'model.json'))) throw new Error('This run saved no model.');
  const model = await loadModelFromDir(runDir);
  try {
    const shape = model.inputs[0]?.shape ?? [];
    if (shape.length !== 2 || shape[1] !== 2) throw new Error(`The model takes input of shape [${shape.slice(1).join(', ')}], not two features.`);
    const n = grid.size * grid.size;
    const values = tf.tidy(() => (model.predict(tf.tensor2d(gridPoints(grid), [n, 2]), { batchSize: n }) as tf.Tensor).dataSync());
    const positive = positiveOf(values, n);
    const { train } = fixedSplit(makeSynthetic(dataset, data.samples, data.noise), data.testSplit);
    const points = trainingPoints(train);
    return { xRange: grid.xRange, yRange: grid.yRange, size: grid.size, positive, points };
  } finally {
    model.dispose();
  }
}
