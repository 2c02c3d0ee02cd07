import { describe, expect, it } from 'vitest';
import { bestTrial, metricName, nextSort, sortRows, sweepProgress, tableRows } from './sweep-rank';
import { sweepState } from '../../../shared/training/sweep-test-fixtures';

const axes = [
  { key: 'lr', values: '0.01,0.1' },
  { key: 'optimizer', values: 'sgd,adam' },
];

describe('sweep ranking and the results table', () => {
  it('ranks by test accuracy for classification, ties to the earlier run, failed and unfinished runs out', () => {
    const s = sweepState({ axes }, [
      { values: { lr: 0.01, optimizer: 'sgd' }, accuracy: 0.7, loss: 0.5 },
      { values: { lr: 0.01, optimizer: 'adam' }, accuracy: 0.9, loss: 0.9 },
      { values: { lr: 0.1, optimizer: 'sgd' }, accuracy: 0.9, loss: 0.2 },
      { values: { lr: 0.1, optimizer: 'adam' }, status: 'error', error: 'NaN loss' },
    ]);
    expect(bestTrial(s)).toBe(1);
    expect(metricName(s)).toEqual({ label: 'Test accuracy', higher: true, isAccuracy: true });
    expect(tableRows(s).map((r) => r.score)).toEqual([0.7, 0.9, 0.9, null]);
    // Lower loss wins when the loss ranks (and for regression by default).
    expect(bestTrial({ ...s, spec: { ...s.spec, metric: 'test.loss' } })).toBe(2);
    expect(bestTrial({ ...s, task: 'regression' })).toBe(2);
    expect(metricName({ ...s, task: 'regression' })).toEqual({ label: 'Test loss', higher: false, isAccuracy: false });
    // A running run's test metrics do not count yet.
    const running = { ...s, trials: s.trials.map((t) => (t.index === 1 ? { ...t, status: 'running' as const } : t)) };
    expect(bestTrial(running)).toBe(2);
    expect(tableRows(running)[1]?.score).toBeNull();
  });

  it('ranks by validation metrics when asked', () => {
    const s = sweepState({ axes, metric: 'val.loss' }, [
      { values: { lr: 0.01, optimizer: 'sgd' }, accuracy: 0.9, validation: { loss: 0.4, accuracy: 0.8 } },
      { values: { lr: 0.1, optimizer: 'sgd' }, accuracy: 0.5, validation: { loss: 0.3, accuracy: 0.6 } },
    ]);
    expect(bestTrial(s)).toBe(1);
    expect(metricName(s).label).toBe('Validation loss');
  });

  it('sorts numbers as numbers, words alphabetically, empty cells last both ways, ties in run order', () => {
    const s = sweepState({ axes }, [
      { values: { lr: 0.1, optimizer: 'sgd' }, accuracy: 0.6 },
      { values: { lr: 0.01, optimizer: 'adam' }, status: 'error' },
      { values: { lr: 0.02, optimizer: 'sgd' }, accuracy: 0.8 },
      { values: { lr: 0.1, optimizer: 'adam' }, accuracy: 0.6 },
    ]);
    const rows = tableRows(s);
    const order = (column: Parameters<typeof sortRows>[1]['column'], dir: 'asc' | 'desc') => sortRows(rows, { column, dir }).map((r) => r.index);
    expect(order({ kind: 'metric' }, 'desc')).toEqual([2, 0, 3, 1]);
    expect(order({ kind: 'metric' }, 'asc')).toEqual([0, 3, 2, 1]);
    // 0.01 < 0.02 < 0.1 (as numbers, not as text: "0.1" < "0.02" would be wrong).
    expect(order({ kind: 'key', key: 'lr' }, 'asc')).toEqual([1, 2, 0, 3]);
    expect(order({ kind: 'key', key: 'lr' }, 'desc')).toEqual([0, 3, 2, 1]);
    expect(order({ kind: 'key', key: 'optimizer' }, 'asc')).toEqual([1, 3, 0, 2]);
    expect(order({ kind: 'run' }, 'desc')).toEqual([3, 2, 1, 0]);
    expect(order({ kind: 'status' }, 'asc')).toEqual([0, 2, 3, 1]);
    // The input is not reordered.
    expect(rows.map((r) => r.index)).toEqual([0, 1, 2, 3]);
  });

  it('a header click flips its own order; a new metric column starts best first', () => {
    expect(nextSort(null, { kind: 'metric' }, true)).toEqual({ column: { kind: 'metric' }, dir: 'desc' });
    expect(nextSort(null, { kind: 'metric' }, false)).toEqual({ column: { kind: 'metric' }, dir: 'asc' });
    const byLr = nextSort({ column: { kind: 'metric' }, dir: 'desc' }, { kind: 'key', key: 'lr' }, true);
    expect(byLr).toEqual({ column: { kind: 'key', key: 'lr' }, dir: 'asc' });
    expect(nextSort(byLr, { kind: 'key', key: 'lr' }, true).dir).toBe('desc');
    expect(nextSort(byLr, { kind: 'key', key: 'optimizer' }, true).dir).toBe('asc');
  });

  it('counts runs finished (done or failed), failed and training', () => {
    const s = sweepState({ axes }, [
      { values: { lr: 0.1, optimizer: 'sgd' }, accuracy: 0.6 },
      { values: { lr: 0.01, optimizer: 'adam' }, status: 'error' },
      { values: { lr: 0.02, optimizer: 'sgd' }, status: 'running' },
      { values: { lr: 0.1, optimizer: 'adam' }, status: 'pending' },
    ]);
    expect(sweepProgress(s)).toEqual({ done: 1, failed: 1, total: 4, running: [2], finished: 2 });
  });
});
