import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING } from '../../../shared/graph/document';
import type { AppliedChange, RunChange } from '../../../shared/training/control';
import { LiveControl } from '../live-control';
import { createLiveControlCallback } from './live-control';
import { epochLogs, fakeContext } from './test-context';

/** A live control over 4 epochs of 3 batches whose queue hands out `changes[n]` on its n-th poll. */
function live(changes: Record<number, RunChange[]>, applied: AppliedChange[] = []) {
  let polls = 0;
  return new LiveControl({
    settings: { learningRate: 0.1, lrSchedule: { kind: 'constant' }, earlyStopping: DEFAULT_TRAINING.earlyStopping },
    batchesPerEpoch: 3,
    epochs: 4,
    take: () => changes[polls++] ?? [],
    checkpoint: (step) => Promise.resolve(`checkpoints/step-${step}`),
    applied: (c) => applied.push(c),
  });
}

const inputs = tf.zeros([1, 1]);
const learningRateOf = (o: tf.Optimizer) => (o as unknown as { learningRate: number }).learningRate;

describe('live control callback', () => {
  it('applies a change before the next batch and sets that batch\'s learning rate on the optimizer and the context', async () => {
    const applied: AppliedChange[] = [];
    // Polls: epoch 0 begins (0), batch 1 (1), batch 2 (2): the change arrives with the third poll.
    const control = live({ 2: [{ kind: 'learningRate', learningRate: 0.02 }] }, applied);
    const optimizer = tf.train.sgd(0.1);
    const ctx = fakeContext(4);
    const cb = createLiveControlCallback(control, optimizer, ctx);
    const rates: number[] = [];
    await cb.onEpochBegin?.(0, 0);
    for (let b = 0; b < 3; b++) {
      await cb.onBatchBegin?.({ epoch: 0, batch: b, step: b, inputs });
      rates.push(learningRateOf(optimizer));
      expect(ctx.learningRate).toBe(learningRateOf(optimizer));
    }
    expect(rates).toEqual([0.1, 0.1, 0.02]);
    expect(applied.map((c) => [c.step, c.change.kind])).toEqual([[2, 'learningRate']]);
    optimizer.dispose();
  });

  it('polls before an epoch\'s first batch only at the epoch\'s beginning, where a change of epochs takes effect', async () => {
    const control = live({ 0: [{ kind: 'epochs', epochs: 2 }] });
    const optimizer = tf.train.sgd(0.1);
    const cb = createLiveControlCallback(control, optimizer, fakeContext(4));
    await cb.onEpochBegin?.(1, 3);
    expect(control.epochs).toBe(2);
    // Batch 0 does not poll again: the queue's next answer stays for batch 1.
    const control2 = live({ 1: [{ kind: 'epochs', epochs: 3 }] });
    const cb2 = createLiveControlCallback(control2, optimizer, fakeContext(4));
    await cb2.onEpochBegin?.(0, 0);
    await cb2.onBatchBegin?.({ epoch: 0, batch: 0, step: 0, inputs });
    expect(control2.epochs).toBe(4);
    await cb2.onBatchBegin?.({ epoch: 0, batch: 1, step: 1, inputs });
    expect(control2.epochs).toBe(3);
    optimizer.dispose();
  });

  it('"stop after this epoch" asks the loop to stop once the epoch is done, unless the user already stopped it', async () => {
    const optimizer = tf.train.sgd(0.1);
    const control = live({ 1: [{ kind: 'stopAfterEpoch', enabled: true }] });
    const ctx = fakeContext(4);
    const cb = createLiveControlCallback(control, optimizer, ctx);
    await cb.onEpochBegin?.(0, 0);
    await cb.onBatchBegin?.({ epoch: 0, batch: 0, step: 0, inputs });
    await cb.onBatchBegin?.({ epoch: 0, batch: 1, step: 1, inputs });
    expect(ctx.stopRequested).toBe(false);
    await cb.onEpochEnd?.(epochLogs(0, 1, { stopped: true }));
    expect(ctx.stopRequested).toBe(false);
    await cb.onEpochEnd?.(epochLogs(0, 1));
    expect(ctx.stopRequested).toBe(true);
    optimizer.dispose();
  });

  it('reduce-on-plateau hears each epoch\'s monitored loss', async () => {
    const optimizer = tf.train.sgd(0.1);
    const control = new LiveControl({
      settings: { learningRate: 0.1, lrSchedule: { kind: 'reduceOnPlateau', patience: 1, factor: 0.5, minLearningRate: 0 }, earlyStopping: DEFAULT_TRAINING.earlyStopping },
      batchesPerEpoch: 1,
      epochs: 5,
      checkpoint: () => Promise.resolve(''),
      applied: () => undefined,
    });
    const ctx = fakeContext(5);
    const cb = createLiveControlCallback(control, optimizer, ctx);
    const rates: number[] = [];
    for (const [epoch, loss] of [1, 1, 1, 1].entries()) {
      await cb.onEpochBegin?.(epoch, epoch);
      await cb.onBatchBegin?.({ epoch, batch: 0, step: epoch, inputs });
      rates.push(ctx.learningRate);
      await cb.onEpochEnd?.(epochLogs(epoch, loss));
    }
    // No improvement after the first epoch: each epoch's end halves the next one's rate.
    expect(rates).toEqual([0.1, 0.1, 0.05, 0.025]);
    optimizer.dispose();
  });
});
