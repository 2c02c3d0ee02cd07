import { rankTrials, rankingMetric, trialScore, type SweepState, type SweepTrial, type SweepValue } from '../../../shared/training/sweep';
import { METRIC_LABELS } from './sweep-form';

/** The sweep's runs as its results table shows them, and their order. Pure. */

export interface SweepTableRow {
  readonly index: number;
  readonly runId: string | null;
  readonly status: SweepTrial['status'];
  readonly values: Readonly<Record<string, SweepValue>>;
  /** The ranking metric (null: none yet, or the run failed). */
  readonly score: number | null;
  readonly error: string | null;
}

/** A column: the run's number, a varied key, the metric or the status. */
export type SweepColumn = { readonly kind: 'run' } | { readonly kind: 'key'; readonly key: string } | { readonly kind: 'metric' } | { readonly kind: 'status' };
export interface SweepSort {
  readonly column: SweepColumn;
  readonly dir: 'asc' | 'desc';
}

export function tableRows(state: SweepState): SweepTableRow[] {
  return state.trials.map((t) => ({
    index: t.index,
    runId: t.runId,
    status: t.status,
    values: t.values,
    score: t.status === 'done' ? trialScore(t, state.spec.metric, state.task) : null,
    error: t.error,
  }));
}

/** The best run's index by the sweep's metric (ties: the earlier run), null before any finished. */
export function bestTrial(state: SweepState): number | null {
  return rankTrials(state.trials, state.spec.metric, state.task)[0]?.index ?? null;
}

/** "Test accuracy", "Test loss", …: what ranks the runs, with "higher/lower is better". */
export function metricName(state: Pick<SweepState, 'spec' | 'task'>): { label: string; higher: boolean; isAccuracy: boolean } {
  const r = rankingMetric(state.spec.metric, state.task);
  const key = `${r.set === 'validation' ? 'val' : 'test'}.${r.name}` as keyof typeof METRIC_LABELS;
  return { label: METRIC_LABELS[key], higher: r.higher, isAccuracy: r.name === 'accuracy' };
}

const STATUS_ORDER: Readonly<Record<SweepTrial['status'], number>> = { done: 0, running: 1, pending: 2, stopped: 3, error: 4 };

function cellValue(row: SweepTableRow, column: SweepColumn): number | string | null {
  switch (column.kind) {
    case 'run':
      return row.index;
    case 'key':
      return row.values[column.key] ?? null;
    case 'metric':
      return row.score;
    case 'status':
      return STATUS_ORDER[row.status];
  }
}

/**
 * The rows ordered by a column: numbers as numbers, words alphabetically; empty cells (no
 * metric yet, a failed run) last in either direction; equal cells keep the runs' order.
 */
export function sortRows(rows: readonly SweepTableRow[], sort: SweepSort): SweepTableRow[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = cellValue(a, sort.column);
    const y = cellValue(b, sort.column);
    if (x === null || y === null) return x === y ? a.index - b.index : x === null ? 1 : -1;
    let d: number;
    if (typeof x === 'number' && typeof y === 'number') d = x - y;
    else d = String(x).localeCompare(String(y), 'en', { numeric: true });
    return sign * d || a.index - b.index;
  });
}

/** The sort after clicking a column: the same column flips; a new one starts best-first for the metric, else ascending. */
export function nextSort(current: SweepSort | null, column: SweepColumn, higherIsBetter: boolean): SweepSort {
  const same = current && JSON.stringify(current.column) === JSON.stringify(column);
  if (same) return { column, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { column, dir: column.kind === 'metric' && higherIsBetter ? 'desc' : 'asc' };
}

/** Runs finished, failed, in all, and the ones training now. */
export function sweepProgress(state: SweepState): { done: number; failed: number; total: number; running: number[]; finished: number } {
  const done = state.trials.filter((t) => t.status === 'done').length;
  const failed = state.trials.filter((t) => t.status === 'error').length;
  return { done, failed, total: state.trials.length, running: state.trials.filter((t) => t.status === 'running').map((t) => t.index), finished: done + failed };
}
