import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { histogram, INSIGHT_FILE, LIVE_GRID_SIZE, parseInsightLines } from '../../shared/training/insight';
import { TrainEventSchema, type BackendReport, type TrainEvent } from '../../shared/training/events';
import { loadBestBackend } from './backend-loader';
import { activationView, createInsightProbe, createRunInsight, layerActivations } from './layer-insight';
import { createLiveGrid } from './live-grid';
import { runTraining } from './train';
import { chain, docWithGraph } from './test-helpers';
import { makeSynthetic } from './datasets/synthetic';

let backend: BackendReport;
beforeAll(async () => {
  backend = await loadBestBackend();
});

function smallCnn(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 1], name: 'img' });
  const conv = tf.layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu', name: 'conv' }).apply(input) as tf.SymbolicTensor;
  const flat = tf.layers.flatten({ name: 'flat' }).apply(conv) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' }).apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

describe('histogram', () => {
  it('matches a hand-computed case: bins, min, max, mean and population std; non-finite values left out', () => {
    // Four bins of width 1 over [0, 4]; 4 (the max) falls in the last bin.
    const h = histogram([0, 1, 2, 3, 4, Number.NaN, Number.POSITIVE_INFINITY], 4);
    expect(h.counts).toEqual([1, 1, 1, 2]);
    expect(h).toMatchObject({ min: 0, max: 4, mean: 2, count: 5 });
    expect(h.std).toBeCloseTo(Math.sqrt(2), 12);
  });

  it('puts equal values in the first bin and reports empty input as zeros', () => {
    expect(histogram([3, 3, 3], 5)).toEqual({ min: 3, max: 3, mean: 3, std: 0, count: 3, counts: [3, 0, 0, 0, 0] });
    expect(histogram([], 3)).toEqual({ min: 0, max: 0, mean: 0, std: 0, count: 0, counts: [0, 0, 0] });
  });

  it('has 30 bins by default that add up to the count', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i));
    const h = histogram(values);
    expect(h.counts).toHaveLength(30);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(1000);
  });
});

