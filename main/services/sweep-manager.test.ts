import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING } from '../../shared/graph/document';
import type { SweepSpec, SweepState } from '../../shared/training/sweep';
import type { BackendService } from './backend';
import { buildTrainerForTests } from './build-trainer-for-tests';
import { createForkLauncher } from './fork-launcher';
import { tempDir, testBackend } from './test-backend';
import { chain, docWithGraph } from '../trainer/test-helpers';

let entry: string;
beforeAll(async () => {
  entry = await buildTrainerForTests();
});
afterAll(() => fs.rmSync(entry, { force: true }));

const doc = docWithGraph(chain(['in', 'Input', { shape: [2] }], ['h', 'Dense', { units: 4, activation: 'tanh' }], ['out', 'Dense', { units: 2, activation: 'softmax' }]), {
  dataset: 'xor',
  data: { ...DEFAULT_TRAINING.data, samples: 100 },
  epochs: 2,
  batchSize: 16,
  loss: 'categoricalCrossentropy',
});

const spec: SweepSpec = { axes: [{ key: 'lr', values: '0.001,0.01,0.1' }], mode: 'grid', metric: 'auto', parallel: 1 };

/** Resolves with the first sweep state `pred` accepts. */
function untilSweep(backend: BackendService, pred: (s: SweepState) => boolean): Promise<SweepState> {
  return new Promise((resolve) => {
    const off = backend.onEvent((name, payload) => {
      if (name === 'sweep.event' && pred(payload as SweepState)) {
        off();
        resolve(payload as SweepState);
      }
    });
  });
}

