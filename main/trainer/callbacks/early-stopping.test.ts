import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createEarlyStopping } from './early-stopping';
import { epochLogs, fakeContext } from './test-context';

function tinyModel(): tf.LayersModel {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
  return model;
}

/** Sets every weight of `model` to `v`. */
function fill(model: tf.LayersModel, v: number): void {
  const values = model.getWeights().map((w) => tf.fill(w.shape, v));
  model.setWeights(values);
  values.forEach((t) => t.dispose());
}

const firstWeight = (model: tf.LayersModel) => (model.getWeights()[0] as tf.Tensor).dataSync()[0];

describe('early stopping callback', () => {
  it('asks the loop to stop after `patience` epochs without improvement and restores the best epoch\'s weights', async () => {
    const model = tinyModel();
    const ctx = fakeContext(10);
    const before = tf.memory().numTensors;
    const es = createEarlyStopping(model, { patience: 2, restoreBestWeights: true }, () => true, ctx);
    fill(model, 1);
    await es.onEpochEnd?.(epochLogs(0, 1, { best: true }));
    fill(model, 2);
    await es.onEpochEnd?.(epochLogs(1, 0.5, { best: true }));
    fill(model, 3);
    await es.onEpochEnd?.(epochLogs(2, 0.7));
    expect(ctx.stopRequested).toBe(false);
    expect(es.stoppedAt).toBeNull();
    fill(model, 4);
    await es.onEpochEnd?.(epochLogs(3, 0.8));
    expect(ctx.stopRequested).toBe(true);
    expect(es.stoppedAt).toBe(3);
    await es.onTrainEnd?.();
    expect(firstWeight(model)).toBe(2);
    // One copy of the best weights (kernel and bias) is held until dispose.
    expect(tf.memory().numTensors).toBe(before + 2);
    es.dispose?.();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('waits at least one epoch with patience 0, never stops at the last epoch, and a stopped epoch neither counts nor resets', async () => {
    const model = tinyModel();
    const ctx = fakeContext(3);
    const es = createEarlyStopping(model, { patience: 0, restoreBestWeights: false }, () => true, ctx);
    await es.onEpochEnd?.(epochLogs(0, 1, { best: true }));
    expect(ctx.stopRequested).toBe(false);
    // The run's last epoch: no early stop to record.
    await es.onEpochEnd?.(epochLogs(2, 2));
    expect(ctx.stopRequested).toBe(false);

    const ctx2 = fakeContext(10);
    const es2 = createEarlyStopping(model, { patience: 2, restoreBestWeights: false }, () => true, ctx2);
    await es2.onEpochEnd?.(epochLogs(0, 1, { best: true }));
    await es2.onEpochEnd?.(epochLogs(1, 2));
    await es2.onEpochEnd?.(epochLogs(2, 3, { stopped: true }));
    expect(ctx2.stopRequested).toBe(false);
    await es2.onEpochEnd?.(epochLogs(3, 3));
    expect(es2.stoppedAt).toBe(3);
    model.dispose();
  });

  it('switched off (live control) it neither stops nor keeps or restores weights', async () => {
    const model = tinyModel();
    const ctx = fakeContext(10);
    let enabled = false;
    const before = tf.memory().numTensors;
    const es = createEarlyStopping(model, { patience: 1, restoreBestWeights: true }, () => enabled, ctx);
    fill(model, 1);
    await es.onEpochEnd?.(epochLogs(0, 1, { best: true }));
    expect(tf.memory().numTensors).toBe(before);
    fill(model, 5);
    await es.onEpochEnd?.(epochLogs(1, 2));
    await es.onEpochEnd?.(epochLogs(2, 2));
    expect(ctx.stopRequested).toBe(false);
    await es.onTrainEnd?.();
    expect(firstWeight(model)).toBe(5);
    // Switched on later: the patience already used up counts.
    enabled = true;
    await es.onEpochEnd?.(epochLogs(3, 2));
    expect(es.stoppedAt).toBe(3);
    es.dispose?.();
    model.dispose();
  });
});
