import { describe, expect, it } from 'vitest';
import type { TrainEvent } from '../../../shared/training/events';
import { idleTraining, reattachedTraining, reduceTraining, startingTraining, type TrainingState } from './training';

const backend = { backend: 'cpu', label: 'CPU', tried: [] };
const started: TrainEvent = { type: 'started', runId: 'r', backend, epochs: 2, batchesPerEpoch: 3, trainSamples: 90, validationSamples: 10, testSamples: 20 };
const hist = (mean: number) => ({ min: mean - 1, max: mean + 1, mean, std: 0.5, count: 3, counts: [1, 1, 1] });
const insight = (epoch: number): TrainEvent => ({
  type: 'insight',
  runId: 'r',
  epoch,
  layers: [{ layer: 'd', className: 'Dense', weights: [{ name: 'kernel', shape: [2, 3], histogram: hist(epoch) }], activation: null }],
});
const grid = (step: number, p: number): TrainEvent => ({
  type: 'grid',
  runId: 'r',
  epoch: 0,
  step,
  grid: { xRange: [-1.5, 1.5], yRange: [-1.5, 1.5], size: 1, positive: [p], points: [] },
});

const run = (events: TrainEvent[], from: TrainingState = startingTraining()) => events.reduce(reduceTraining, from);

describe('training reducer: insight and live grids', () => {
  it('starts with neither', () => {
    expect(idleTraining()).toMatchObject({ insight: [], grid: null });
  });

  it('appends each epoch’s insight in order and replaces an epoch reported twice', () => {
    const s = run([started, insight(0), insight(1)]);
    expect(s.insight.map((i) => i.epoch)).toEqual([0, 1]);
    const again = reduceTraining(s, { ...insight(1), layers: [] } as TrainEvent);
    expect(again.insight.map((i) => [i.epoch, i.layers.length])).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });

  it('keeps the latest grid, ignores an older one, and keeps it when the run ends', () => {
    let s = run([started, grid(2, 0.2), grid(5, 0.7)]);
    expect(s.grid?.step).toBe(5);
    s = reduceTraining(s, grid(4, 0.1));
    expect(s.grid?.grid.positive).toEqual([0.7]);
    s = run([{ type: 'evaluating', runId: 'r' }, { type: 'done', runId: 'r', stopped: false, test: null, seconds: 1 }], s);
    expect(s.status).toBe('done');
    expect(s.grid?.step).toBe(5);
  });

  it('ignores insight and grids of another run, and a new run starts without them', () => {
    const s = run([started, insight(0), grid(1, 0.5)]);
    const other = reduceTraining(s, { ...insight(1), runId: 'other' } as TrainEvent);
    expect(other).toBe(s);
    expect(reduceTraining(s, { ...grid(9, 0.9), runId: 'other' } as TrainEvent)).toBe(s);
    expect(run([{ ...started, runId: 'next' }])).toMatchObject({ insight: [], grid: null });
  });

  it('a reattaching UI gets the insight and the latest grid back from the replayed events', () => {
    const s = reattachedTraining('r', false, [started, grid(1, 0.3), insight(0), grid(3, 0.6)]);
    expect(s.insight).toHaveLength(1);
    expect(s.grid?.step).toBe(3);
    expect(s.status).toBe('running');
  });
});
