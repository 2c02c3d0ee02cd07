import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendReport, TrainEvent } from '../../shared/training/events';
import { parseProject } from '../../shared/graph/migrations';
import { loadBestBackend } from './backend-loader';
import { gatherTargets, targetShape, type TargetMode } from './batches';
import { evaluateModel } from './evaluate';
import { imageView, loadMnist, type SampleSet } from './datasets/mnist';
import { runTraining, targetModeFor } from './train';

/**
 * The convolutional autoencoder template trains with each image as its own target. Its
 * own settings (3 epochs on 54,000 images) take minutes, so this trains it on a slice and
 * holds it to learning: its test loss well below that of predicting the mean image.
 */
const TEMPLATE = path.resolve(__dirname, '../../resources/templates/conv-autoencoder.nwproj');

let backend: BackendReport;
let home: string;

beforeAll(async () => {
  backend = await loadBestBackend();
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-recon-'));
});

afterAll(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

/** The loss of predicting every test image as the mean training image (what a model that learned nothing reaches). */
function meanImageLoss(train: SampleSet, test: SampleSet, loss: 'meanSquaredError' | 'binaryCrossentropy'): number {
  const s = train.sampleSize;
  const meanImage = new Float64Array(s);
  for (let i = 0; i < train.count * s; i++) meanImage[i % s] = (meanImage[i % s] as number) + (train.x[i] as number) / train.count;
  const eps = 1e-7;
  let sum = 0;
  for (let i = 0; i < test.count * s; i++) {
    const x = test.x[i] as number;
    const m = Math.min(1 - eps, Math.max(eps, meanImage[i % s] as number));
    sum += loss === 'meanSquaredError' ? (x - m) ** 2 : -(x * Math.log(m) + (1 - x) * Math.log(1 - m));
  }
  return sum / (test.count * s);
}

/** Mean absolute error of predicting every test image as the mean training image. */
function meanImageMae(train: SampleSet, test: SampleSet): number {
  const s = train.sampleSize;
  const meanImage = new Float64Array(s);
  for (let i = 0; i < train.count * s; i++) meanImage[i % s] = (meanImage[i % s] as number) + (train.x[i] as number) / train.count;
  let sum = 0;
  for (let i = 0; i < test.count * s; i++) sum += Math.abs((test.x[i] as number) - (meanImage[i % s] as number));
  return sum / (test.count * s);
}

describe('reconstruction targets', () => {
  const set: SampleSet = { x: Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]), labels: Uint8Array.from([3, 7]), count: 2, sampleSize: 4 };
  const data = { task: 'classification' as const, numClasses: 10, train: set } as unknown as Parameters<typeof targetModeFor>[1];

  it('an output as large as the input makes the inputs the targets, shaped as the output', () => {
    const mode = targetModeFor({ loss: 'meanSquaredError' }, data, 1, [null, 2, 2, 1]);
    expect(mode).toEqual({ kind: 'reconstruction', size: 4, shape: [2, 2, 1] });
    expect(Array.from(gatherTargets(set, [1, 0], 0, 2, mode))).toEqual(Array.from(Float32Array.from([0.5, 0.6, 0.7, 0.8, 0.1, 0.2, 0.3, 0.4])));
    expect(targetShape(mode, 2)).toEqual([2, 2, 2, 1]);
    // A classifier's output still takes the labels.
    expect(targetModeFor({ loss: 'categoricalCrossentropy' }, data, 10, [null, 10])).toEqual({ kind: 'onehot', classes: 10 });
  });

  it('evaluates loss and MAE per value, no accuracy and no class details', async () => {
    const mode: TargetMode = { kind: 'reconstruction', size: 4, shape: [4] };
    const input = tf.input({ shape: [4] });
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 4, useBias: true, kernelInitializer: 'zeros', biasInitializer: 'zeros' }).apply(input) as tf.SymbolicTensor });
    // Predicting zeros: MSE is the mean of x², MAE the mean of x.
    const view = (i: number) => imageView(set, i, 2, 2);
    const r = await evaluateModel(model, set, { inputShape: [4], mode, loss: 'meanSquaredError', metrics: ['mae'], details: { classNames: ['0', '1'], view } });
    const plain = await evaluateModel(model, set, { inputShape: [4], mode, loss: 'meanSquaredError', metrics: ['mae'] });
    model.dispose();
    const xs = Array.from(set.x);
    expect(r.metrics.loss).toBeCloseTo(xs.reduce((a, v) => a + v * v, 0) / 8, 6);
    expect(r.metrics.mae).toBeCloseTo(xs.reduce((a, v) => a + v, 0) / 8, 6);
    expect(r.metrics.accuracy).toBe(0);
    expect(plain.metrics).toEqual(r.metrics);
    expect(plain.evaluation).toBeNull();
    // The test images beside what the model rebuilt (all black here), no confusion matrix.
    expect(r.evaluation).toMatchObject({ task: 'reconstruction', mae: r.metrics.mae });
    if (r.evaluation?.task !== 'reconstruction') throw new Error('not a reconstruction evaluation');
    expect(r.evaluation.rmse).toBeCloseTo(Math.sqrt(r.metrics.loss), 6);
    expect(r.evaluation.examples.map((e) => e.index)).toEqual([0, 1]);
    expect(r.evaluation.examples[1]?.input).toEqual(view(1));
    expect(r.evaluation.examples[1]?.output).toEqual({ kind: 'image', width: 2, height: 2, channels: 1, pixels: [0, 0, 0, 0] });
  });
});

