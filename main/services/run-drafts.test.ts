import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectDoc } from '../../shared/graph/document';
import type { RunRecordData, RunSummary } from '../../shared/training/runs';
import type { TrainEvent } from '../../shared/training/events';
import { tempDir, testBackend, untilEvent } from './test-backend';
import { createForkLauncher } from './fork-launcher';
import { buildTrainerForTests } from './build-trainer-for-tests';
import type { BackendService } from './backend';
import { exampleDoc } from '../trainer/test-helpers';
import { runsDir } from '../storage/runs';

let entry: string;
beforeAll(async () => {
  entry = await buildTrainerForTests();
});
afterAll(() => fs.rmSync(entry, { force: true }));

function smallDoc(units = 16, learningRate = 0.001): ProjectDoc {
  const doc = exampleDoc();
  doc.training = { ...doc.training, epochs: 1, trainLimit: 200, testLimit: 50, batchSize: 50, learningRate };
  doc.graph.nodes = doc.graph.nodes.map((n) => (n.id === 'hidden' ? { ...n, params: { ...n.params, units } } : n));
  return doc;
}

async function train(backend: BackendService, doc: ProjectDoc, extra: { draft?: string; projectPath?: string; name?: string }): Promise<{ runId: string; name: string; end: TrainEvent }> {
  const ids: { runId?: string } = {};
  const end = untilEvent(backend, () => ids.runId, (e) => e.type === 'done' || e.type === 'error');
  const started = (await backend.handle('training.start', { doc, ...extra })) as { runId: string; name: string };
  ids.runId = started.runId;
  return { ...started, end: await end };
}

describe('runs of unsaved projects: named by what differs, listed per project, moved beside the project when it is saved', () => {
  it('names, lists per draft, renames and adopts', async () => {
    const { backend, home } = testBackend({ launcher: createForkLauncher(entry) });
    const projectDir = tempDir('nw-draft-proj-');
    try {
      const a1 = await train(backend, smallDoc(), { draft: 'draft-a' });
      expect(a1.end.type).toBe('done');
      expect(a1.name).toBe('Run 1');
      const a2 = await train(backend, smallDoc(32, 0.002), { draft: 'draft-a' });
      expect(a2.name).toBe('units 32 · lr 0.002');
      const b1 = await train(backend, smallDoc(), { draft: 'draft-b', name: 'my own name' });
      expect(b1.name).toBe('my own name');

      const listA = (await backend.handle('runs.list', { projectPath: null, draft: 'draft-a' })) as RunSummary[];
      expect(listA.map((r) => [r.runId, r.name])).toEqual([
        [a2.runId, 'units 32 · lr 0.002'],
        [a1.runId, 'Run 1'],
      ]);
      const listB = (await backend.handle('runs.list', { projectPath: null, draft: 'draft-b' })) as RunSummary[];
      expect(listB.map((r) => r.name)).toEqual(['my own name']);
      // Without a draft: every unsaved run, as before.
      expect(((await backend.handle('runs.list', { projectPath: null })) as RunSummary[]).length).toBe(3);

      await expect(backend.handle('runs.rename', { projectPath: null, runId: a1.runId, name: '  baseline  ' })).resolves.toEqual({ name: 'baseline' });
      await expect(backend.handle('runs.rename', { projectPath: null, runId: a1.runId, name: '   ' })).rejects.toMatchObject({ code: 'BAD_PARAMS' });
      expect(((await backend.handle('runs.get', { projectPath: null, runId: a1.runId })) as RunRecordData).name).toBe('baseline');

      // Saved as a project: draft a's runs move beside it; draft b's stay.
      const projectPath = path.join(projectDir, 'digits.nwproj');
      const adopted = (await backend.handle('runs.adopt', { draft: 'draft-a', projectPath })) as { moved: string[]; training: string[] };
      expect(adopted.moved.sort()).toEqual([a1.runId, a2.runId].sort());
      expect(adopted.training).toEqual([]);
      expect(fs.readdirSync(path.join(projectDir, 'digits.runs')).sort()).toEqual([a1.runId, a2.runId].sort());
      expect(fs.existsSync(path.join(projectDir, 'digits.runs', a1.runId, 'draft'))).toBe(false);
      const kept = (await backend.handle('runs.list', { projectPath })) as RunSummary[];
      expect(kept.map((r) => [r.name, r.hasModel])).toEqual([
        ['units 32 · lr 0.002', true],
        ['baseline', true],
      ]);
      expect(((await backend.handle('runs.get', { projectPath, runId: a2.runId })) as RunRecordData).projectPath).toBe(projectPath);
      expect(await backend.handle('runs.list', { projectPath: null, draft: 'draft-a' })).toEqual([]);
      expect(fs.readdirSync(runsDir(home))).toEqual([b1.runId]);

      // The next run of the saved project is named against the moved ones.
      const a3 = await train(backend, smallDoc(32, 0.002), { projectPath });
      expect(a3.name).toBe('Run 3 (same)');
    } finally {
      await backend.dispose();
      fs.rmSync(home, { recursive: true, force: true });
      fs.rmSync(projectDir, { recursive: true, force: true });
    }
  }, 240_000);
});

describe('runs.adopt and runs.rename in the browser mode stay inside the allowed folders', () => {
  it('refuses a project outside the root, and a runs folder that is a link leading out', async () => {
    const base = tempDir('nw-adopt-confine-');
    const root = path.join(base, 'allowed');
    const outside = path.join(base, 'outside');
    fs.mkdirSync(root);
    fs.mkdirSync(outside);
    const { rootedPaths } = await import('./path-policy');
    const { backend, home } = testBackend({ dataDir: path.join(base, 'data'), defaultDir: root, paths: rootedPaths([root]) });
    try {
      // A finished run of draft x, written as the trainer leaves one.
      const runId = '20261205-120000-000abc';
      const dir = path.join(runsDir(home), runId);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'draft'), 'draft-x\n');
      const { newRunRecord, writeRun } = await import('../storage/runs');
      writeRun(dir, { ...newRunRecord(runId, smallDoc(), null, new Date().toISOString()), status: 'done' });

      await expect(backend.handle('runs.adopt', { draft: 'draft-x', projectPath: path.join(outside, 'p.nwproj') })).rejects.toMatchObject({ code: 'FORBIDDEN_PATH' });
      fs.symlinkSync(outside, path.join(root, 'p.runs'));
      await expect(backend.handle('runs.adopt', { draft: 'draft-x', projectPath: path.join(root, 'p.nwproj') })).rejects.toMatchObject({ code: 'FORBIDDEN_PATH' });
      expect(fs.readdirSync(outside)).toEqual([]);
      await expect(backend.handle('runs.rename', { projectPath: path.join(outside, 'q.nwproj'), runId, name: 'x' })).rejects.toMatchObject({ code: 'FORBIDDEN_PATH' });
      await expect(backend.handle('runs.list', { projectPath: null, draft: '../etc' })).rejects.toMatchObject({ code: 'BAD_PARAMS' });
      // Inside the root it moves.
      await expect(backend.handle('runs.adopt', { draft: 'draft-x', projectPath: path.join(root, 'ok.nwproj') })).resolves.toEqual({ moved: [runId], training: [] });
      expect(fs.existsSync(path.join(root, 'ok.runs', runId, 'run.json'))).toBe(true);
    } finally {
      await backend.dispose();
      fs.rmSync(base, { recursive: true, force: true });
    }
  });
});
