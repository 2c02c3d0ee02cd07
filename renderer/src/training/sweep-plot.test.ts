import { describe, expect, it } from 'vitest';
import { axisPosition, axisTicks, isLogRange, parallelCoordinates, plotLayout, valueAxis } from './sweep-plot';
import { sweepState } from '../../../shared/training/sweep-test-fixtures';

describe('parallel-coordinates scaling', () => {
  it('places numbers linearly from the smallest (0) to the largest (1)', () => {
    const axis = valueAxis('hidden1.units', 'Units', [16, 4, 8, 16], false);
    expect(axis).toMatchObject({ kind: 'linear', min: 4, max: 16, ticks: [4, 8, 16] });
    expect(axisPosition(axis, 4)).toBe(0);
    expect(axisPosition(axis, 8)).toBeCloseTo(1 / 3, 12);
    expect(axisPosition(axis, 16)).toBe(1);
  });

  it('places a log range by decades: 1e-3, 1e-2, 1e-1 evenly', () => {
    const axis = valueAxis('lr', 'Learning rate', [0.001, 0.01, 0.1], true);
    expect(axis.kind).toBe('log');
    expect(axisPosition(axis, 0.001)).toBeCloseTo(0, 12);
    expect(axisPosition(axis, 0.01)).toBeCloseTo(0.5, 12);
    expect(axisPosition(axis, 0.1)).toBeCloseTo(1, 12);
    // sqrt(10) steps are a quarter each.
    expect(axisPosition(axis, 0.001 * Math.sqrt(10))).toBeCloseTo(0.25, 12);
    // On a linear axis the same values crowd at the bottom.
    expect(axisPosition(valueAxis('lr', 'lr', [0.001, 0.01, 0.1], false), 0.01)).toBeCloseTo(0.0909, 3);
    // A log axis is asked only for positive values; otherwise it stays linear.
    expect(valueAxis('x', 'x', [0, 1, 10], true).kind).toBe('linear');
    expect(axisPosition(axis, -1)).toBeNull();
  });

  it('spaces words evenly in the order given; one value sits midway; unknown values are off the axis', () => {
    const axis = valueAxis('optimizer', 'Optimizer', ['sgd', 'adam', 'sgd', 'rmsprop'], false);
    expect(axis).toMatchObject({ kind: 'category', categories: ['sgd', 'adam', 'rmsprop'] });
    expect([axisPosition(axis, 'sgd'), axisPosition(axis, 'adam'), axisPosition(axis, 'rmsprop')]).toEqual([0, 0.5, 1]);
    expect(axisPosition(axis, 'adagrad')).toBeNull();
    expect(axisPosition(valueAxis('e', 'Epochs', [5, 5], false), 5)).toBe(0.5);
    expect(axisPosition(valueAxis('o', 'Optimizer', ['adam'], false), 'adam')).toBe(0.5);
  });

  it('ticks: the values themselves when few, else five spread over the range (geometrically on log)', () => {
    expect(axisTicks(valueAxis('u', 'Units', [32, 8, 16], false)).map((t) => [t.label, t.pos])).toEqual([
      ['8', 0],
      ['16', 1 / 3],
      ['32', 1],
    ]);
    const many = valueAxis('lr', 'lr', [1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2], true);
    expect(many.kind === 'log' && many.ticks.map((t) => Number(t.toPrecision(3)))).toEqual([1e-4, 3.16e-4, 1e-3, 3.16e-3, 1e-2]);
    expect(axisTicks(many).map((t) => t.pos)).toEqual([0, 0.25, 0.5, 0.75, 1].map((p) => expect.closeTo(p, 12)));
  });

  it('knows log ranges from the values text', () => {
    expect(isLogRange('1e-4..1e-2:log:5')).toBe(true);
    expect(isLogRange('1e-4..1e-2:lin:5')).toBe(false);
    expect(isLogRange('0.1,0.01')).toBe(false);
  });

  it('one axis per varied setting in the sweep order, then the metric; one line per started run, the best marked', () => {
    const s = sweepState(
      {
        axes: [
          { key: 'lr', values: '0.001..0.1:log:3' },
          { key: 'hidden1.units', values: '4,16' },
        ],
      },
      [
        { values: { lr: 0.001, 'hidden1.units': 4 }, accuracy: 0.5 },
        { values: { lr: 0.01, 'hidden1.units': 16 }, accuracy: 0.9 },
        { values: { lr: 0.1, 'hidden1.units': 4 }, status: 'error', error: 'NaN' },
        { values: { lr: 0.1, 'hidden1.units': 16 }, accuracy: 0.7 },
        { values: { lr: 0.001, 'hidden1.units': 16 }, status: 'pending' },
      ],
    );
    const { axes, lines } = parallelCoordinates(s, (k) => k.toUpperCase());
    expect(axes.map((a) => [a.key, a.kind])).toEqual([
      ['lr', 'log'],
      ['hidden1.units', 'linear'],
      ['metric', 'linear'],
    ]);
    expect(axes[0]?.label).toBe('LR');
    expect(axes[2]?.label).toBe('Test accuracy (higher is better)');
    // Metric ticks: lowest, middle, highest.
    expect(axisTicks(axes[2] as (typeof axes)[number]).map((t) => [t.label, t.pos])).toEqual([
      ['0.5', 0],
      ['0.7', expect.closeTo(0.5, 12)],
      ['0.9', 1],
    ]);
    // The pending run has no line yet; the failed one has no metric point.
    expect(lines.map((l) => l.index)).toEqual([0, 1, 2, 3]);
    expect(lines.map((l) => l.positions.map((p) => (p === null ? null : Number(p.toFixed(6)))))).toEqual([
      [0, 0, 0],
      [0.5, 1, 1],
      [1, 0, null],
      [1, 1, 0.5],
    ]);
    expect(lines.filter((l) => l.best).map((l) => l.index)).toEqual([1]);
    expect(lines.filter((l) => l.failed).map((l) => l.index)).toEqual([2]);
  });

  it('lays axes out left to right and positions bottom to top in pixels', () => {
    const layout = plotLayout(3, { width: 300, height: 200, left: 50, right: 50, top: 20, bottom: 30 });
    expect([layout.x(0), layout.x(1), layout.x(2)]).toEqual([50, 150, 250]);
    expect([layout.y(0), layout.y(1), layout.y(0.5)]).toEqual([170, 20, 95]);
    expect(plotLayout(1, { width: 300, height: 200, left: 50, right: 50, top: 0, bottom: 0 }).x(0)).toBe(150);
  });
});