describe('insight probe', () => {
  it('gives each layer its weight histograms and its activation histogram over the probe batch', () => {
    const model = smallCnn();
    const x = Float32Array.from({ length: 4 * 64 }, (_, i) => (i % 7) / 7);
    const probe = createInsightProbe(model, x, [4, 8, 8, 1], 'float32');
    const insight = probe.compute(0);
    expect(insight.layers.map((l) => [l.layer, l.className])).toEqual([
      ['conv', 'Conv2D'],
      ['flat', 'Flatten'],
      ['out', 'Dense'],
    ]);
    const conv = insight.layers[0];
    expect(conv?.weights.map((w) => [w.name, w.shape])).toEqual([
      ['kernel', [3, 3, 1, 3]],
      ['bias', [3]],
    ]);
    expect(conv?.weights[0]?.histogram.count).toBe(27);
    expect(conv?.activation?.shape).toEqual([null, 6, 6, 3]);
    // 4 samples x 6 x 6 x 3 values; relu: nothing below 0.
    expect(conv?.activation?.histogram.count).toBe(4 * 6 * 6 * 3);
    expect(conv?.activation?.histogram.min).toBeGreaterThanOrEqual(0);
    expect(insight.layers[1]?.weights).toEqual([]);
    // Softmax outputs lie in 0..1 and average 1/2 over two units.
    expect(insight.layers[2]?.activation?.histogram.mean).toBeCloseTo(0.5, 5);
    probe.dispose();
    model.dispose();
  });

  it('keeps the tensor count flat across epochs, follows weight changes and frees its batch on dispose', () => {
    const before = tf.memory().numTensors;
    const model = smallCnn();
    const afterModel = tf.memory().numTensors;
    const probe = createInsightProbe(model, new Float32Array(2 * 64).fill(0.5), [2, 8, 8, 1], 'float32');
    const first = probe.compute(0);
    const counts: number[] = [];
    for (let e = 1; e <= 5; e++) {
      probe.compute(e);
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts).size).toBe(1);
    // Weights changed between epochs show in the next histograms.
    const tripled = model.getLayer('out').getWeights().map((w) => tf.tidy(() => w.mul(3)));
    model.getLayer('out').setWeights(tripled);
    tf.dispose(tripled);
    const later = probe.compute(6);
    expect(later.layers[2]?.weights[0]?.histogram.max).not.toBeCloseTo(first.layers[2]?.weights[0]?.histogram.max ?? 0, 5);
    probe.dispose();
    expect(tf.memory().numTensors).toBe(afterModel);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('insight of unusual graphs', () => {
  it('skips a layer applied twice (it has no single output) and keeps the others', () => {
    const input = tf.input({ shape: [3] });
    const shared = tf.layers.dense({ units: 3, name: 'shared' });
    const twice = shared.apply(shared.apply(input)) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 1, name: 'out' }).apply(twice) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    const probe = createInsightProbe(model, new Float32Array(6).fill(1), [2, 3], 'float32');
    expect(probe.compute(0).layers.map((l) => l.layer)).toEqual(['out']);
    probe.dispose();
    model.dispose();
  });

  it('a run insight that cannot write its file gives null and frees its batch, without throwing', () => {
    const model = smallCnn();
    const before = tf.memory().numTensors;
    const set = { x: new Float32Array(3 * 64).fill(0.5), labels: new Uint8Array(3), count: 3, sampleSize: 64 };
    // A file where the run folder should be: the folder cannot be made.
    const blocked = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nw-insight-')), 'file');
    fs.writeFileSync(blocked, 'x');
    const insight = createRunInsight(model, set, [8, 8, 1], 'float32', path.join(blocked, 'run'));
    expect(insight).not.toBeNull();
    expect(insight?.record(0)).toBeNull();
    expect(insight?.record(1)).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
    insight?.dispose();
    expect(createRunInsight(model, null, [8, 8, 1], 'float32', blocked)).toBeNull();
    model.dispose();
  });
});

describe('activations of one example', () => {
  it('shows conv outputs as at most 16 maps of at most 32x32, scaled to 0..1, and caps vectors at 256 values', () => {
    const shape = [64, 40, 20];
    const values = Float32Array.from({ length: 64 * 40 * 20 }, (_, i) => i % 20);
    const view = activationView(values, shape);
    if (view.kind !== 'maps') throw new Error('expected maps');
    expect(view).toMatchObject({ channels: 20, width: 20, height: 32, min: 0, max: 19 });
    expect(view.maps).toHaveLength(16);
    expect(view.maps[0]?.length).toBe(20 * 32);
    // Channel c holds the value c everywhere: its map is c / 19.
    expect(view.maps[5]?.every((v) => Math.abs(v - 5 / 19) < 1e-6)).toBe(true);

    const vector = activationView(Float32Array.from({ length: 1000 }, (_, i) => i), [1000]);
    expect(vector).toMatchObject({ kind: 'vector', total: 1000, min: 0, max: 999 });
    if (vector.kind === 'vector') expect(vector.values).toHaveLength(256);
  });

  it('runs one example through every layer and frees what it made', () => {
    const model = smallCnn();
    const before = tf.memory().numTensors;
    const layers = layerActivations(model, new Float32Array(64).fill(1), [8, 8, 1], 'float32');
    expect(tf.memory().numTensors).toBe(before);
    expect(layers.map((l) => [l.layer, l.shape, l.view.kind])).toEqual([
      ['conv', [null, 6, 6, 3], 'maps'],
      ['flat', [null, 108], 'vector'],
      ['out', [null, 2], 'vector'],
    ]);
    const out = layers[2]?.view;
    if (out?.kind === 'vector') expect((out.values[0] ?? 0) + (out.values[1] ?? 0)).toBeCloseTo(1, 5);
    model.dispose();
  });
});

describe('live decision grid', () => {
  it('predicts the grid at an epoch end and at most once per interval otherwise; none for other data', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1, activation: 'sigmoid' })] });
    let now = 0;
    const set = makeSynthetic('xor', 100, 0);
    const live = createLiveGrid(model, 'xor', set, { size: 10, intervalMs: 500, now: () => now });
    if (!live) throw new Error('expected a live grid');
    const before = tf.memory().numTensors;
    const g = live.maybe(false);
    expect(g?.positive).toHaveLength(100);
    expect(g?.points.length).toBe(100);
    expect(g?.positive.every((p) => p > 0 && p < 1)).toBe(true);
    now = 200;
    expect(live.maybe(false)).toBeNull();
    expect(live.maybe(true)).not.toBeNull();
    // The forced grid at 200 restarts the interval.
    now = 600;
    expect(live.maybe(false)).toBeNull();
    now = 700;
    expect(live.maybe(false)).not.toBeNull();
    expect(tf.memory().numTensors).toBe(before);
    live.dispose();
    expect(createLiveGrid(model, 'mnist', set)).toBeNull();
    model.dispose();
  });
});

