import { formatSweepValue, type SweepState, type SweepValue } from '../../../shared/training/sweep';
import { bestTrial, metricName, tableRows } from './sweep-rank';

/**
 * The parallel-coordinates plot's math: one vertical axis per varied setting and one for the
 * metric, each run a line through its values. Numbers on a linear or log scale, words (optimizers,
 * choices) evenly spaced in the order they were given. Positions run 0 (bottom) to 1 (top). Pure.
 */

export type PlotAxis =
  | { readonly kind: 'linear' | 'log'; readonly key: string; readonly label: string; readonly min: number; readonly max: number; readonly ticks: readonly number[] }
  | { readonly kind: 'category'; readonly key: string; readonly label: string; readonly categories: readonly string[] };

/** A range of a sweep key given as `from..to:log[:n]`. */
export function isLogRange(valuesText: string): boolean {
  return /\.\.[^:]*:\s*log\b/.test(valuesText);
}

const MAX_TICKS = 6;

function numericTicks(min: number, max: number, distinct: readonly number[], log: boolean, maxValueTicks: number, n: number): number[] {
  if (distinct.length <= maxValueTicks || min === max) return [...distinct].sort((a, b) => a - b);
  return Array.from({ length: n }, (_, i) => {
    const t = i / (n - 1);
    return log ? Math.exp(Math.log(min) + t * (Math.log(max) - Math.log(min))) : min + t * (max - min);
  });
}

/**
 * The axis for one key's values: words as categories (first-seen order), numbers linear, or log
 * when asked and every value is above 0. Ticks: the values themselves when there are at most
 * `maxValueTicks`, else `spread` ticks evenly over the range.
 */
export function valueAxis(key: string, label: string, values: readonly SweepValue[], log: boolean, maxValueTicks = MAX_TICKS, spread = 5): PlotAxis {
  if (values.some((v) => typeof v !== 'number')) {
    return { kind: 'category', key, label, categories: [...new Set(values.map(String))] };
  }
  const nums = values as readonly number[];
  const distinct = [...new Set(nums)];
  const min = distinct.length ? Math.min(...distinct) : 0;
  const max = distinct.length ? Math.max(...distinct) : 1;
  const useLog = log && min > 0;
  return { kind: useLog ? 'log' : 'linear', key, label, min, max, ticks: numericTicks(min, max, distinct, useLog, maxValueTicks, spread) };
}

/** Where a value sits on its axis, 0 (bottom) to 1 (top); an axis of one value puts it midway; null: not on the axis. */
export function axisPosition(axis: PlotAxis, value: SweepValue | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (axis.kind === 'category') {
    const i = axis.categories.indexOf(String(value));
    if (i < 0) return null;
    return axis.categories.length === 1 ? 0.5 : i / (axis.categories.length - 1);
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  if (axis.max === axis.min) return 0.5;
  if (axis.kind === 'log') {
    if (value <= 0) return null;
    return (Math.log(value) - Math.log(axis.min)) / (Math.log(axis.max) - Math.log(axis.min));
  }
  return (value - axis.min) / (axis.max - axis.min);
}

/** An axis's labelled ticks with their positions. */
export function axisTicks(axis: PlotAxis, format: (v: number) => string = (v) => formatSweepValue(v)): { label: string; pos: number }[] {
  if (axis.kind === 'category') return axis.categories.map((c) => ({ label: c, pos: axisPosition(axis, c) as number }));
  return axis.ticks.map((v) => ({ label: format(v), pos: axisPosition(axis, v) as number }));
}

export interface PlotLine {
  readonly index: number;
  readonly runId: string | null;
  /** One position per axis (null: no value there, e.g. no metric for a failed run). */
  readonly positions: readonly (number | null)[];
  readonly best: boolean;
  readonly failed: boolean;
}

/** The axes (varied settings in the sweep's order, then the metric) and one line per run that has started or ended. */
export function parallelCoordinates(state: SweepState, labelOf: (key: string) => string): { axes: PlotAxis[]; lines: PlotLine[] } {
  const rows = tableRows(state).filter((r) => r.status !== 'pending');
  const metric = metricName(state);
  const axes: PlotAxis[] = state.spec.axes.map((a) =>
    valueAxis(
      a.key,
      labelOf(a.key),
      state.trials.map((t) => t.values[a.key]).filter((v): v is SweepValue => v !== undefined),
      isLogRange(a.values),
    ),
  );
  const scores = rows.map((r) => r.score).filter((s): s is number => s !== null);
  // The metric's values are close together: its ticks are the lowest, middle and highest.
  axes.push(valueAxis('metric', `${metric.label} (${metric.higher ? 'higher' : 'lower'} is better)`, scores, false, 1, 3));
  const best = bestTrial(state);
  const lines = rows.map((r) => ({
    index: r.index,
    runId: r.runId,
    positions: axes.map((axis) => (axis.key === 'metric' ? axisPosition(axis, r.score) : axisPosition(axis, r.values[axis.key]))),
    best: r.index === best,
    failed: r.status === 'error',
  }));
  return { axes, lines };
}

/** Pixel layout: axis i at x, a position at y (SVG: y grows downwards). */
export function plotLayout(axisCount: number, box: { width: number; height: number; left: number; right: number; top: number; bottom: number }) {
  const inner = box.width - box.left - box.right;
  return {
    x: (i: number) => (axisCount <= 1 ? box.left + inner / 2 : box.left + (i * inner) / (axisCount - 1)),
    y: (pos: number) => box.top + (1 - pos) * (box.height - box.top - box.bottom),
  };
}
