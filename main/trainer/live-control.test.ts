import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING } from '../../shared/graph/document';
import type { RunChange } from '../../shared/training/control';
import type { BackendReport, TrainEvent } from '../../shared/training/events';
import { RunRecordSchema } from '../../shared/training/runs';
import { loadBestBackend } from './backend-loader';
import { LiveControl } from './live-control';
import { replayDoc } from '../services/replay';
import { runTraining } from './train';
import { chain, docWithGraph } from './test-helpers';

const noop = () => undefined;

function control(changes: Record<number, RunChange[]>, o: Partial<ConstructorParameters<typeof LiveControl>[0]> = {}) {
  let polls = 0;
  return new LiveControl({
    settings: { learningRate: 0.01, lrSchedule: { kind: 'constant' }, earlyStopping: DEFAULT_TRAINING.earlyStopping },
    batchesPerEpoch: 10,
    epochs: 4,
    take: () => changes[polls++] ?? [],
    checkpoint: (step) => Promise.resolve(`checkpoints/step-${step}`),
    applied: noop,
    ...o,
  });
}

/** Polls and reads the learning rate at each step of `epochs` x 10 batches, the way the training loop does. */
async function rates(c: LiveControl, epochs: number): Promise<number[]> {
  const out: number[] = [];
  for (let step = 0; step < epochs * 10; step++) {
    const epoch = Math.floor(step / 10);
    await c.poll(step, epoch, step % 10);
    out.push(c.learningRateAt(step, epoch, step % 10));
  }
  return out;
}

describe('LiveControl', () => {
  it('changes the learning rate from the step after the change was asked for', async () => {
    const c = control({ 7: [{ kind: 'learningRate', learningRate: 0.001 }] });
    const lr = await rates(c, 2);
    expect(lr.slice(0, 7)).toEqual(Array(7).fill(0.01));
    expect(lr.slice(7)).toEqual(Array(13).fill(0.001));
    expect(c.history).toHaveLength(1);
    expect(c.history[0]).toMatchObject({ step: 7, epoch: 0, batch: 7, change: { kind: 'learningRate', learningRate: 0.001, schedule: { kind: 'constant' } } });
  });

  it('switches to a cosine schedule that starts at the change and decays over the epochs left', async () => {
    const c = control({ 10: [{ kind: 'learningRate', learningRate: 0.1, schedule: { kind: 'cosine', minLearningRate: 0 } }] });
    const lr = await rates(c, 4);
    expect(lr[9]).toBe(0.01);
    expect(lr[10]).toBeCloseTo(0.1, 12);
    // 3 epochs left = 30 steps: half way (step 25) is half the rate.
    expect(lr[25]).toBeCloseTo(0.05, 12);
    expect(lr[39]).toBeCloseTo(0.1 * 0.5 * (1 + Math.cos((Math.PI * 29) / 30)), 12);
  });

  it('never cuts the epochs below the one under way, and records the epochs it kept', async () => {
    const c = control({ 13: [{ kind: 'epochs', epochs: 1 }] });
    await rates(c, 2);
    expect(c.epochs).toBe(2);
    expect(c.history[0]?.change).toEqual({ kind: 'epochs', epochs: 2 });
  });

  it('replays recorded changes at their steps, whatever the live queue says', async () => {
    const live = control({ 3: [{ kind: 'learningRate', learningRate: 0.002 }], 15: [{ kind: 'earlyStopping', enabled: true }, { kind: 'checkpoint' }] });
    const first = await rates(live, 3);
    const replayed = control({}, { replay: live.history });
    expect(await rates(replayed, 3)).toEqual(first);
    expect(replayed.history.map(({ step, change, checkpoint }) => ({ step, change, checkpoint }))).toEqual(
      live.history.map(({ step, change, checkpoint }) => ({ step, change, checkpoint })),
    );
    expect(replayed.earlyStopping).toBe(true);
  });
});