describe('runTraining with insight', () => {
  it('emits insight after each epoch and live grids during training, writes insight.jsonl and leaks no tensor', { timeout: 60_000 }, async () => {
    const before = tf.memory().numTensors;
    const events: TrainEvent[] = [];
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-insight-'));
    const doc = docWithGraph(
      chain(['in', 'Input', { shape: [2] }], ['h', 'Dense', { units: 8, activation: 'tanh' }], ['out', 'Dense', { units: 2, activation: 'softmax' }]),
      { dataset: 'spirals', epochs: 3, batchSize: 32, validationSplit: 0.2, seed: 1 },
    );
    await runTraining({ runId: 'r1', doc, runDir, backend, shouldStop: () => false, emit: (e) => events.push(e) });
    expect(events.at(-1)?.type).toBe('done');
    for (const e of events) expect(TrainEventSchema.safeParse(e).success).toBe(true);
    const insight = events.filter((e): e is Extract<TrainEvent, { type: 'insight' }> => e.type === 'insight');
    expect(insight.map((e) => e.epoch)).toEqual([0, 1, 2]);
    expect(insight[0]?.layers.map((l) => l.className)).toEqual(['Dense', 'Dense']);
    // Each insight follows its epoch.
    const types = events.map((e) => e.type);
    expect(types[types.indexOf('insight') - 1]).toBe('epoch');
    const grids = events.filter((e): e is Extract<TrainEvent, { type: 'grid' }> => e.type === 'grid');
    // The first batch's and the last batch's at least, at most two a second in between, each a full grid, before the run is evaluated.
    expect(grids.length).toBeGreaterThanOrEqual(2);
    expect(grids[0]?.step).toBe(0);
    const started = events[0] as Extract<TrainEvent, { type: 'started' }>;
    expect(grids.at(-1)?.step).toBe(3 * started.batchesPerEpoch - 1);
    const seconds = (events.find((e) => e.type === 'done') as Extract<TrainEvent, { type: 'done' }>).seconds;
    expect(grids.length).toBeLessThanOrEqual(2 + Math.ceil(seconds * 2));
    expect(grids[0]?.grid.positive).toHaveLength(LIVE_GRID_SIZE * LIVE_GRID_SIZE);
    expect(types.lastIndexOf('grid')).toBeLessThan(types.indexOf('evaluating'));
    expect(JSON.stringify(grids[0]?.grid.positive)).not.toEqual(JSON.stringify(grids.at(-1)?.grid.positive));

    const text = fs.readFileSync(path.join(runDir, INSIGHT_FILE), 'utf8');
    // A header and one line per epoch.
    expect(text.trim().split('\n')).toHaveLength(4);
    const file = parseInsightLines(text);
    expect(file.epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
    expect(file.probeSamples).toBe(32);
    expect(file.epochs[2]).toEqual({ epoch: 2, layers: insight[2]?.layers });
    expect(tf.memory().numTensors).toBe(before);
  });
});
