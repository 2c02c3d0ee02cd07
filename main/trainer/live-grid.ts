import * as tf from '@tensorflow/tfjs';
import { BOUNDARY_RANGE, LIVE_GRID_INTERVAL_MS, LIVE_GRID_SIZE, type DecisionGrid } from '../../shared/training/insight';
import { TWO_FEATURE_DATASETS } from '../../shared/training/runs';
import type { SampleSet } from './datasets/mnist';
import { gridPoints, positiveOf, trainingPoints } from './predict-grid';

/** The decision boundary while training: the model's prediction over a fixed grid, throttled. */
export interface LiveGrid {
  /** The grid now when `force` (the run's last batch) or `intervalMs` passed since the last one; otherwise null. */
  maybe(force: boolean): DecisionGrid | null;
  /** Frees the grid's points. */
  dispose(): void;
}

/**
 * A live grid for a two-feature data set and a model taking two features; null for
 * anything else. The grid's points are one tensor kept for the whole run.
 */
export function createLiveGrid(
  model: tf.LayersModel,
  dataset: string,
  train: SampleSet,
  options: { size?: number; intervalMs?: number; now?: () => number } = {},
): LiveGrid | null {
  const shape = model.inputs[0]?.shape ?? [];
  if (!(TWO_FEATURE_DATASETS as readonly string[]).includes(dataset) || model.inputs.length !== 1 || shape.length !== 2 || shape[1] !== 2) return null;
  const size = options.size ?? LIVE_GRID_SIZE;
  const intervalMs = options.intervalMs ?? LIVE_GRID_INTERVAL_MS;
  const now = options.now ?? Date.now;
  const request = { xRange: BOUNDARY_RANGE, yRange: BOUNDARY_RANGE, size };
  const n = size * size;
  const points = tf.tensor2d(gridPoints(request), [n, 2]);
  const shown = trainingPoints(train);
  let last = Number.NEGATIVE_INFINITY;
  let disposed = false;
  return {
    maybe(force) {
      const t = now();
      if (disposed || (!force && t - last < intervalMs)) return null;
      last = t;
      // One batch: predict would otherwise split the grid into batches of 32.
      const values = tf.tidy(() => (model.predict(points, { batchSize: n }) as tf.Tensor).dataSync());
      return { xRange: [...BOUNDARY_RANGE], yRange: [...BOUNDARY_RANGE], size, positive: positiveOf(values, n), points: shown };
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      points.dispose();
    },
  };
}
