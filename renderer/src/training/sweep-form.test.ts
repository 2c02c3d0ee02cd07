import { describe, expect, it } from 'vitest';
import { buildSweepSpec, metricsFor, newRow, rowKey, rowValuesText, sweepableLayers, type SweepFormFields, type SweepRowFields } from './sweep-form';
import { spiralsDoc as doc } from '../../../shared/training/sweep-test-fixtures';

const form = (rows: SweepRowFields[], extra: Partial<SweepFormFields> = {}): SweepFormFields => ({
  rows,
  strategy: 'grid',
  randomCount: '10',
  seed: '1',
  metric: 'test.accuracy',
  parallel: '1',
  ...extra,
});
const list = (id: string, target: SweepRowFields['target'], values: string, nodeId = '', param = ''): SweepRowFields => ({ ...newRow(doc, id, target, nodeId, param), mode: 'list', list: values });
const range = (id: string, target: SweepRowFields['target'], from: string, to: string, count: string, scale: 'linear' | 'log', nodeId = '', param = ''): SweepRowFields => ({
  ...newRow(doc, id, target, nodeId, param),
  mode: 'range',
  from,
  to,
  count,
  scale,
});

describe('sweep dialog fields to a spec', () => {
  it('turns a list and a log range into the back end keys and a grid of every combination', () => {
    const built = buildSweepSpec(doc, form([range('a', 'lr', '0.001', '0.1', '3', 'log'), list('b', 'layer', '4, 8,16', 'hidden1', 'units')]));
    if (!built.ok) throw new Error(JSON.stringify(built.errors));
    expect(built.spec).toEqual({
      axes: [
        { key: 'lr', values: '0.001..0.1:log:3' },
        { key: 'hidden1.units', values: '4, 8,16' },
      ],
      mode: 'grid',
      metric: 'test.accuracy',
      parallel: 1,
    });
    expect(built.trials).toHaveLength(9);
    expect(built.trials.map((t) => t['lr'])).toEqual([0.001, 0.001, 0.001, 0.01, 0.01, 0.01, 0.1, 0.1, 0.1]);
    expect(built.trials.map((t) => t['hidden1.units'])).toEqual([4, 8, 16, 4, 8, 16, 4, 8, 16]);
  });

  it('a linear range of a layer float; random draws take the count and seed', () => {
    const grid = buildSweepSpec(doc, form([range('a', 'layer', '0.1', '0.5', '5', 'linear', 'drop', 'rate')]));
    expect(grid.ok && grid.trials.map((t) => t['drop.rate'])).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    const random = buildSweepSpec(doc, form([range('a', 'lr', '0.0001', '0.1', '2', 'log')], { strategy: 'random', randomCount: '7', seed: '42' }));
    if (!random.ok) throw new Error('refused');
    expect(random.spec).toMatchObject({ mode: 'random', count: 7, seed: 42 });
    expect(random.trials).toHaveLength(7);
    for (const t of random.trials) {
      expect(t['lr']).toBeGreaterThanOrEqual(0.0001);
      expect(t['lr']).toBeLessThanOrEqual(0.1);
    }
    // Same seed, same draws.
    const again = buildSweepSpec(doc, form([range('a', 'lr', '0.0001', '0.1', '2', 'log')], { strategy: 'random', randomCount: '7', seed: '42' }));
    expect(again.ok && again.trials).toEqual(random.trials);
  });

  it('a setting with choices is a list even when the row was left on Range', () => {
    const built = buildSweepSpec(doc, form([{ ...list('a', 'optimizer', 'adam,sgd'), mode: 'range' }]));
    expect(built.ok && built.spec.axes).toEqual([{ key: 'optimizer', values: 'adam,sgd' }]);
    expect(built.ok && built.trials).toEqual([{ optimizer: 'adam' }, { optimizer: 'sgd' }]);
  });

  it('shows each problem at the row it belongs to, without the key prefix', () => {
    const built = buildSweepSpec(
      doc,
      form([
        list('a', 'lr', '0.01,abc'),
        range('b', 'batchSize', '64', '16', '3', 'linear'),
        range('c', 'epochs', '1', '10', '1', 'linear'),
        range('d', 'layer', '0', '1', '3', 'log', 'drop', 'rate'),
        list('e', 'layer', '0,8', 'hidden1', 'units'),
        list('f', 'optimizer', 'adam,nadam'),
        list('g', 'layer', '', 'hidden1', 'units'),
        { ...list('h', 'layer', '1'), nodeId: '', param: '' },
      ]),
    );
    expect(built.ok).toBe(false);
    if (built.ok) return;
    expect(built.errors.rows).toEqual({
      a: '"abc" is not a number.',
      b: '"To" must be larger than "From".',
      c: '"Count" must be from 2 to 500.',
      d: 'A log range needs numbers above 0.',
      e: 'hidden1.units=0: Units must be from 1 to 1000000.',
      f: '"nadam" is not one of sgd, adam, adamw, rmsprop, adagrad, adadelta.',
      g: 'Give values separated by commas, e.g. 32,64,128.',
      h: 'Pick a layer and one of its settings.',
    });
  });

  it('refuses a setting varied twice, no rows, bad counts, seeds and parallel runs', () => {
    const twice = buildSweepSpec(doc, form([list('a', 'lr', '0.1'), list('b', 'lr', '0.2')]));
    expect(!twice.ok && twice.errors.rows).toEqual({ b: 'Learning rate is varied twice; keep one row for it.' });
    const none = buildSweepSpec(doc, form([]));
    expect(!none.ok && none.errors.form).toBe('Add at least one setting to vary.');
    const bad = buildSweepSpec(doc, form([list('a', 'lr', '0.1')], { strategy: 'random', randomCount: '0', seed: '-1', parallel: '9' }));
    expect(!bad.ok && bad.errors).toMatchObject({ randomCount: 'Runs must be from 1 to 500.', seed: 'Seed must be a whole number from 0 to 2147483647.', parallel: 'Runs at once must be from 1 to 8.' });
    // The count and seed only matter for random sweeps.
    expect(buildSweepSpec(doc, form([list('a', 'lr', '0.1')], { randomCount: 'x', seed: 'y' })).ok).toBe(true);
  });

  it('refuses a grid over the run limit as a whole', () => {
    const big = buildSweepSpec(doc, form([range('a', 'lr', '0.001', '0.1', '30', 'log'), range('b', 'layer', '1', '100', '30', 'linear', 'hidden1', 'units')]));
    expect(!big.ok && big.errors.form).toMatch(/more than 500 runs/);
  });

  it('new rows start from the project: lr around the current rate, units halved and doubled', () => {
    expect(rowValuesText(newRow(doc, 'a', 'lr'))).toBe('0.001..0.01:log:3');
    expect(newRow(doc, 'a', 'batchSize').list).toBe('8,16,32');
    expect(newRow(doc, 'a', 'layer', 'hidden1', 'units').list).toBe('8,16,32');
    expect(newRow(doc, 'a', 'layer', 'hidden1', 'activation').list.split(',')).toHaveLength(2);
    expect(rowKey(newRow(doc, 'a', 'layer', 'drop', 'rate'))).toBe('drop.rate');
    expect(sweepableLayers(doc).map((l) => l.nodeId)).toEqual(['input', 'hidden1', 'drop', 'output']);
    expect(metricsFor('regression')[0]).toBe('test.loss');
    expect(metricsFor('classification')[0]).toBe('test.accuracy');
  });
});
