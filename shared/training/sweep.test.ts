import { describe, expect, it } from 'vitest';
import { spiralsDoc as doc } from './sweep-test-fixtures';
import { applyTrial, expandTrials, gridPoints, parseDomain, parseVary, rankTrials, sweepTarget, SweepError, type SweepSpec, type SweepTrial } from './sweep';

const spec = (axes: SweepSpec['axes'], extra: Partial<SweepSpec> = {}): SweepSpec => ({ axes, mode: 'grid', metric: 'auto', parallel: 1, ...extra });

describe('sweep values', () => {
  it('reads a log range as geometrically spaced points, ends included', () => {
    const points = gridPoints(parseDomain(sweepTarget(doc, 'lr'), '1e-4..1e-2:log:5', 'lr'));
    expect(points).toHaveLength(5);
    expect(points[0]).toBeCloseTo(1e-4, 12);
    expect(points[2]).toBeCloseTo(1e-3, 12);
    expect(points[4]).toBeCloseTo(1e-2, 12);
    // Each step multiplies by the same factor (10^0.5).
    expect((points[1] as number) / (points[0] as number)).toBeCloseTo(Math.sqrt(10), 4);
  });

  it('reads a linear range and rounds whole-number parameters', () => {
    expect(gridPoints(parseDomain(sweepTarget(doc, 'drop.rate'), '0.1..0.5:5', 'drop.rate'))).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(gridPoints(parseDomain(sweepTarget(doc, 'hidden1.units'), '16..128:log:4', 'hidden1.units'))).toEqual([16, 32, 64, 128]);
    expect(gridPoints(parseDomain(sweepTarget(doc, 'batchSize'), '16,32,16', 'batchSize'))).toEqual([16, 32]);
  });

  it('refuses what cannot be swept, with the reason', () => {
    expect(() => sweepTarget(doc, 'units')).toThrow(/lr, batchSize, epochs, optimizer or <layerId>.<param>/);
    // A bare layer parameter names the layers that have it (the fixture: two Dense layers, one Dropout).
    expect(() => sweepTarget(doc, 'units')).toThrow('"units" is a parameter of hidden1, output: name the layer, e.g. hidden1.units.');
    expect(() => sweepTarget(doc, 'rate')).toThrow('"rate" is a parameter of drop: name the layer, e.g. drop.rate.');
    expect(() => sweepTarget(doc, 'filters')).toThrow(/<layerId>.<param>\.$/);
    expect(() => sweepTarget(doc, 'hidden9.units')).toThrow(/no layer "hidden9"/);
    expect(() => sweepTarget(doc, 'hidden1.filters')).toThrow(/Dense has no parameter "filters"/);
    expect(() => sweepTarget(doc, 'input.shape')).toThrow(/shape/);
    expect(() => parseDomain(sweepTarget(doc, 'lr'), '0..1e-2:log:5', 'lr')).toThrow(/above 0/);
    expect(() => parseDomain(sweepTarget(doc, 'lr'), '1e-2..1e-4:5', 'lr')).toThrow(/smaller to a larger/);
    expect(() => parseDomain(sweepTarget(doc, 'hidden1.units'), '32,48.5', 'hidden1.units')).toThrow(/whole number/);
    expect(() => parseDomain(sweepTarget(doc, 'optimizer'), 'adam,lion', 'optimizer')).toThrow(/"lion" is not one of/);
    expect(() => expandTrials(doc, spec([{ key: 'hidden1.units', values: '0,8' }]))).toThrow(SweepError);
    expect(() => expandTrials(doc, spec([{ key: 'lr', values: '20' }]))).toThrow(/lr=20/);
    expect(() => parseVary('lr')).toThrow(/KEY=VALUES/);
    expect(parseVary('hidden1.units=32,64')).toEqual({ key: 'hidden1.units', values: '32,64' });
  });
});

describe('sweep runs', () => {
  it('a grid is every combination, the first key slowest', () => {
    const trials = expandTrials(doc, spec([{ key: 'lr', values: '0.01,0.001' }, { key: 'hidden1.units', values: '8,16,32' }]));
    expect(trials).toEqual([
      { lr: 0.01, 'hidden1.units': 8 },
      { lr: 0.01, 'hidden1.units': 16 },
      { lr: 0.01, 'hidden1.units': 32 },
      { lr: 0.001, 'hidden1.units': 8 },
      { lr: 0.001, 'hidden1.units': 16 },
      { lr: 0.001, 'hidden1.units': 32 },
    ]);
  });

  it('a random sweep draws `count` runs inside the ranges, the same ones for the same seed', () => {
    const s = spec([{ key: 'lr', values: '1e-4..1e-1:log' }, { key: 'optimizer', values: 'adam,sgd' }, { key: 'hidden1.units', values: '8..64' }], { mode: 'random', count: 200, seed: 3 });
    const a = expandTrials(doc, s);
    expect(a).toHaveLength(200);
    expect(expandTrials(doc, s)).toEqual(a);
    expect(expandTrials(doc, { ...s, seed: 4 })).not.toEqual(a);
    const lrs = a.map((t) => t['lr'] as number);
    expect(Math.min(...lrs)).toBeGreaterThanOrEqual(1e-4);
    expect(Math.max(...lrs)).toBeLessThanOrEqual(1e-1);
    // Log-uniform: about half the draws lie below the geometric middle (10^-2.5).
    const below = lrs.filter((v) => v < 10 ** -2.5).length;
    expect(below).toBeGreaterThan(70);
    expect(below).toBeLessThan(130);
    expect(new Set(a.map((t) => t['optimizer']))).toEqual(new Set(['adam', 'sgd']));
    expect(a.every((t) => Number.isInteger(t['hidden1.units']) && (t['hidden1.units'] as number) >= 8 && (t['hidden1.units'] as number) <= 64)).toBe(true);
  });

  it('sets each value in the project it trains, leaving the original alone', () => {
    const d = applyTrial(doc, { lr: 0.005, batchSize: 64, epochs: 3, optimizer: 'sgd', 'hidden1.units': 64, 'drop.rate': 0.5 });
    expect(d.training).toMatchObject({ learningRate: 0.005, batchSize: 64, epochs: 3, optimizer: 'sgd' });
    expect(d.graph.nodes.find((n) => n.id === 'hidden1')?.params['units']).toBe(64);
    expect(d.graph.nodes.find((n) => n.id === 'drop')?.params['rate']).toBe(0.5);
    expect(doc.graph.nodes.find((n) => n.id === 'hidden1')?.params['units']).toBe(16);
    expect(doc.training).toMatchObject({ learningRate: 0.01, batchSize: 16, epochs: 40 });
  });

  it('ranks by test accuracy (higher first) for classification and by loss (lower first) for regression; failures are not ranked', () => {
    const trial = (index: number, accuracy: number, loss: number, status: SweepTrial['status'] = 'done'): SweepTrial => ({
      index,
      values: {},
      status,
      runId: `r${index}`,
      test: status === 'done' ? { accuracy, loss } : null,
      validation: null,
      error: null,
    });
    const trials = [trial(0, 0.7, 0.5), trial(1, 0.9, 0.6), trial(2, 0, 0, 'error'), trial(3, 0.9, 0.2), trial(4, 0.5, 0.1)];
    expect(rankTrials(trials, 'auto', 'classification').map((t) => t.index)).toEqual([1, 3, 0, 4]);
    expect(rankTrials(trials, 'auto', 'regression').map((t) => t.index)).toEqual([4, 3, 0, 1]);
    expect(rankTrials(trials, 'test.loss', 'classification')[0]?.index).toBe(4);
  });
});
