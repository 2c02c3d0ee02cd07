import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, existsSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testBackend } from './test-backend';
import { rootedPaths } from './path-policy';
import { exampleDoc } from '../trainer/test-helpers';

/** The browser mode's path policy is applied to every path a call carries. */
describe('backend path policy', () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'nw-backend-paths-'));
  const root = path.join(base, 'allowed');
  const outside = path.join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'other.nwproj'), JSON.stringify(exampleDoc()));
  const { backend } = testBackend({ dataDir: path.join(base, 'data'), defaultDir: root, paths: rootedPaths([root]) });

  it('saves, lists and opens inside the allowed folder', async () => {
    const file = path.join(root, 'a.nwproj');
    await backend.handle('project.save', { path: file, doc: exampleDoc() });
    expect(existsSync(file)).toBe(true);
    const listing = (await backend.handle('files.list', { path: root })) as { entries: { name: string }[] };
    expect(listing.entries.map((e) => e.name)).toContain('a.nwproj');
    const opened = (await backend.handle('project.open', { path: file })) as { doc: { name: string } };
    expect(opened.doc.name).toBe(exampleDoc().name);
  });

  it.each([
    ['project.open', { path: path.join(outside, 'other.nwproj') }],
    ['project.open', { path: `${root}/../outside/other.nwproj` }],
    ['project.save', { path: path.join(outside, 'evil.nwproj'), doc: exampleDoc() }],
    ['files.list', { path: '/' }],
    ['export.model', { format: 'tfjs', doc: exampleDoc(), runId: null, outDir: path.join(outside, 'exported') }],
    ['export.model (projectPath)', { format: 'tfjs', doc: exampleDoc(), runId: 'r1', outDir: path.join(root, 'exported'), projectPath: path.join(outside, 'other.nwproj') }],
    ['runs.list', { projectPath: path.join(outside, 'other.nwproj') }],
    ['runs.insight', { projectPath: path.join(outside, 'other.nwproj'), runId: 'r1' }],
    ['runs.activations', { projectPath: path.join(outside, 'other.nwproj'), runId: 'r1', sampleIndex: 0 }],
  ])('%s outside the allowed folder is refused', async (label, params) => {
    await expect(backend.handle(label.split(' ')[0] as string, params)).rejects.toMatchObject({ code: 'FORBIDDEN_PATH' });
    expect(existsSync(path.join(outside, 'evil.nwproj'))).toBe(false);
    expect(existsSync(path.join(outside, 'exported'))).toBe(false);
  });

  describe('files.mkdir (the file picker\'s New folder)', () => {
    it('makes a folder inside the allowed folder, then says it exists', async () => {
      expect(await backend.handle('files.mkdir', { parent: root, name: 'new one' })).toEqual({ path: path.join(root, 'new one') });
      expect(statSync(path.join(root, 'new one')).isDirectory()).toBe(true);
      await expect(backend.handle('files.mkdir', { parent: root, name: 'new one' })).rejects.toMatchObject({ code: 'EXISTS', message: expect.stringContaining('already exists') });
      writeFileSync(path.join(root, 'taken.txt'), 'x');
      await expect(backend.handle('files.mkdir', { parent: root, name: 'taken.txt' })).rejects.toMatchObject({ code: 'EXISTS' });
    });

    it.each(['', '  ', '..', '.', '.hidden', 'a/b', 'a\\b', '../escape', 'x\u0000y', 'tab\there', 'q?', ' lead', 'é'.repeat(200)])('refuses the name %j', async (name) => {
      await expect(backend.handle('files.mkdir', { parent: root, name })).rejects.toMatchObject({ code: 'BAD_NAME' });
      expect(existsSync(path.join(base, 'escape'))).toBe(false);
    });

    it('refuses a parent outside the allowed folder, directly or through a link', async () => {
      await expect(backend.handle('files.mkdir', { parent: outside, name: 'nope' })).rejects.toMatchObject({ code: 'FORBIDDEN_PATH' });
      symlinkSync(outside, path.join(root, 'link-out'));
      await expect(backend.handle('files.mkdir', { parent: path.join(root, 'link-out'), name: 'nope' })).rejects.toMatchObject({ code: 'FORBIDDEN_PATH' });
      expect(existsSync(path.join(outside, 'nope'))).toBe(false);
    });

    it('says which folder is missing', async () => {
      await expect(backend.handle('files.mkdir', { parent: path.join(root, 'missing'), name: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('missing') });
    });
  });
});
