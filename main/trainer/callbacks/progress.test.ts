import { describe, expect, it } from 'vitest';
import type { BackendReport } from '../../../shared/training/events';
import { createProgress } from './progress';
import { batchLogs, epochLogs, fakeContext } from './test-context';

const backend: BackendReport = { backend: 'cpu', label: 'CPU', tried: [] };

describe('progress callback', () => {
  it('sends a batch event at most once per interval, plus every epoch\'s last batch, with throughput and time left', () => {
    const ctx = fakeContext(2);
    let t = 0;
    const progress = createProgress({ backend, trainSamples: 32 * 4, intervalMs: 100, memory: () => ({ tensors: 7, bytes: 700 }), now: () => t }, ctx);
    for (let epoch = 0; epoch < 2; epoch++) {
      for (let b = 0; b < 4; b++) {
        progress.onBatchEnd?.(batchLogs(epoch, b, 4));
        t += 40;
      }
    }
    const batches = ctx.events.filter((e) => e.type === 'batch');
    // t = 0 (sent), 40, 80, 120 (last of epoch 0), 160, 200, 240 (100 ms after 120), 280 (last of epoch 1).
    expect(batches.map((e) => e.type === 'batch' && e.step)).toEqual([0, 3, 6, 7]);
    const fourth = batches[1];
    // 4 batches of 32 in 40 ms: 3200 samples/s; 4 of 8 batches left.
    expect(fourth).toMatchObject({ epoch: 0, batch: 3, samplesPerSec: 3200, etaSec: 0.04, memory: { tensors: 7, bytes: 700 }, backend: 'cpu', runId: 'run-1' });
    expect(batches.at(-1)).toMatchObject({ etaSec: 0 });
  });

  it('sends an epoch event with the epoch\'s metrics and whether it was the best', () => {
    const ctx = fakeContext(3);
    const progress = createProgress({ backend, trainSamples: 10, intervalMs: 100, memory: () => ({ tensors: 1, bytes: 2 }) }, ctx);
    progress.onEpochEnd?.(epochLogs(1, 0.4, { best: true, seconds: 2.5, learningRate: 0.005 }));
    expect(ctx.events).toEqual([
      {
        type: 'epoch',
        runId: 'run-1',
        epoch: 1,
        step: 10,
        train: { loss: 0.4, accuracy: 0.96 },
        validation: { loss: 0.4, accuracy: 0.96 },
        learningRate: 0.005,
        best: true,
        memory: { tensors: 1, bytes: 2 },
        seconds: 2.5,
      },
    ]);
  });
});
