import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testBackend } from './test-backend';
import { rootedPaths } from './path-policy';
import { exampleDoc } from '../trainer/test-helpers';
import type { ProjectDoc } from '../../shared/graph/document';

/**
 * The browser mode's folder limit (issue 14, items 3 and 4), tried as an attacker would: paths
 * nested inside params (a project's data path), symbolic links inside the allowed folder that
 * lead out (export, delete), and a "project" at the root itself. Each case is the reproduction:
 * on the main branch before this change, each one read, wrote or deleted outside the root.
 */
describe('paths the client gave, at any depth, and links that lead out', () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'nw-confine-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const root = path.join(base, 'allowed');
  const outside = path.join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  const secretCsv = path.join(outside, 'secret.csv');
  writeFileSync(secretCsv, 'a,b,label\n1,2,TOP-SECRET-CLASS\n3,4,OTHER-SECRET\n5,6,TOP-SECRET-CLASS\n');
  const { backend } = testBackend({ dataDir: path.join(base, 'data'), defaultDir: root, paths: rootedPaths([root]) });

  const csvDoc = (file: string): ProjectDoc => {
    const doc = exampleDoc();
    return { ...doc, training: { ...doc.training, dataset: 'csv', data: { ...doc.training.data, path: file } } };
  };

  it('datasets.inspect refuses a CSV outside the root given as settings.data.path, and says which field', async () => {
    const error = await backend.handle('datasets.inspect', { settings: csvDoc(secretCsv).training }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'FORBIDDEN_PATH', message: expect.stringContaining('settings.data.path') });
    expect(JSON.stringify(error)).not.toContain('TOP-SECRET');
    // Inside the root the same file is read.
    const inside = path.join(root, 'ok.csv');
    copyFileSync(secretCsv, inside);
    await expect(backend.handle('datasets.inspect', { settings: csvDoc(inside).training })).resolves.toMatchObject({ classNames: expect.arrayContaining(['TOP-SECRET-CLASS']) });
  });

  it.each([
    ['training.start', () => ({ doc: csvDoc(secretCsv) })],
    ['project.save', () => ({ path: path.join(root, 'p.nwproj'), doc: csvDoc(secretCsv) })],
    ['export.model', () => ({ format: 'tfjs', doc: csvDoc(secretCsv), runId: null, outDir: path.join(root, 'out') })],
  ])('%s refuses a project whose data path is outside the root (doc.training.data.path)', async (call, params) => {
    await expect(backend.handle(call, params())).rejects.toMatchObject({ code: 'FORBIDDEN_PATH', message: expect.stringContaining('doc.training.data.path') });
  });

  it('a symbolic link inside the root to a folder outside is refused as a data path too', async () => {
    symlinkSync(outside, path.join(root, 'link-out'));
    await expect(backend.handle('datasets.inspect', { settings: csvDoc(path.join(root, 'link-out', 'secret.csv')).training })).rejects.toMatchObject({ code: 'FORBIDDEN_PATH' });
  });

  it('runs.delete does not delete through a runs folder that is a link to outside', async () => {
    const victim = path.join(outside, 'victim-runs', '20261205-120000-000abc');
    mkdirSync(victim, { recursive: true });
    writeFileSync(path.join(victim, 'keep.txt'), 'precious');
    symlinkSync(path.join(outside, 'victim-runs'), path.join(root, 'linked.runs'));
    await expect(backend.handle('runs.delete', { projectPath: path.join(root, 'linked.nwproj'), runId: '20261205-120000-000abc' })).rejects.toMatchObject({ code: 'FORBIDDEN_PATH' });
    expect(readFileSync(path.join(victim, 'keep.txt'), 'utf8')).toBe('precious');
  });

  it('runs.delete does not delete through a run folder that is a link to outside', async () => {
    const victim = path.join(outside, 'victim-run');
    mkdirSync(victim);
    writeFileSync(path.join(victim, 'keep.txt'), 'precious');
    mkdirSync(path.join(root, 'p2.runs'));
    symlinkSync(victim, path.join(root, 'p2.runs', '20261205-120000-000def'));
    await expect(backend.handle('runs.delete', { projectPath: path.join(root, 'p2.nwproj'), runId: '20261205-120000-000def' })).rejects.toMatchObject({ code: 'FORBIDDEN_PATH' });
    expect(readFileSync(path.join(victim, 'keep.txt'), 'utf8')).toBe('precious');
  });

  it('a project at the root itself may not keep its runs beside the root', async () => {
    await expect(backend.handle('training.start', { doc: exampleDoc(), projectPath: root })).rejects.toMatchObject({ code: 'FORBIDDEN_PATH' });
    expect(existsSync(`${root}.runs`)).toBe(false);
  });

  it('export.model replaces a link in the export folder instead of writing through it', async () => {
    const target = path.join(outside, 'important.onnx');
    writeFileSync(target, 'do not overwrite');
    const out = path.join(root, 'onnx-out');
    mkdirSync(out);
    symlinkSync(target, path.join(out, 'model.onnx'));
    const r = (await backend.handle('export.model', { format: 'onnx', doc: exampleDoc(), runId: null, outDir: out })) as { outDir: string; files: string[] };
    expect(r.outDir).toBe(out);
    expect(r.files).toContain(path.join(out, 'model.onnx'));
    expect(readFileSync(target, 'utf8')).toBe('do not overwrite');
    expect(lstatSync(path.join(out, 'model.onnx')).isFile()).toBe(true);
  }, 120_000);
});