describe('live changes in a training run', () => {
  let backend: BackendReport;
  beforeAll(async () => {
    backend = await loadBestBackend();
  });

  const doc = (seed: number | null = 42) =>
    docWithGraph(chain(['in', 'Input', { shape: [2] }], ['h', 'Dense', { units: 8, activation: 'tanh' }], ['out', 'Dense', { units: 2, activation: 'softmax' }]), {
      dataset: 'spirals',
      data: { ...DEFAULT_TRAINING.data, samples: 400 },
      epochs: 3,
      batchSize: 32,
      learningRate: 0.01,
      seed,
      validationSplit: 0.1,
    });

  async function train(options: { take?: (events: TrainEvent[]) => RunChange[]; replay?: ReturnType<typeof RunRecordSchema.parse>['controls']; seed?: number | null }) {
    const events: TrainEvent[] = [];
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-live-'));
    const record = await runTraining({
      runId: 'live',
      doc: doc(options.seed === undefined ? 42 : options.seed),
      runDir,
      backend,
      batchEventIntervalMs: 0,
      shouldStop: () => false,
      emit: (e) => events.push(e),
      ...(options.take ? { takeChanges: () => options.take?.(events) ?? [] } : {}),
      ...(options.replay ? { replay: options.replay } : {}),
    });
    const weights = fs.readFileSync(path.join(runDir, 'weights.bin'));
    return { events, record, runDir, weights };
  }

  it('shows the new learning rate from the right step, keeps the history in run.json, and replays to the same weights', async () => {
    // "The user" asks once step 12's batch has been reported: it takes effect at step 13.
    let asked = false;
    const live = await train({
      take: (events) => {
        const seen = events.some((e) => e.type === 'batch' && e.step === 12);
        if (!seen || asked) return [];
        asked = true;
        return [{ kind: 'learningRate', learningRate: 0.001 }, { kind: 'checkpoint' }, { kind: 'epochs', epochs: 4 }];
      },
    });
    const batches = live.events.filter((e): e is Extract<TrainEvent, { type: 'batch' }> => e.type === 'batch');
    expect(batches.filter((b) => b.step < 13).every((b) => b.learningRate === 0.01)).toBe(true);
    expect(batches.filter((b) => b.step >= 13).every((b) => b.learningRate === 0.001)).toBe(true);
    // Epochs went from 3 to 4 (288 training samples in batches of 32: 9 per epoch).
    const started = live.events[0] as Extract<TrainEvent, { type: 'started' }>;
    expect(started).toMatchObject({ epochs: 3, batchesPerEpoch: 9 });
    expect(batches).toHaveLength(4 * 9);
    const controls = live.events.filter((e) => e.type === 'control');
    expect(controls.map((c) => [c.step, c.change.kind])).toEqual([
      [13, 'learningRate'],
      [13, 'checkpoint'],
      [13, 'epochs'],
    ]);
    expect(fs.existsSync(path.join(live.runDir, 'checkpoints', 'step-13', 'model.json'))).toBe(true);
    const stored = RunRecordSchema.parse(JSON.parse(fs.readFileSync(path.join(live.runDir, 'run.json'), 'utf8')));
    expect(stored.controls?.map((c) => c.step)).toEqual([13, 13, 13]);
    expect(stored.epochs).toHaveLength(4);

    const replayed = await train({ replay: stored.controls });
    expect(replayed.weights.equals(live.weights)).toBe(true);
    expect(replayed.record?.test).toEqual(live.record?.test);
    // Without the history the same seed gives other weights: the changes mattered.
    const plain = await train({});
    expect(plain.weights.equals(live.weights)).toBe(false);
  });

  it('a run without a seed keeps the seed it drew in run.json, and its history replays with it to the same weights', async () => {
    let asked = false;
    const live = await train({
      seed: null,
      take: (events) => {
        if (asked || !events.some((e) => e.type === 'batch' && e.step === 4)) return [];
        asked = true;
        return [{ kind: 'learningRate', learningRate: 0.05, schedule: { kind: 'cosine', minLearningRate: 0 } }];
      },
    });
    const stored = RunRecordSchema.parse(JSON.parse(fs.readFileSync(path.join(live.runDir, 'run.json'), 'utf8')));
    expect(stored.settings.seed).toBeNull();
    expect(Number.isInteger(stored.seed)).toBe(true);
    // The replay (the back end's and the CLI's) trains the recorded project with the drawn seed.
    const again = replayDoc(stored);
    expect(again.training.seed).toBe(stored.seed);
    const replayed = await train({ seed: again.training.seed, replay: stored.controls });
    expect(replayed.weights.equals(live.weights)).toBe(true);
    // Another run without a seed draws another one: other weights.
    const other = await train({ seed: null });
    expect(other.record?.seed).not.toBe(stored.seed);
    expect(other.weights.equals(live.weights)).toBe(false);
  });

  it('"stop after this epoch" ends the run after the epoch under way, with its test evaluation', async () => {
    let asked = false;
    const r = await train({
      take: (events) => {
        if (asked || !events.some((e) => e.type === 'batch' && e.step === 2)) return [];
        asked = true;
        return [{ kind: 'stopAfterEpoch', enabled: true }];
      },
    });
    expect(r.record?.epochs).toHaveLength(1);
    expect(r.record?.stopped).toBe(false);
    expect(r.record?.test).not.toBeNull();
    expect(r.events.at(-1)?.type).toBe('done');
  });
});