describe('the conv-autoencoder template learns to reconstruct digits', () => {
  it('trains 3 epochs on 5,400 images and beats predicting the mean image', { timeout: 300_000 }, async () => {
    const raw = fs.readFileSync(TEMPLATE, 'utf8');
    const doc = parseProject(raw);
    const training = { ...doc.training, trainLimit: 6000, testLimit: 500, epochs: 3, seed: 1 };
    const events: TrainEvent[] = [];
    await runTraining({ runId: 'ae', doc: { ...doc, training }, runDir: path.join(home, 'ae'), backend, shouldStop: () => false, emit: (e) => events.push(e) });
    const last = events.at(-1);
    if (last?.type === 'error') throw new Error(last.message);
    expect(last?.type).toBe('done');
    const started = events.find((e): e is Extract<TrainEvent, { type: 'started' }> => e.type === 'started');
    expect(started).toMatchObject({ task: 'regression', classNames: [] });
    const done = last as Extract<TrainEvent, { type: 'done' }>;
    const data = loadMnist({ trainLimit: 6000, testLimit: 500, validationSplit: training.validationSplit });
    expect(doc.training.loss).toBe('binaryCrossentropy');
    const baseline = meanImageLoss(data.train, data.test, 'binaryCrossentropy');
    const loss = done.test?.loss ?? Number.NaN;
    console.log(`conv-autoencoder, 3 epochs on ${data.train.count} images: test loss ${loss.toFixed(4)}, MAE ${String(done.test?.mae?.toFixed(4))}; the mean image: loss ${baseline.toFixed(4)}, MAE ${meanImageMae(data.train, data.test).toFixed(4)} (${backend.backend})`);
    expect(baseline).toBeGreaterThan(0.2);
    expect(loss).toBeLessThan(baseline / 2);
    // Per pixel, off by less than half as much as the mean image.
    expect(done.test?.mae).toBeLessThan(meanImageMae(data.train, data.test) / 2);
    expect(done.test?.accuracy).toBe(0);
    expect(done.test?.mae).toBeGreaterThan(0);
    expect(done.evaluation).toMatchObject({ task: 'reconstruction', mae: done.test?.mae });
    if (done.evaluation?.task !== 'reconstruction') throw new Error('not a reconstruction evaluation');
    expect(done.evaluation.examples).toHaveLength(8);
    expect(done.evaluation.examples[0]?.output).toMatchObject({ kind: 'image', width: 28, height: 28, channels: 1 });
    const run = JSON.parse(fs.readFileSync(path.join(home, 'ae', 'run.json'), 'utf8')) as { test: { loss: number } };
    expect(run.test.loss).toBe(loss);
  });
});
