import { describe, expect, it } from 'vitest';
import { formatSummaryTable, summarizeModel } from './model-summary';
import { chain, docWithGraph, exampleDoc } from '../trainer/test-helpers';

describe('summarizeModel', () => {
  it('lists the example in data-flow order with 101,770 parameters', () => {
    const s = summarizeModel(exampleDoc());
    expect(s.totalParams).toBe(784 * 128 + 128 + 128 * 10 + 10);
    expect(s.layers.map((l) => [l.id, l.outputShape, l.params])).toEqual([
      ['input', [null, 28, 28], 0],
      ['flatten', [null, 784], 0],
      ['hidden', [null, 128], 100_480],
      ['output', [null, 10], 1_290],
    ]);
    const table = formatSummaryTable(s);
    expect(table).toMatch(/hidden\s+Dense\s+\[\?, 128\]\s+100,480/);
    expect(table.split('\n').at(-1)).toBe('Total params: 101,770');
  });

  it('refuses an invalid graph with its first problem', () => {
    const doc = docWithGraph(chain(['in', 'Input', { shape: [4] }], ['d', 'Dense', { units: 0 }]));
    expect(() => summarizeModel(doc)).toThrow(/Units must be at least 1/);
  });
});