describe('sweeps in the back end', () => {
  it('stops after a run, keeps what finished, and resumes the rest in a new back end (the app reopened)', async () => {
    const home = tempDir('nw-sweep-home-');
    const projectPath = path.join(tempDir('nw-sweep-proj-'), 'xor.nwproj');
    const first = testBackend({ dataDir: home, launcher: createForkLauncher(entry) }).backend;
    const oneDone = untilSweep(first, (s) => s.trials.some((t) => t.status === 'done'));
    const started = (await first.handle('sweep.start', { doc, projectPath, spec })) as SweepState;
    expect(started.trials.map((t) => t.values)).toEqual([{ lr: 0.001 }, { lr: 0.01 }, { lr: 0.1 }]);
    // One at a time: the first trains, the others wait.
    expect(started.trials.map((t) => t.status)).toEqual(['running', 'pending', 'pending']);
    await oneDone;
    const stopped = untilSweep(first, (s) => s.status === 'stopped' && !s.trials.some((t) => t.status === 'running'));
    await first.handle('sweep.stop', { projectPath, sweepId: started.sweepId });
    const atStop = await stopped;
    const kept = atStop.trials.filter((t) => t.status === 'done');
    expect(kept.length).toBeGreaterThanOrEqual(1);
    await first.dispose();

    const second = testBackend({ dataDir: home, launcher: createForkLauncher(entry) }).backend;
    const listed = (await second.handle('sweep.list', { projectPath })) as SweepState[];
    expect(listed.map((s) => [s.sweepId, s.status])).toEqual([[started.sweepId, 'stopped']]);
    const finished = untilSweep(second, (s) => s.status === 'done');
    await second.handle('sweep.resume', { projectPath, sweepId: started.sweepId });
    const end = await finished;
    expect(end.trials.every((t) => t.status === 'done' && t.test !== null)).toBe(true);
    // The runs that had finished were not trained again.
    for (const k of kept) expect(end.trials[k.index]?.runId).toBe(k.runId);
    // Every trial is an ordinary run beside the project; the best is the highest test accuracy.
    const runs = (await second.handle('runs.list', { projectPath })) as { runId: string; sweep?: { sweepId: string } }[];
    for (const t of end.trials) expect(runs.find((r) => r.runId === t.runId)?.sweep?.sweepId).toBe(started.sweepId);
    const top = Math.max(...end.trials.map((t) => t.test?.accuracy ?? -1));
    expect(end.trials[end.best ?? -1]?.test?.accuracy).toBe(top);
    await second.dispose();
  }, 300_000);

  it('runs N at a time when asked', async () => {
    const { backend } = testBackend({ launcher: createForkLauncher(entry) });
    let most = 0;
    backend.onEvent((name, payload) => {
      if (name === 'sweep.event') most = Math.max(most, (payload as SweepState).trials.filter((t) => t.status === 'running').length);
    });
    const done = untilSweep(backend, (s) => s.status === 'done');
    await backend.handle('sweep.start', { doc, projectPath: null, spec: { ...spec, parallel: 2 } });
    const end = await done;
    expect(most).toBe(2);
    expect(end.trials.every((t) => t.status === 'done')).toBe(true);
    await backend.dispose();
  }, 300_000);

  it("an unsaved project's sweep carries its draft id: listed for that draft only, its runs listed with the draft's runs", async () => {
    const { backend } = testBackend({ launcher: createForkLauncher(entry) });
    const done = untilSweep(backend, (s) => s.status === 'done');
    const started = (await backend.handle('sweep.start', { doc, projectPath: null, spec: { ...spec, axes: [{ key: 'lr', values: '0.01' }] }, draft: 'draft-a' })) as SweepState;
    expect(started.draft).toBe('draft-a');
    const end = await done;
    const ids = (list: unknown) => (list as SweepState[]).map((s) => s.sweepId);
    expect(ids(await backend.handle('sweep.list', { projectPath: null, draft: 'draft-a' }))).toEqual([started.sweepId]);
    expect(ids(await backend.handle('sweep.list', { projectPath: null, draft: 'draft-b' }))).toEqual([]);
    const runs = (await backend.handle('runs.list', { projectPath: null, draft: 'draft-a' })) as { runId: string }[];
    expect(runs.map((r) => r.runId)).toEqual([end.trials[0]?.runId]);
    expect(await backend.handle('runs.list', { projectPath: null, draft: 'draft-b' })).toEqual([]);
    // Saved: the draft's runs and its sweep move beside the project, pointing at it.
    const projectPath = path.join(tempDir('nw-sweep-adopt-'), 'saved.nwproj');
    await backend.handle('runs.adopt', { draft: 'draft-a', projectPath });
    expect(ids(await backend.handle('sweep.list', { projectPath: null, draft: 'draft-a' }))).toEqual([]);
    const adopted = (await backend.handle('sweep.list', { projectPath })) as SweepState[];
    expect(adopted.map((s) => [s.sweepId, s.projectPath, s.draft, s.status])).toEqual([[started.sweepId, projectPath, undefined, 'done']]);
    expect(((await backend.handle('runs.get', { projectPath, runId: end.trials[0]?.runId as string })) as { runId: string }).runId).toBe(end.trials[0]?.runId);
    await backend.dispose();
  }, 300_000);

  for (const parallel of [1, 2]) it(`a sweep still running (${parallel} at a time) when its unsaved project is first saved follows it: the runs training then and the runs after them land beside the project`, async () => {
    const { backend } = testBackend({ launcher: createForkLauncher(entry) });
    const done = untilSweep(backend, (s) => s.status === 'done');
    const started = (await backend.handle('sweep.start', { doc, projectPath: null, spec: { ...spec, parallel }, draft: 'draft-s' })) as SweepState;
    const running = started.trials.filter((t) => t.status === 'running');
    expect(running).toHaveLength(parallel);
    // Saved while the first trials train.
    const projectPath = path.join(tempDir('nw-sweep-adopt-running-'), 'saved.nwproj');
    const adopted = (await backend.handle('runs.adopt', { draft: 'draft-s', projectPath })) as { moved: string[]; training: string[] };
    expect(adopted.training.sort()).toEqual(running.map((t) => t.runId as string).sort());
    const end = await done;
    expect(end.projectPath).toBe(projectPath);
    expect(end.draft).toBeUndefined();
    expect(end.trials.every((t) => t.status === 'done')).toBe(true);
    const ids = (list: unknown) => (list as { sweepId: string }[]).map((s) => s.sweepId);
    expect(ids(await backend.handle('sweep.list', { projectPath }))).toEqual([started.sweepId]);
    expect(ids(await backend.handle('sweep.list', { projectPath: null, draft: 'draft-s' }))).toEqual([]);
    // Every trial's run is beside the project, pointing at it; none is left with the unsaved project.
    const runs = (await backend.handle('runs.list', { projectPath })) as { runId: string; sweep?: { sweepId: string } }[];
    expect(runs.map((r) => r.runId).sort()).toEqual(end.trials.map((t) => t.runId as string).sort());
    for (const r of runs) expect(r.sweep?.sweepId).toBe(started.sweepId);
    for (const t of end.trials) expect(((await backend.handle('runs.get', { projectPath, runId: t.runId as string })) as { projectPath: string | null }).projectPath).toBe(projectPath);
    expect(await backend.handle('runs.list', { projectPath: null, draft: 'draft-s' })).toEqual([]);
    await backend.dispose();
  }, 300_000);
});
