import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testBackend } from './test-backend';
import { rootedPaths } from './path-policy';
import { exampleDoc } from '../trainer/test-helpers';
import { randomizedRun } from '../export/test-support';

/** project.import through the back end: the path policy, the default project path, errors, and the run it makes. */
describe('project.import', () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'nw-backend-import-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const root = path.join(base, 'allowed');
  const outside = path.join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  const { backend } = testBackend({ dataDir: path.join(base, 'data'), defaultDir: root, paths: rootedPaths([root]) });

  it('writes model.nwproj beside the model (model-2.nwproj the second time) with an imported run listed by runs.list', async () => {
    const run = await randomizedRun(exampleDoc(), 2);
    const dir = path.join(root, 'mlp');
    mkdirSync(dir);
    for (const f of ['model.json', 'weights.bin']) copyFileSync(path.join(run, f), path.join(dir, f));
    rmSync(run, { recursive: true, force: true });
    const first = (await backend.handle('project.import', { path: path.join(dir, 'model.json') })) as { path: string; runId: string; totalParams: number; format: string };
    expect(first.path).toBe(path.join(dir, 'model.nwproj'));
    expect(first.format).toBe('tfjs');
    expect(first.totalParams).toBe(101_770);
    const runs = (await backend.handle('runs.list', { projectPath: first.path })) as { runId: string; hasModel: boolean; origin?: { kind: string } }[];
    expect(runs).toEqual([expect.objectContaining({ runId: first.runId, hasModel: true, origin: expect.objectContaining({ kind: 'imported' }) })]);
    const second = (await backend.handle('project.import', { path: path.join(dir, 'model.json') })) as { path: string };
    expect(second.path).toBe(path.join(dir, 'model-2.nwproj'));
  }, 60_000);

  it('refuses files outside the allowed folders, and says why a file cannot be imported', async () => {
    await expect(backend.handle('project.import', { path: path.join(outside, 'model.json') })).rejects.toMatchObject({ code: 'FORBIDDEN_PATH' });
    await expect(backend.handle('project.import', { path: path.join(root, 'mlp', 'model.json'), outPath: path.join(outside, 'x.nwproj') })).rejects.toMatchObject({ code: 'FORBIDDEN_PATH' });
    await expect(backend.handle('project.import', { path: path.join(root, 'missing.onnx') })).rejects.toMatchObject({ code: 'IMPORT_FAILED', message: expect.stringMatching(/^Cannot read .*missing\.onnx: ENOENT/) });
  });

  it('training.start refuses initial weights from a run that does not exist', async () => {
    await expect(backend.handle('training.start', { doc: exampleDoc(), projectPath: path.join(root, 'mlp', 'model.nwproj'), initialWeights: { runId: 'nope' } })).rejects.toMatchObject({ code: 'UNKNOWN_RUN' });
  });
});
