import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainingSettings } from '../../shared/graph/document';
import { chain, docWithGraph, exampleDoc } from '../trainer/test-helpers';
import { inProcessHeavyWork, workerHeavyWork, type HeavyWork } from './heavy-work';
import { testBackend } from './test-backend';
import type { TrainerLauncher } from './launcher';

/**
 * Heavy work off the host's thread (issue 14): reading a large CSV, importing, exporting run in a
 * worker thread with a memory cap, so the back end keeps answering meanwhile, and a worker that
 * runs out of memory becomes an error message while the host lives on. The in-process run of
 * the same call is the control: it blocks the thread for the whole read (what main did).
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-heavy-'));
let entry = '';
beforeAll(async () => {
  const root = path.resolve(__dirname, '../..');
  // Two folders below the root, like dist/main: the bundle finds dist/main/assets (netwright-layers.js) from there.
  entry = path.join(root, 'node_modules', `.netwright-test-heavy-${process.pid}`, 'heavy-worker.cjs');
  await build({
    entryPoints: [path.join(root, 'main/services/heavy-worker-entry.ts')],
    outfile: entry,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['electron', '@tensorflow/*', 'onnxruntime-node', 'h5wasm', 'h5wasm/*'],
    logLevel: 'error',
  });
}, 120_000);
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(path.dirname(entry), { recursive: true, force: true });
});

/** A CSV of `rows` rows of 8 numbers and a class: about 40 bytes a row. */
function bigCsv(name: string, rows: number): string {
  const file = path.join(tmp, name);
  const lines = ['a,b,c,d,e,f,g,h,label'];
  for (let i = 0; i < rows; i++) lines.push(`${i % 97},${i % 89},${i % 83},${i % 79},${i % 73},${i % 71},${i % 67},${i % 61},${i % 3 ? 'yes' : 'no'}`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const csvSettings = (file: string): TrainingSettings => {
  const t = exampleDoc().training;
  return { ...t, dataset: 'csv', data: { ...t.data, path: file, labelColumn: 'label' } };
};

/** Runs `call` while a 5 ms timer ticks; the longest the thread went without ticking, and the call's time. */
async function longestStall<T>(call: () => Promise<T>): Promise<{ value: T; stall: number; took: number }> {
  let last = performance.now();
  let stall = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
  }, 5);
  const started = performance.now();
  try {
    const value = await call();
    const end = performance.now();
    stall = Math.max(stall, end - last);
    return { value, stall, took: end - started };
  } finally {
    clearInterval(timer);
  }
}

