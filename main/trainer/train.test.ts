import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { TrainEvent } from '../../shared/training/events';
import { TrainEventSchema } from '../../shared/training/events';
import { loadBestBackend } from './backend-loader';
import { loadMnist, type SplitData } from './datasets/mnist';
import { loadModelFromDir } from './save-model';
import { runTraining, type TrainJob } from './train';
import { chain, docWithGraph, exampleDoc } from './test-helpers';
import type { BackendReport } from '../../shared/training/events';
import { TRAINING_BACKEND } from './native/native-for-tests';

let backend: BackendReport;
let data: SplitData;

beforeAll(async () => {
  backend = await loadBestBackend();
  data = loadMnist({ trainLimit: 600, testLimit: 200, validationSplit: 0.2 });
});

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'nw-run-'));
}

function job(overrides: Partial<TrainJob> & { events: TrainEvent[] }): TrainJob {
  const doc = exampleDoc();
  doc.training.epochs = 2;
  return { runId: 'r1', doc, runDir: tmpDir(), backend, data, shouldStop: () => false, emit: (e) => overrides.events.push(e), ...overrides };
}

describe('runTraining', () => {
  it('reports started, batches, epochs, evaluating and done, then saves a reloadable model', async () => {
    const events: TrainEvent[] = [];
    const j = job({ events, batchEventIntervalMs: 0 });
    const record = await runTraining(j);
    for (const e of events) expect(TrainEventSchema.safeParse(e).success).toBe(true);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('started');
    expect(types.slice(-2)).toEqual(['evaluating', 'done']);
    expect(types.filter((t) => t === 'epoch')).toHaveLength(2);
    const started = events[0] as Extract<TrainEvent, { type: 'started' }>;
    expect(started).toMatchObject({ trainSamples: 480, validationSamples: 120, testSamples: 200, batchesPerEpoch: 15, epochs: 2 });
    // Interval 0: every batch is reported, steps count over epochs.
    const batches = events.filter((e): e is Extract<TrainEvent, { type: 'batch' }> => e.type === 'batch');
    expect(batches.map((b) => b.step)).toEqual([...Array(30).keys()]);
    expect(batches.every((b) => b.samplesPerSec > 0)).toBe(true);
    const epochs = events.filter((e): e is Extract<TrainEvent, { type: 'epoch' }> => e.type === 'epoch');
    expect(epochs[1]?.train.loss).toBeLessThan(epochs[0]?.train.loss ?? 0);
    expect(epochs[1]?.validation?.accuracy).toBeGreaterThan(0.5);
    const done = events.at(-1) as Extract<TrainEvent, { type: 'done' }>;
    expect(done.stopped).toBe(false);
    expect(done.test?.accuracy).toBeGreaterThan(0.5);
    expect(record?.test).toEqual(done.test);

    const runJson = JSON.parse(fs.readFileSync(path.join(j.runDir, 'run.json'), 'utf8'));
    expect(runJson).toMatchObject({ runId: 'r1', stopped: false, totalParams: 101_770, modelFiles: ['model.json', 'weights.bin'] });
    expect(runJson.backend.backend).toBe(TRAINING_BACKEND);
    const reloaded = await loadModelFromDir(j.runDir);
    expect(reloaded.countParams()).toBe(101_770);
    const x = tf.tensor(data.test.x.subarray(0, 784 * 4), [4, 28, 28]);
    const p = reloaded.predict(x) as tf.Tensor;
    expect(p.shape).toEqual([4, 10]);
    tf.dispose([x, p]);
    reloaded.dispose();
  });

  it('throttles batch events but always reports the last batch of each epoch', async () => {
    const events: TrainEvent[] = [];
    await runTraining(job({ events, batchEventIntervalMs: 60_000 }));
    const batches = events.filter((e): e is Extract<TrainEvent, { type: 'batch' }> => e.type === 'batch');
    expect(batches.map((b) => [b.epoch, b.batch])).toEqual([
      [0, 0],
      [0, 14],
      [1, 14],
    ]);
  });

  it('keeps the number of live tensors flat', async () => {
    await runTraining(job({ events: [] }));
    const before = tf.memory().numTensors;
    const events: TrainEvent[] = [];
    const j = job({ events });
    j.doc.training.epochs = 3;
    await runTraining(j);
    expect(events.at(-1)?.type).toBe('done');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops between batches and still reports done with stopped: true', async () => {
    const events: TrainEvent[] = [];
    let batches = 0;
    const j = job({
      events,
      batchEventIntervalMs: 0,
      emit: (e) => {
        events.push(e);
        if (e.type === 'batch') batches++;
      },
      shouldStop: () => batches >= 3,
    });
    await runTraining(j);
    const done = events.at(-1) as Extract<TrainEvent, { type: 'done' }>;
    expect(done.type).toBe('done');
    expect(done.stopped).toBe(true);
    expect(done.test).not.toBeNull();
    expect(events.filter((e) => e.type === 'batch')).toHaveLength(3);
    expect(fs.existsSync(path.join(j.runDir, 'model.json'))).toBe(true);
  });

  it('stopping before the first batch saves no model and has no test metrics', async () => {
    const events: TrainEvent[] = [];
    const j = job({ events, shouldStop: () => true });
    await runTraining(j);
    expect(events.map((e) => e.type)).toEqual(['started', 'done']);
    expect(events.at(-1)).toMatchObject({ stopped: true, test: null });
    expect(fs.existsSync(path.join(j.runDir, 'model.json'))).toBe(false);
  });

  it('turns a diverging loss into an error naming epoch and batch', async () => {
    // One NaN pixel in a single sample poisons the loss of whichever batch it lands in.
    const x = data.train.x.slice();
    x[123 * 784 + 400] = Number.NaN;
    const poisoned: SplitData = { ...data, train: { ...data.train, x } };
    const events: TrainEvent[] = [];
    const j = job({ events, data: poisoned });
    // tanh passes NaN on (WASM's relu turns NaN into 0 and would hide it).
    const hidden = j.doc.graph.nodes.find((n) => n.id === 'hidden');
    if (hidden) hidden.params = { ...hidden.params, activation: 'tanh' };
    await runTraining(j);
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    expect(last?.type === 'error' && last.message).toMatch(/^Training diverged in epoch 1, (by )?batch \d+: the (loss|weights) became NaN/);
    expect(events.some((e) => e.type === 'done')).toBe(false);
  });

  it('reports an invalid graph as a readable error', async () => {
    const events: TrainEvent[] = [];
    const doc = docWithGraph(chain(['in', 'Input', { shape: [784] }], ['d', 'Dense', { units: 10 }], ['x', 'Flatten', {}]));
    doc.graph.edges.pop();
    await runTraining(job({ events, doc }));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'error' });
    expect(events[0]?.type === 'error' && events[0].message).not.toMatch(/\n|at /);
  });
});
