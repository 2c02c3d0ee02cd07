import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING, type Graph } from '../graph/document';
import { defaultRunName, settingLabel, valueText } from './run-names';

const graph = (filters: number, extra = false): Graph => ({
  nodes: [
    { id: 'input', type: 'Input', position: { x: 0, y: 0 }, params: { shape: [28, 28, 1] } },
    { id: 'conv2d', type: 'Conv2D', position: { x: 0, y: 0 }, params: { filters, kernelSize: [3, 3] } },
    ...(extra ? [{ id: 'dropout', type: 'Dropout', position: { x: 0, y: 0 }, params: { rate: 0.3 } }] : []),
  ],
  edges: [],
});

describe('defaultRunName', () => {
  it('names the first run by its number', () => {
    expect(defaultRunName(null, { settings: DEFAULT_TRAINING, graph: graph(32) }, 1)).toBe('Run 1');
  });

  it('says which layer parameters and settings differ from the previous run, parameters first', () => {
    const prev = { settings: DEFAULT_TRAINING, graph: graph(32) };
    const next = { settings: { ...DEFAULT_TRAINING, learningRate: 0.002 }, graph: graph(16) };
    expect(defaultRunName(prev, next, 2)).toBe('filters 16 · lr 0.002');
  });

  it('uses friendly setting names and shows at most three differences', () => {
    const prev = { settings: DEFAULT_TRAINING, graph: graph(32) };
    const next = { settings: { ...DEFAULT_TRAINING, trainLimit: 3000, epochs: 7, batchSize: 128, earlyStopping: { ...DEFAULT_TRAINING.earlyStopping, enabled: true } }, graph: graph(32, true) };
    expect(defaultRunName(prev, next, 5)).toBe('+Dropout · batch size 128 · early stopping on · +2 more');
  });

  it('marks a run that repeats the previous one', () => {
    const same = { settings: DEFAULT_TRAINING, graph: graph(32) };
    expect(defaultRunName(same, same, 3)).toBe('Run 3 (same)');
  });

  it('names removed layers and multi-word parameters readably', () => {
    const prev = { settings: DEFAULT_TRAINING, graph: graph(32, true) };
    const next = { settings: DEFAULT_TRAINING, graph: { nodes: graph(32).nodes.map((n) => (n.id === 'conv2d' ? { ...n, params: { ...n.params, kernelSize: [5, 5] } } : n)), edges: [] } };
    expect(defaultRunName(prev, next, 2)).toBe('kernel size 5×5 · −Dropout');
  });
});

describe('settingLabel and valueText', () => {
  it('reads setting paths as words', () => {
    expect(settingLabel('trainLimit')).toBe('training samples');
    expect(settingLabel('optimizerOptions.momentum')).toBe('momentum');
    expect(settingLabel('lrSchedule.somethingNew')).toBe('lr schedule');
    expect(settingLabel('unknownSetting')).toBe('unknownSetting');
  });
  it('shows values short', () => {
    expect(valueText(null)).toBe('all');
    expect(valueText(0.0020000001)).toBe('0.002');
    expect(valueText(true)).toBe('on');
    expect(valueText('adam')).toBe('adam');
  });
});
