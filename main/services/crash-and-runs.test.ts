import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunComparison, RunRecordData, RunSummary } from '../../shared/training/runs';
import { testBackend, untilEvent } from './test-backend';
import { createForkLauncher } from './fork-launcher';
import { buildTrainerForTests } from './build-trainer-for-tests';
import type { TrainerLauncher, TrainerProcess } from './launcher';
import { exampleDoc } from '../trainer/test-helpers';
import { runsRoot } from '../storage/runs';
import { TRAINING_BACKEND } from '../trainer/native/native-for-tests';

let entry: string;
beforeAll(async () => {
  entry = await buildTrainerForTests();
});
afterAll(() => fs.rmSync(entry, { force: true }));

/** The fork launcher, remembering the processes it started. */
function recordingLauncher(): TrainerLauncher & { procs: TrainerProcess[] } {
  const inner = createForkLauncher(entry);
  const procs: TrainerProcess[] = [];
  return {
    procs,
    launch() {
      const p = inner.launch();
      procs.push(p);
      return p;
    },
  };
}

describe('a trainer that crashes (killed for real) leaves the app running; training starts again; runs are kept beside the project', () => {
  it('SIGKILL mid-run: readable crash event, run.json marked error; a second run finishes; list/get/compare/delete', async () => {
    const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-proj-'));
    const projectPath = path.join(projectDir, 'digits.nwproj');
    const launcher = recordingLauncher();
    const { backend, home } = testBackend({ launcher });
    try {
      const doc = exampleDoc();
      doc.training = { ...doc.training, epochs: 50, trainLimit: 2000, testLimit: 100 };
      const ids: { first?: string; second?: string } = {};
      const firstBatch = untilEvent(backend, () => ids.first, (e) => e.type === 'batch');
      const firstEnd = untilEvent(backend, () => ids.first, (e) => e.type === 'error' || e.type === 'done');
      ids.first = ((await backend.handle('training.start', { doc, projectPath })) as { runId: string }).runId;
      await firstBatch;
      const pid = launcher.procs[0]?.pid;
      expect(pid).toBeGreaterThan(0);
      process.kill(pid as number, 'SIGKILL');
      const crash = await firstEnd;
      expect(crash).toMatchObject({ type: 'error', kind: 'crash' });
      expect(crash.type === 'error' && crash.message).toMatch(/killed \(SIGKILL\).*out of memory.*start training again/);

      // The service still answers, and a new run trains to the end.
      expect(await backend.handle('app.info', {})).toMatchObject({ version: 't' });
      const doc2 = exampleDoc();
      doc2.training = { ...doc2.training, epochs: 1, trainLimit: 300, testLimit: 100, batchSize: 64 };
      doc2.graph.nodes = doc2.graph.nodes.map((n) => (n.id === 'hidden' ? { ...n, params: { ...n.params, units: 32 } } : n));
      const secondEnd = untilEvent(backend, () => ids.second, (e) => e.type === 'error' || e.type === 'done');
      ids.second = ((await backend.handle('training.start', { doc: doc2, projectPath })) as { runId: string }).runId;
      expect(await secondEnd).toMatchObject({ type: 'done', stopped: false });

      // Kept beside the project, not in the data folder.
      expect(fs.readdirSync(path.join(projectDir, 'digits.runs')).sort()).toEqual([ids.first, ids.second].sort());
      expect(runsRoot(home, projectPath)).toBe(path.join(projectDir, 'digits.runs'));
      const list = (await backend.handle('runs.list', { projectPath })) as RunSummary[];
      expect(list.map((r) => [r.runId, r.status, r.hasModel])).toEqual([
        [ids.second, 'done', true],
        [ids.first, 'error', false],
      ]);
      expect(await backend.handle('runs.list', { projectPath: null })).toEqual([]);
      const crashed = (await backend.handle('runs.get', { projectPath, runId: ids.first as string })) as RunRecordData;
      expect(crashed.error).toMatch(/SIGKILL/);
      const done = (await backend.handle('runs.get', { projectPath, runId: ids.second as string })) as RunRecordData;
      expect(done.epochs).toHaveLength(1);
      expect(done.backend?.backend).toBe(TRAINING_BACKEND);

      const cmp = (await backend.handle('runs.compare', { projectPath, runIds: [ids.first as string, ids.second as string] })) as RunComparison;
      expect(cmp.settings.map((s) => s.path).sort()).toEqual(['batchSize', 'epochs', 'trainLimit']);
      expect(cmp.settings.find((s) => s.path === 'epochs')?.values).toEqual(['50', '1']);
      expect(cmp.graph.same).toBe(false);
      expect(cmp.graph.differences[0]?.changed).toEqual([{ nodeId: 'hidden', param: 'units', from: '128', to: '32' }]);
      expect(cmp.curves.map((c) => c.epochs.length)).toEqual([0, 1]);

      const prediction = await backend.handle('runs.predict', {
        projectPath,
        runId: ids.second as string,
        input: { kind: 'image', width: 28, height: 28, channels: 1, pixels: new Array(784).fill(0) },
      });
      expect(prediction).toMatchObject({ task: 'classification', classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] });

      expect(await backend.handle('runs.delete', { projectPath, runId: ids.first as string })).toEqual({ deleted: true });
      expect(((await backend.handle('runs.list', { projectPath })) as RunSummary[]).map((r) => r.runId)).toEqual([ids.second]);
      await expect(backend.handle('runs.get', { projectPath, runId: ids.first as string })).rejects.toMatchObject({ code: 'UNKNOWN_RUN' });
    } finally {
      await backend.dispose();
    }
  }, 240_000);

  it('backend.report: the doctor report of the trainer process', async () => {
    const { backend } = testBackend({ launcher: createForkLauncher(entry) });
    try {
      const report = (await backend.handle('backend.report', {})) as { backend: string; tried: { name: string; ok: boolean; fix: string | null }[]; threads: number };
      expect(report.backend).toBe(TRAINING_BACKEND);
      expect(report.threads).toBe(TRAINING_BACKEND === 'wasm' ? 1 : os.cpus().length);
      if (TRAINING_BACKEND === 'wasm') {
        const native = report.tried.find((t) => t.name === 'netwright-native');
        expect(native).toMatchObject({ ok: false });
        expect(native?.fix).toMatch(/npx netwright setup native/);
        const node = report.tried.find((t) => t.name === '@tensorflow/tfjs-node');
        expect(node).toMatchObject({ ok: false });
        expect(node?.fix).toMatch(/npm install @tensorflow\/tfjs-node/);
      } else {
        expect(report.tried.find((t) => t.ok)?.name).toBe('netwright-native');
      }
      expect(report.tried.find((t) => t.name === '@tensorflow/tfjs-node-gpu')?.fix).toMatch(/CUDA 11\.2 and cuDNN 8\.1/);
    } finally {
      await backend.dispose();
    }
  }, 240_000);
});
