import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { ExportFormat } from '../../shared/export/result';
import { exportFromSource } from './export';
import { loadExportSource } from './source';
import { expectExportReloads, galleryProjects, randomizedExportSource } from './test-support';

const FORMATS = (process.env['NETWRIGHT_EXPORT_FORMATS'] ?? 'tfjs,pytorch,onnx,keras').split(',') as ExportFormat[];
const ONLY = process.env['NETWRIGHT_EXPORT_ONLY'];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-export-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe.each(galleryProjects().filter((p) => !ONLY || p.file.includes(ONLY)))('export of $file', ({ file, doc }) => {
  const source = randomizedExportSource(doc);

  it.each(FORMATS)('%s: reloads in its runtime with the same predictions (1e-4) and parameter count', async (format) => {
    const out = path.join(tmp, `${path.basename(file, '.nwproj')}-${format}`);
    const result = await expectExportReloads(source(), format, out, file);
    expect(result.checks.filter((c) => c.status === 'passed').length + result.checks.filter((c) => c.status === 'skipped').length).toBeGreaterThan(0);
    for (const f of result.files) expect(fs.existsSync(f), f).toBe(true);
  }, 300_000);
});

describe('torchrun export', () => {
  it('trains the MNIST MLP for a few steps with two processes (gloo), the loss falls, and a rerun resumes', async () => {
    const project = galleryProjects().find((p) => p.file === 'templates/mnist-mlp.nwproj');
    if (!project) throw new Error('templates/mnist-mlp.nwproj is missing');
    const source = await loadExportSource(project.doc, null);
    try {
      const result = await exportFromSource(source, { format: 'torchrun', outDir: path.join(tmp, 'torchrun') });
      const report = result.checks.map((c) => `${c.status} ${c.name}: ${c.detail}`).join('\n');
      console.log(report);
      expect(result.ok, report).toBe(true);
      const training = result.checks.find((c) => c.name.startsWith('torchrun training'));
      if (training?.status === 'skipped') console.warn(`skipped: ${training.detail}`);
      else expect(result.checks.filter((c) => c.name.startsWith('torchrun') && c.status === 'passed')).toHaveLength(2);
      expect(fs.existsSync(path.join(tmp, 'torchrun', 'train.py'))).toBe(true);
    } finally {
      source.model.dispose();
    }
  }, 600_000);
});