describe('heavy work runs in a worker thread', () => {
  it('the back end keeps answering while a large CSV is read (and does not when it is read in-process)', async () => {
    const file = bigCsv('big.csv', 150_000);
    const inspect = async (heavy: HeavyWork) => {
      const { backend } = testBackend({ dataDir: path.join(tmp, 'home'), heavy });
      const inspected = longestStall(() => backend.handle('datasets.inspect', { settings: csvSettings(file) }) as Promise<{ classNames: string[] }>);
      // A call made meanwhile answers at once.
      const asked = performance.now();
      await backend.handle('app.info', {});
      const answered = performance.now() - asked;
      const r = await inspected;
      await backend.dispose();
      return { ...r, answered };
    };
    const worker = await inspect(workerHeavyWork(entry));
    expect(worker.value.classNames).toEqual(['no', 'yes']);
    const control = await inspect(inProcessHeavyWork);
    expect(control.value.classNames).toEqual(['no', 'yes']);
    // In-process, the thread stalls for most of the read; in the worker it keeps ticking.
    expect(control.stall).toBeGreaterThan(300);
    expect(worker.stall).toBeLessThan(Math.max(150, control.stall / 3));
    expect(worker.answered).toBeLessThan(150);
  }, 120_000);

  it('sweep.start and training.replay read the data set in the worker too (they did in-process)', async () => {
    const file = bigCsv('sweep.csv', 150_000);
    const doc = { ...docWithGraph(chain(['in', 'Input', { shape: [8] }], ['o', 'Dense', { units: 2, activation: 'softmax' }])), training: csvSettings(file) };
    const spec = { axes: [{ key: 'lr', values: '0.01,0.02' }], mode: 'grid', metric: 'auto', parallel: 2 };
    const measure = async (heavy: HeavyWork, name: string) => {
      // Trainers that start and wait (killed on dispose), so each trial stays a running run.
      const idle: TrainerLauncher = {
        launch: () => {
          const exits: ((code: number | null) => void)[] = [];
          return { send: () => undefined, onMessage: () => undefined, onExit: (cb) => void exits.push(cb), kill: () => setImmediate(() => exits.forEach((cb) => cb(null))) };
        },
      };
      const { backend } = testBackend({ dataDir: path.join(tmp, `home-${name}`), heavy, launcher: idle, stopTiming: { stopGraceMs: 50, killGraceMs: 50 } });
      const sweep = await longestStall(() => backend.handle('sweep.start', { doc, projectPath: null, spec }) as Promise<{ trials: { status: string; runId: string | null }[] }>);
      // Both trials started (the data set fits the graph), each a run to replay.
      expect(sweep.value.trials.map((t) => t.status)).toEqual(['running', 'running']);
      const replay = await longestStall(() => backend.handle('training.replay', { projectPath: null, runId: sweep.value.trials[0]?.runId }) as Promise<{ runId: string }>);
      expect(replay.value.runId).toMatch(/^\d{8}-/);
      await backend.dispose();
      return { sweep: sweep.stall, replay: replay.stall };
    };
    const worker = await measure(workerHeavyWork(entry), 'sweep-worker');
    const control = await measure(inProcessHeavyWork, 'sweep-control');
    expect(control.sweep).toBeGreaterThan(300);
    expect(control.replay).toBeGreaterThan(300);
    expect(worker.sweep).toBeLessThan(Math.max(150, control.sweep / 3));
    expect(worker.replay).toBeLessThan(Math.max(150, control.replay / 3));
  }, 120_000);

  it('a worker that runs out of memory is a clear error, and the host goes on', async () => {
    const file = bigCsv('huge.csv', 400_000);
    const { backend } = testBackend({ dataDir: path.join(tmp, 'home-oom'), heavy: workerHeavyWork(entry, { memoryMb: 80 }) });
    await expect(backend.handle('datasets.inspect', { settings: csvSettings(file) })).rejects.toMatchObject({
      code: 'WORKER_FAILED',
      message: expect.stringMatching(/Reading the data set .*huge\.csv needed more than the 80 MB of memory it may use and was stopped\. The app is unaffected/),
    });
    await expect(backend.handle('app.info', {})).resolves.toMatchObject({ mode: 'browser' });
    const small = bigCsv('small.csv', 50);
    await expect(backend.handle('datasets.inspect', { settings: csvSettings(small) })).resolves.toMatchObject({ classNames: ['no', 'yes'] });
    await backend.dispose();
  }, 120_000);

  it('imports and exports run there too, with their errors intact', async () => {
    const { backend } = testBackend({ dataDir: path.join(tmp, 'home-io'), heavy: workerHeavyWork(entry) });
    const fifo = path.join(tmp, 'model.json');
    execFileSync('mkfifo', [fifo]);
    await expect(backend.handle('project.import', { path: fifo })).rejects.toMatchObject({ code: 'IMPORT_FAILED', message: expect.stringMatching(/named pipe/) });
    const doc = docWithGraph(chain(['in', 'Input', { shape: [4] }], ['h', 'Dense', { units: 3 }], ['o', 'Dense', { units: 2, activation: 'softmax' }]));
    const outDir = path.join(tmp, 'export');
    const result = (await backend.handle('export.model', { doc, format: 'tfjs', runId: null, outDir })) as { files: string[]; ok: boolean };
    expect(result.ok).toBe(true);
    expect(fs.existsSync(path.join(outDir, 'model.json'))).toBe(true);
    const huge = docWithGraph(chain(['in', 'Input', { shape: [40000] }], ['wide', 'Dense', { units: 40000 }]));
    await expect(backend.handle('export.model', { doc: huge, format: 'onnx', runId: null, outDir })).rejects.toMatchObject({ code: 'NOT_EXPORTABLE' });
    await backend.dispose();
  }, 180_000);
});
