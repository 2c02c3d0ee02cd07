import { describe, expect, it } from 'vitest';
import type { TrainEvent } from '../../shared/training/events';
import { CALLS } from '../../shared/api/contract';
import { testBackend } from './test-backend';
import type { TrainerLauncher } from './launcher';
import { MAX_LOGGED_BATCHES, MAX_LOGGED_INSIGHT, RunEventLog } from './training-manager';
import { exampleDoc } from '../trainer/test-helpers';

const batch = (runId: string, step: number, epoch: number): TrainEvent => ({
  type: 'batch',
  runId,
  epoch,
  batch: step,
  step,
  loss: 1 / (step + 1),
  accuracy: 0.5,
  samplesPerSec: 100,
  etaSec: 1,
});
const epochEvent = (runId: string, epoch: number, step: number): TrainEvent => ({
  type: 'epoch',
  runId,
  epoch,
  step,
  train: { loss: 1, accuracy: 0.5 },
  validation: null,
});

describe('RunEventLog', () => {
  it('keeps every non-batch event and the last batches, in arrival order', () => {
    const log = new RunEventLog(10);
    log.add({ type: 'evaluating', runId: 'r' });
    for (let step = 0; step < 100; step++) {
      log.add(batch('r', step, Math.floor(step / 25)));
      if (step % 25 === 24) log.add(epochEvent('r', Math.floor(step / 25), step));
    }
    const events = log.events();
    expect(events.filter((e) => e.type === 'epoch').map((e) => (e.type === 'epoch' ? e.epoch : -1))).toEqual([0, 1, 2, 3]);
    expect(events.filter((e) => e.type === 'batch').map((e) => (e.type === 'batch' ? e.step : -1))).toEqual([90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
    // Arrival order: the first event first, epoch 3 after batch 99, epochs 0-2 before the kept batches.
    expect(events[0]?.type).toBe('evaluating');
    expect(events.at(-1)).toMatchObject({ type: 'epoch', epoch: 3 });
    expect(events.findIndex((e) => e.type === 'batch')).toBe(4);
  });

  it('keeps only the latest decision grid, in its place among the others', () => {
    const log = new RunEventLog(10);
    const grid = (step: number): TrainEvent => ({
      type: 'grid',
      runId: 'r',
      epoch: 0,
      step,
      grid: { xRange: [-1.5, 1.5], yRange: [-1.5, 1.5], size: 1, positive: [step / 100], points: [] },
    });
    for (let step = 0; step < 50; step++) {
      log.add(grid(step));
      if (step === 20) log.add(epochEvent('r', 0, step));
    }
    const events = log.events();
    expect(events.map((e) => e.type)).toEqual(['epoch', 'grid']);
    expect(events[1]).toMatchObject({ step: 49 });
  });

  it('keeps the newest MAX_LOGGED_INSIGHT epochs of layer insight, with the epochs around them', () => {
    const log = new RunEventLog(10);
    const epochs = MAX_LOGGED_INSIGHT + 50;
    for (let epoch = 0; epoch < epochs; epoch++) {
      log.add(epochEvent('r', epoch, epoch));
      log.add({ type: 'insight', runId: 'r', epoch, layers: [] });
    }
    const events = log.events();
    const kept = events.flatMap((e) => (e.type === 'insight' ? [e.epoch] : []));
    expect(kept).toHaveLength(MAX_LOGGED_INSIGHT);
    expect(kept[0]).toBe(50);
    expect(kept.at(-1)).toBe(epochs - 1);
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(epochs);
  });

  it('is bounded by MAX_LOGGED_BATCHES for a long run', () => {
    const log = new RunEventLog();
    for (let step = 0; step < 20_000; step++) log.add(batch('r', step, 0));
    const events = log.events();
    expect(events).toHaveLength(MAX_LOGGED_BATCHES);
    expect(events[0]).toMatchObject({ step: 20_000 - MAX_LOGGED_BATCHES });
  });
});

describe('training.current', () => {
  it('answers the running run with its events so far, then null once it ended', async () => {
    let deliver: (m: unknown) => void = () => undefined;
    let exit: (code: number | null) => void = () => undefined;
    const launcher: TrainerLauncher = {
      launch: () => ({
        send: () => undefined,
        onMessage: (cb) => {
          deliver = cb;
        },
        onExit: (cb) => {
          exit = cb;
        },
        kill: () => undefined,
      }),
    };
    const { backend } = testBackend({ version: '1', launcher });
    expect(await backend.handle('training.current', {})).toEqual({ run: null });
    const { runId } = (await backend.handle('training.start', { doc: exampleDoc() })) as { runId: string };
    deliver({ type: 'event', event: batch(runId, 0, 0) });
    deliver({ type: 'event', event: epochEvent(runId, 0, 0) });
    deliver({ type: 'event', event: batch('another-run', 1, 0) });
    await backend.handle('training.pause', { runId });
    const answer = CALLS['training.current'].result.parse(await backend.handle('training.current', {}));
    expect(answer.run?.runId).toBe(runId);
    expect(answer.run?.paused).toBe(true);
    expect(answer.run?.events.map((e) => e.type)).toEqual(['batch', 'epoch']);
    deliver({ type: 'event', event: { type: 'done', runId, stopped: false, test: null, seconds: 1 } });
    exit(0);
    expect(await backend.handle('training.current', {})).toEqual({ run: null });
    await backend.dispose();
  });
});
