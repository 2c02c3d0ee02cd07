import { describe, expect, it } from 'vitest';
import { CALLS } from '../api/contract';
import { ActivationsSchema } from './activations';
import { TrainEventSchema } from './events';
import { insightEpochLine, InsightFileSchema, insightHeaderLine, parseInsightLines } from './insight';
import { FromTrainerSchema, ToTrainerSchema } from './protocol';

const hist = { min: -1, max: 1, mean: 0, std: 0.5, count: 4, counts: [1, 2, 1] };
const layer = {
  layer: 'conv',
  className: 'Conv2D',
  weights: [{ name: 'kernel', shape: [3, 3, 1, 8], histogram: hist }],
  activation: { shape: [null, 26, 26, 8], histogram: hist },
};
const grid = { xRange: [-1.5, 1.5], yRange: [-1.5, 1.5], size: 2, positive: [0.1, 0.9, 0.5, 0.4], points: [{ x: 0, y: 0, label: 1 }] };

describe('insight and grid events', () => {
  it('accept an insight event and a grid event', () => {
    const insight = { type: 'insight', runId: 'r', epoch: 1, layers: [layer, { ...layer, layer: 'flat', weights: [], activation: null }] };
    expect(TrainEventSchema.parse(insight)).toEqual(insight);
    const g = { type: 'grid', runId: 'r', epoch: 0, step: 12, grid };
    expect(TrainEventSchema.parse(g)).toEqual(g);
  });

  it('reject fractional bin counts, a missing histogram and a grid without its step', () => {
    const bad = { ...layer, weights: [{ name: 'kernel', shape: [3], histogram: { ...hist, counts: [0.5] } }] };
    expect(TrainEventSchema.safeParse({ type: 'insight', runId: 'r', epoch: 0, layers: [bad] }).success).toBe(false);
    expect(TrainEventSchema.safeParse({ type: 'insight', runId: 'r', epoch: 0, layers: [{ ...layer, activation: { shape: [null, 2] } }] }).success).toBe(false);
    expect(TrainEventSchema.safeParse({ type: 'grid', runId: 'r', epoch: 0, grid }).success).toBe(false);
  });

  it('the insight file is versioned', () => {
    expect(InsightFileSchema.safeParse({ version: 1, probeSamples: 32, epochs: [{ epoch: 0, layers: [layer] }] }).success).toBe(true);
    expect(InsightFileSchema.safeParse({ version: 2, probeSamples: 32, epochs: [] }).success).toBe(false);
  });
});

describe('insight.jsonl', () => {
  const e0 = { epoch: 0, layers: [layer] };
  const e1 = { epoch: 1, layers: [] };

  it('reads a header and one line per epoch', () => {
    expect(parseInsightLines(insightHeaderLine(32) + insightEpochLine(e0) + insightEpochLine(e1))).toEqual({ version: 1, probeSamples: 32, epochs: [e0, e1] });
    expect(parseInsightLines(insightHeaderLine(8))).toEqual({ version: 1, probeSamples: 8, epochs: [] });
  });

  it('leaves out a last line cut short, refuses a damaged line before it, a missing header or another version', () => {
    const cut = insightEpochLine(e1).slice(0, 10);
    expect(parseInsightLines(insightHeaderLine(32) + insightEpochLine(e0) + cut).epochs).toEqual([e0]);
    expect(() => parseInsightLines(insightHeaderLine(32) + cut + '\n' + insightEpochLine(e0))).toThrow(/line 2 is damaged/);
    expect(() => parseInsightLines(insightEpochLine(e0))).toThrow(/header/);
    expect(() => parseInsightLines(insightHeaderLine(32).replace('"version":1', '"version":2'))).toThrow(/header/);
  });
});

describe('activations', () => {
  const maps = { kind: 'maps', channels: 8, width: 2, height: 1, maps: [[0, 1]], min: 0, max: 3 };
  const result = { sampleIndex: 3, sample: null, label: '7', testSize: 10, layers: [{ layer: 'conv', className: 'Conv2D', shape: [null, 1, 2, 8], view: maps }] };

  it('results carry feature maps or values, bounded', () => {
    expect(ActivationsSchema.parse(result)).toEqual(result);
    const tooMany = { ...maps, maps: Array.from({ length: 17 }, () => [0, 1]) };
    expect(ActivationsSchema.safeParse({ ...result, layers: [{ ...result.layers[0], view: tooMany }] }).success).toBe(false);
    const vector = { kind: 'vector', total: 300, values: new Array(257).fill(0), min: 0, max: 0 };
    expect(ActivationsSchema.safeParse({ ...result, layers: [{ ...result.layers[0], view: vector }] }).success).toBe(false);
  });

  it('the contract call takes a run and a test index or an input; path params and indices are checked', () => {
    const params = CALLS['runs.activations'].params;
    expect(params.safeParse({ projectPath: null, runId: 'r', sampleIndex: 4 }).success).toBe(true);
    expect(params.safeParse({ projectPath: '/p/a.nwproj', runId: 'r', input: { kind: 'raw', values: [0.5, 0.5] } }).success).toBe(true);
    expect(params.safeParse({ projectPath: null, runId: 'r', sampleIndex: -1 }).success).toBe(false);
    expect(params.safeParse({ projectPath: null, runId: 'r', sampleIndex: 1.5 }).success).toBe(false);
    expect(params.safeParse({ projectPath: '', runId: 'r', sampleIndex: 0 }).success).toBe(false);
    expect(CALLS['runs.insight'].params.safeParse({ projectPath: null, runId: 'r' }).success).toBe(true);
    expect(CALLS['runs.insight'].params.safeParse({ runId: 'r' }).success).toBe(false);
  });

  it('the trainer protocol carries activation requests and replies', () => {
    expect(ToTrainerSchema.safeParse({ type: 'activations', runDir: '/tmp/r', sampleIndex: 0 }).success).toBe(true);
    expect(FromTrainerSchema.safeParse({ type: 'activations', activations: result }).success).toBe(true);
    expect(FromTrainerSchema.safeParse({ type: 'activations', activations: { ...result, layers: 3 } }).success).toBe(false);
  });
});
