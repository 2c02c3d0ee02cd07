import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackendReport, TrainEvent } from '../../shared/training/events';
import { RunRecordSchema } from '../../shared/training/runs';
import type { ProjectDoc, TrainingSettings } from '../../shared/graph/document';
import { loadBestBackend } from './backend-loader';
import { loadMnist, type SplitData } from './datasets/mnist';
import { runTraining, type TrainJob } from './train';
import { createTrainerJob } from './trainer-job';
import { predictWithRun } from './predict';
import { chain, docWithGraph, exampleDoc } from './test-helpers';
import type { FromTrainer } from '../../shared/training/protocol';

let backend: BackendReport;
let mnist: SplitData;

beforeAll(async () => {
  backend = await loadBestBackend();
  mnist = loadMnist({ trainLimit: 400, testLimit: 100, validationSplit: 0.25 });
});

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'nw-set-'));
type Ev<T extends TrainEvent['type']> = Extract<TrainEvent, { type: T }>;
const ofType = <T extends TrainEvent['type']>(events: TrainEvent[], t: T) => events.filter((e): e is Ev<T> => e.type === t);

function mlpJob(events: TrainEvent[], training: Partial<TrainingSettings>, overrides: Partial<TrainJob> = {}): TrainJob {
  const doc = exampleDoc();
  doc.training = { ...doc.training, epochs: 2, ...training };
  return { runId: 'r', doc, runDir: tmp(), backend, data: mnist, shouldStop: () => false, emit: (e) => events.push(e), batchEventIntervalMs: 0, ...overrides };
}

function tabularDoc(dataset: TrainingSettings['dataset'], inputs: number, units: number, activation: string, training: Partial<TrainingSettings>): ProjectDoc {
  return docWithGraph(chain(['in', 'Input', { shape: [inputs] }], ['h', 'Dense', { units: 16, activation: 'relu' }], ['out', 'Dense', { units, activation }]), { dataset, epochs: 5, batchSize: 16, learningRate: 0.01, ...training });
}

