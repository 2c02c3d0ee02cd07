import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { makeSynthetic } from '../datasets/synthetic';
import { createLiveGrid } from '../live-grid';
import { createLiveGridCallback } from './live-grid';
import { batchLogs, fakeContext } from './test-context';

describe('live grid callback', () => {
  it('sends the decision grid when its interval passed and always after the run\'s last batch, then frees the grid', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1, activation: 'sigmoid' })] });
    let now = 0;
    const before = tf.memory().numTensors;
    const grid = createLiveGrid(model, 'xor', makeSynthetic('xor', 50, 0), { size: 8, intervalMs: 500, now: () => now });
    if (!grid) throw new Error('expected a live grid');
    const ctx = fakeContext(2);
    const cb = createLiveGridCallback(grid, ctx);
    const steps = () => ctx.events.map((e) => (e.type === 'grid' ? e.step : -1));
    cb.onBatchEnd?.(batchLogs(0, 0, 3)); // t 0: the first grid
    now = 100;
    cb.onBatchEnd?.(batchLogs(0, 1, 3));
    // The last batch of an epoch that is not the run's last waits for the interval.
    cb.onBatchEnd?.(batchLogs(0, 2, 3));
    expect(steps()).toEqual([0]);
    now = 600;
    cb.onBatchEnd?.(batchLogs(1, 0, 3));
    now = 700;
    cb.onBatchEnd?.(batchLogs(1, 1, 3));
    // The run's last batch shows the final boundary whatever the interval.
    cb.onBatchEnd?.(batchLogs(1, 2, 3));
    expect(steps()).toEqual([0, 3, 5]);
    const last = ctx.events.at(-1);
    expect(last).toMatchObject({ type: 'grid', runId: 'run-1', epoch: 1, step: 5 });
    if (last?.type === 'grid') expect(last.grid.positive).toHaveLength(64);
    cb.dispose?.();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('"stop after this epoch" makes the epoch under way final: its last batch sends the grid', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1, activation: 'sigmoid' })] });
    const grid = createLiveGrid(model, 'xor', makeSynthetic('xor', 50, 0), { size: 4, intervalMs: 10_000, now: () => 1 });
    if (!grid) throw new Error('expected a live grid');
    const ctx = fakeContext(5);
    const cb = createLiveGridCallback(grid, ctx);
    cb.onBatchEnd?.(batchLogs(0, 1, 2));
    cb.onBatchEnd?.(batchLogs(1, 1, 2));
    ctx.plan.stopAfterEpoch = true;
    cb.onBatchEnd?.(batchLogs(2, 1, 2));
    expect(ctx.events.map((e) => e.type === 'grid' && e.epoch)).toEqual([0, 2]);
    cb.dispose?.();
    model.dispose();
  });
});
