import { describe, expect, it } from 'vitest';
import { formatSummaryTable, summarizeModel } from './model-summary';
import { chain, docWithGraph, exampleDoc } from '../trainer/test-helpers';
import { RESIDUAL_BLOCK } from '../../shared/graph/builtin-blocks';

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
    expect(table.split('\n').slice(-3)).toEqual(['Total params: 101,770', 'Trainable params: 101,770', 'Non-trainable params: 0']);
    // MACs: 784*128 + 128*10 multiply-accumulates per sample.
    expect(s.totalMacs).toBe(784 * 128 + 128 * 10);
    expect(table).toMatch(/hidden\s+Dense\s+\[\?, 128\]\s+100,480\s+100,352/);
    expect(table).toContain('Total MACs per sample: 101,632');
  });

  it('lists a block as the layers inside it, ids prefixed by the Block node; an inner error names the block', () => {
    const graph = chain(['in', 'Input', { shape: [8, 8, 32] }], ['res', 'Block', { block: RESIDUAL_BLOCK.id, inputs: 1 }]);
    graph.edges[0] = { ...graph.edges[0]!, targetPort: 'in1' };
    const s = summarizeModel({ ...docWithGraph(graph), blocks: [RESIDUAL_BLOCK] });
    expect(s.layers.map((l) => l.id)).toEqual(['in', 'res/conv1', 'res/bn1', 'res/relu1', 'res/conv2', 'res/bn2', 'res/add', 'res/relu2']);
    expect(s.totalParams).toBe(2 * (3 * 3 * 32 * 32 + 32) + 2 * 4 * 32);
    const narrow = chain(['in', 'Input', { shape: [8, 8, 16] }], ['res', 'Block', { block: RESIDUAL_BLOCK.id, inputs: 1 }]);
    narrow.edges[0] = { ...narrow.edges[0]!, targetPort: 'in1' };
    expect(() => summarizeModel({ ...docWithGraph(narrow), blocks: [RESIDUAL_BLOCK] })).toThrow(/^In block res: Add: /);
  });

  it('shows ? for MACs that depend on an unknown sequence length', () => {
    const doc = docWithGraph(chain(['in', 'Input', { shape: [null], dtype: 'int32' }], ['e', 'Embedding', { inputDim: 100, outputDim: 8 }], ['l', 'LSTM', { units: 4 }]));
    const s = summarizeModel(doc);
    expect(s.layers.map((l) => l.macs)).toEqual([0, 0, null]);
    expect(s.totalMacs).toBeNull();
    expect(formatSummaryTable(s)).toMatch(/Total MACs per sample: \?/);
  });

  it('refuses an invalid graph with its first problem', () => {
    const doc = docWithGraph(chain(['in', 'Input', { shape: [4] }], ['d', 'Dense', { units: 0 }]));
    expect(() => summarizeModel(doc)).toThrow(/Units must be at least 1/);
  });
});
