import { describe, expect, it } from 'vitest';
import mnistText from '../../resources/examples/mnist-mlp.nwproj?raw';
import { TrainEventSchema } from './events';
import { FromTrainerSchema, ToTrainerSchema } from './protocol';

const backend = { backend: 'cpu', label: 'CPU', tried: [{ name: 'tensorflow', ok: false, reason: 'not installed' }] };

describe('training events', () => {
  it('accept each kind of event', () => {
    const events = [
      { type: 'started', runId: 'r', backend, epochs: 1, batchesPerEpoch: 10, trainSamples: 320, validationSamples: 0, testSamples: 100 },
      { type: 'batch', runId: 'r', epoch: 0, batch: 3, step: 3, loss: 0.5, accuracy: 0.8, samplesPerSec: 1000, etaSec: 2 },
      { type: 'epoch', runId: 'r', epoch: 0, step: 9, train: { loss: 0.4, accuracy: 0.9 }, validation: null },
      { type: 'evaluating', runId: 'r' },
      { type: 'done', runId: 'r', stopped: false, test: { loss: 0.3, accuracy: 0.91 }, seconds: 4.2 },
      { type: 'error', runId: 'r', message: 'out of memory' },
    ];
    for (const e of events) expect(TrainEventSchema.parse(e), e.type).toEqual(e);
  });

  it('reject unknown types, fractional counters and missing run ids', () => {
    expect(TrainEventSchema.safeParse({ type: 'progress', runId: 'r' }).success).toBe(false);
    expect(TrainEventSchema.safeParse({ type: 'epoch', runId: 'r', epoch: 0.5, step: 1, train: { loss: 1, accuracy: 0 }, validation: null }).success).toBe(false);
    expect(TrainEventSchema.safeParse({ type: 'evaluating', runId: '' }).success).toBe(false);
  });
});

describe('trainer protocol', () => {
  it('a train message carries a valid project document', () => {
    const doc = JSON.parse(mnistText) as Record<string, unknown>;
    expect(ToTrainerSchema.safeParse({ type: 'train', runId: 'r', doc, runDir: '/tmp/run' }).success).toBe(true);
    expect(ToTrainerSchema.safeParse({ type: 'train', runId: 'r', doc: { ...doc, format: 'other' }, runDir: '/tmp/run' }).success).toBe(false);
    expect(ToTrainerSchema.safeParse({ type: 'stop' }).success).toBe(true);
  });

  it('trainer replies wrap events, a failure with its message, or a result', () => {
    expect(FromTrainerSchema.safeParse({ type: 'event', event: { type: 'evaluating', runId: 'r' } }).success).toBe(true);
    expect(FromTrainerSchema.safeParse({ type: 'event', event: { type: 'nope' } }).success).toBe(false);
    // The trainer no longer exports (exports are built in the host's worker): no 'exported' reply.
    expect(FromTrainerSchema.safeParse({ type: 'exported', files: ['model.json'] }).success).toBe(false);
    expect(FromTrainerSchema.safeParse({ type: 'failed', message: 'out of memory' }).success).toBe(true);
    expect(FromTrainerSchema.safeParse({ type: 'failed' }).success).toBe(false);
  });
});