describe('training settings', () => {
  it('a seed makes a run repeatable: the same losses and test metrics twice', async () => {
    const a: TrainEvent[] = [];
    const b: TrainEvent[] = [];
    await runTraining(mlpJob(a, { seed: 42, epochs: 1 }));
    await runTraining(mlpJob(b, { seed: 42, epochs: 1 }));
    const losses = (ev: TrainEvent[]) => ofType(ev, 'batch').map((e) => e.loss);
    expect(losses(a).length).toBeGreaterThan(5);
    expect(losses(a)).toEqual(losses(b));
    expect(ofType(a, 'done')[0]?.test).toEqual(ofType(b, 'done')[0]?.test);
    const c: TrainEvent[] = [];
    await runTraining(mlpJob(c, { seed: 43, epochs: 1 }));
    expect(losses(c)).not.toEqual(losses(a));
  });

  it('the tensor count is the same at the end of every epoch (no leaks), and events carry memory and learning rate', async () => {
    const events: TrainEvent[] = [];
    await runTraining(mlpJob(events, { epochs: 4, lrSchedule: { kind: 'step', everyEpochs: 1, factor: 0.5 }, earlyStopping: { enabled: true, monitor: 'val_loss', patience: 10, minDelta: 0, restoreBestWeights: true } }));
    const epochs = ofType(events, 'epoch');
    expect(epochs).toHaveLength(4);
    const counts = epochs.map((e) => e.memory?.tensors);
    expect(counts[0]).toBeGreaterThan(0);
    expect(new Set(counts).size).toBe(1);
    expect(epochs.map((e) => e.learningRate)).toEqual([0.002, 0.001, 0.0005, 0.00025]);
    const batch = ofType(events, 'batch')[0];
    expect(batch).toMatchObject({ backend: backend.backend });
    expect(batch?.memory?.bytes).toBeGreaterThan(0);
  });

  it('early stopping ends the run after `patience` epochs without improvement and restores the best weights', async () => {
    const events: TrainEvent[] = [];
    // A learning rate this high makes validation loss worse after the first epochs.
    const j = mlpJob(events, {
      epochs: 12,
      learningRate: 0.05,
      optimizer: 'sgd',
      earlyStopping: { enabled: true, monitor: 'val_loss', patience: 1, minDelta: 10, restoreBestWeights: true },
      checkpointBest: true,
    });
    const record = await runTraining(j);
    const done = ofType(events, 'done')[0];
    // minDelta 10: no epoch after the first can count as better, so it stops after the second.
    expect(done?.earlyStoppedAt).toBe(1);
    expect(done?.bestEpoch).toBe(0);
    expect(ofType(events, 'epoch')).toHaveLength(2);
    expect(record?.bestModelFiles).toEqual(['best/model.json', 'best/weights.bin']);
    expect(fs.existsSync(path.join(j.runDir, 'best', 'weights.bin'))).toBe(true);
    // Restored: the final weights are the best checkpoint's.
    expect(fs.readFileSync(path.join(j.runDir, 'weights.bin')).equals(fs.readFileSync(path.join(j.runDir, 'best', 'weights.bin')))).toBe(true);
  });

  it('classification results: confusion matrix, per-class stats, confidently wrong images, precision/recall; run.json validates', async () => {
    const events: TrainEvent[] = [];
    const j = mlpJob(events, { epochs: 1, metrics: ['accuracy', 'precision', 'recall'] });
    await runTraining(j);
    const done = ofType(events, 'done')[0];
    const ev = done?.evaluation;
    expect(ev?.task).toBe('classification');
    if (ev?.task !== 'classification') return;
    expect(ev.confusion).toHaveLength(10);
    const total = ev.confusion.flat().reduce((a, b) => a + b, 0);
    expect(total).toBe(100);
    const diagonal = ev.confusion.reduce((a, row, i) => a + (row[i] ?? 0), 0);
    expect(diagonal / 100).toBeCloseTo(done?.test?.accuracy ?? -1, 6);
    expect(ev.perClass.map((p) => p.support).reduce((a, b) => a + b, 0)).toBe(100);
    expect(ev.mostConfidentWrong.length).toBeGreaterThan(0);
    const w = ev.mostConfidentWrong[0];
    expect(w?.actual).not.toBe(w?.predicted);
    expect(w?.sample).toMatchObject({ kind: 'image', width: 28, height: 28, channels: 1 });
    expect(ev.mostConfidentWrong.map((e) => e.confidence)).toEqual([...ev.mostConfidentWrong.map((e) => e.confidence)].sort((a, b) => b - a));
    expect(done?.test?.precision).toBeGreaterThan(0);
    const record = RunRecordSchema.parse(JSON.parse(fs.readFileSync(path.join(j.runDir, 'run.json'), 'utf8')));
    expect(record.graphHash).toMatch(/^[0-9a-f]{64}$/);
    expect(record.preprocessing).toMatchObject({ kind: 'image', height: 28, width: 28 });
    // Predict a test image through the saved run: the same class the evaluation saw.
    const pixels = Array.from(mnist.test.x.subarray(0, 784));
    const p = await predictWithRun(j.runDir, { kind: 'image', width: 28, height: 28, channels: 1, pixels }, 'final');
    expect(p.task).toBe('classification');
    if (p.task === 'classification') {
      expect(p.probabilities).toHaveLength(10);
      expect(p.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    }
  });

  it('regression on diabetes: MAE in the data\'s units, predicted-vs-actual points, prediction from feature values', async () => {
    const events: TrainEvent[] = [];
    const doc = tabularDoc('diabetes', 10, 1, 'linear', { loss: 'meanSquaredError', metrics: ['mae'], epochs: 20, validationSplit: 0.1 });
    const runDir = tmp();
    await runTraining({ runId: 'reg', doc, runDir, backend, shouldStop: () => false, emit: (e) => events.push(e) });
    const done = ofType(events, 'done')[0];
    expect(done?.evaluation?.task).toBe('regression');
    if (done?.evaluation?.task !== 'regression') throw new Error(JSON.stringify(events.at(-1)));
    // Progression ranges 25..346; predicting the mean gives an MAE near 65. A trained model does better.
    expect(done.evaluation.mae).toBeLessThan(60);
    expect(done.test?.mae).toBeCloseTo(done.evaluation.mae, 3);
    expect(done.evaluation.points).toHaveLength(88);
    expect(done.evaluation.r2).toBeGreaterThan(0.2);
    const values = { age: 50, sex: 1, bmi: 30, bp: 100, s1: 190, s2: 115, s3: 48, s4: 4, s5: 4.6, s6: 90 };
    const p = await predictWithRun(runDir, { kind: 'features', values }, 'final');
    expect(p.task === 'regression' && p.values[0]).toBeGreaterThan(25);
  });

  it('binary cross-entropy with one sigmoid output, AUC; sparse categorical cross-entropy on iris', async () => {
    const events: TrainEvent[] = [];
    const xor = docWithGraph(chain(['in', 'Input', { shape: [2] }], ['h', 'Dense', { units: 16, activation: 'tanh' }], ['out', 'Dense', { units: 1, activation: 'sigmoid' }]), {
      dataset: 'circles',
      loss: 'binaryCrossentropy',
      metrics: ['accuracy', 'auc'],
      epochs: 30,
      batchSize: 32,
      learningRate: 0.03,
      data: { ...exampleDoc().training.data, samples: 400, noise: 0.05 },
    });
    await runTraining({ runId: 'bin', doc: xor, runDir: tmp(), backend, shouldStop: () => false, emit: (e) => events.push(e) });
    const done = ofType(events, 'done')[0];
    expect(done?.test?.accuracy).toBeGreaterThan(0.85);
    expect(done?.test?.auc).toBeGreaterThan(0.9);
    const iris: TrainEvent[] = [];
    await runTraining({ runId: 'iris', doc: tabularDoc('iris', 4, 3, 'softmax', { loss: 'sparseCategoricalCrossentropy', epochs: 30 }), runDir: tmp(), backend, shouldStop: () => false, emit: (e) => iris.push(e) });
    expect(ofType(iris, 'done')[0]?.test?.accuracy).toBeGreaterThan(0.8);
  });
});

describe('text import end to end', () => {
  it('trains on a CSV of texts, keeps the vocabulary with the run, and predicts typed text', async () => {
    const file = path.join(tmp(), 'opinions.csv');
    const good = ['great', 'wonderful', 'loved', 'excellent', 'superb'];
    const bad = ['awful', 'terrible', 'hated', 'boring', 'dreadful'];
    const rows = Array.from({ length: 200 }, (_, i) => {
      const words = i % 2 ? good : bad;
      return `"the film was ${words[i % 5]} and ${words[(i + 2) % 5]}<br />really",${i % 2 ? 'pos' : 'neg'}`;
    });
    fs.writeFileSync(file, ['review,sentiment', ...rows].join('\n'));
    const graph = chain(['in', 'Input', { shape: [8], dtype: 'int32' }], ['emb', 'Embedding', { inputDim: 50, outputDim: 8 }], ['avg', 'GlobalAveragePooling1D', {}], ['out', 'Dense', { units: 2, activation: 'softmax' }]);
    const doc = docWithGraph(graph, {
      dataset: 'text-csv',
      epochs: 15,
      batchSize: 16,
      learningRate: 0.05,
      data: { ...exampleDoc().training.data, path: file, sequenceLength: 8, vocabSize: 50 },
    });
    const events: TrainEvent[] = [];
    const runDir = tmp();
    await runTraining({ runId: 'txt', doc, runDir, backend, shouldStop: () => false, emit: (e) => events.push(e) });
    const done = ofType(events, 'done')[0];
    if (!done) throw new Error(JSON.stringify(events.at(-1)));
    expect(done.test?.accuracy).toBeGreaterThan(0.9);
    const record = RunRecordSchema.parse(JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8')));
    expect(record.preprocessing?.kind === 'text' && record.preprocessing.vocabulary).toContain('wonderful');
    expect(record.preprocessing?.classNames).toEqual(['neg', 'pos']);
    const pos = await predictWithRun(runDir, { kind: 'text', text: 'Wonderful, superb and LOVED it' }, 'final');
    const neg = await predictWithRun(runDir, { kind: 'text', text: 'dreadful. boring, awful!' }, 'final');
    expect(pos.task === 'classification' && pos.classNames[pos.predicted]).toBe('pos');
    expect(neg.task === 'classification' && neg.classNames[neg.predicted]).toBe('neg');
  });
});

describe('pause, resume, stop through the trainer job', () => {
  it('pausing holds training between batches; resume continues; stop while paused ends it', async () => {
    const sent: FromTrainer[] = [];
    const job = createTrainerJob({ send: (m) => sent.push(m), loadBackend: async () => backend });
    const doc = exampleDoc();
    doc.training = { ...doc.training, epochs: 3, trainLimit: 20_000, testLimit: 50 };
    const batches = () => sent.filter((m) => m.type === 'event' && m.event.type === 'batch').length;
    job.handle({ type: 'train', runId: 'p1', doc, runDir: tmp() });
    await waitFor(() => batches() >= 2);
    job.handle({ type: 'pause' });
    await sleep(300);
    const whilePaused = batches();
    await sleep(700);
    // At most the batch in flight finishes after a pause.
    expect(batches() - whilePaused).toBe(0);
    job.handle({ type: 'resume' });
    await waitFor(() => batches() > whilePaused + 2);
    job.handle({ type: 'pause' });
    await sleep(200);
    job.handle({ type: 'stop' });
    await job.finished;
    const last = sent.at(-1);
    expect(last?.type === 'event' && last.event).toMatchObject({ type: 'done', stopped: true });
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitFor(cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out');
    await sleep(20);
  }
}
