import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { exportFromSource } from '../export/export';
import { heldOutExamples, maxDifference, predictTfjs } from '../export/examples';
import { galleryProjects, randomizedRun } from '../export/test-support';
import { loadExportSource } from '../export/source';
import { loadModelFromDir } from '../trainer/save-model';
import { listRuns, readRun, runsRoot } from '../storage/runs';
import { openProject } from '../storage/project-files';
import { ImportError } from './keras-json';
import { importModelFile } from './import-model';

/**
 * Round trips of every gallery template: a model with non-trivial weights saved in the TF.js
 * format (and exported as ONNX) is imported; the imported run's model must predict what the
 * original does and hold as many parameters.
 */

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-import-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Templates whose ONNX export uses operations the ONNX import has no layer for, and the first such operation. */
const ONNX_UNSUPPORTED: Readonly<Record<string, string>> = {
  'conv-autoencoder': 'ConvTranspose',
  'imdb-transformer': 'Shape',
};

const templates = galleryProjects().filter((p) => p.file.startsWith('templates/'));

describe.each(templates)('import of $file', ({ file, doc }) => {
  const base = path.basename(file, '.nwproj');
  let runDir: string;
  let original: tf.LayersModel;
  beforeAll(async () => {
    runDir = await randomizedRun(doc, 11);
    original = await loadModelFromDir(runDir);
  }, 120_000);
  afterAll(() => {
    original.dispose();
    fs.rmSync(runDir, { recursive: true, force: true });
  });

  it('tfjs model.json + weights: the imported run predicts the same (1e-5), same parameter count', async () => {
    const src = path.join(tmp, `${base}-tfjs`);
    fs.mkdirSync(src, { recursive: true });
    for (const f of ['model.json', 'weights.bin']) fs.copyFileSync(path.join(runDir, f), path.join(src, f));
    const home = path.join(tmp, `${base}-home`);
    const result = await importModelFile(path.join(src, 'model.json'), { outPath: path.join(tmp, `${base}-tfjs.nwproj`), dataDir: home });
    expect(result.format).toBe('tfjs');
    expect(result.runId).toMatch(/-imported-/);
    const saved = await openProject(result.path);
    expect(saved.doc.graph.nodes.length).toBe(result.doc.graph.nodes.length);
    const record = readRun(home, result.path, result.runId as string);
    expect(record.origin).toEqual({ kind: 'imported', file: path.join(src, 'model.json'), format: 'tfjs' });
    expect(listRuns(home, result.path).map((r) => r.runId)).toEqual([result.runId]);
    const imported = await loadModelFromDir(path.join(runsRoot(home, result.path), result.runId as string));
    try {
      expect(imported.countParams()).toBe(original.countParams());
      expect(record.totalParams).toBe(original.countParams());
      const examples = heldOutExamples((await loadExportSource(doc, runDir)).info, 6);
      const diff = maxDifference(predictTfjs(original, examples), predictTfjs(imported, examples));
      console.log(`${file} tfjs: max difference ${diff.toExponential(2)}, ${imported.countParams()} parameters`);
      expect(diff).toBeLessThanOrEqual(1e-5);
    } finally {
      imported.dispose();
    }
  }, 120_000);

  it('ONNX export re-imported: the same predictions (1e-4) and parameter count, or a clear refusal', async () => {
    const source = await loadExportSource(doc, runDir);
    try {
      const out = path.join(tmp, `${base}-onnx`);
      await exportFromSource(source, { format: 'onnx', outDir: out, selfCheck: false });
      const home = path.join(tmp, `${base}-onnx-home`);
      const onnxFile = fs.readdirSync(out).find((f) => f.endsWith('.onnx')) as string;
      const target = path.join(tmp, `${base}-onnx.nwproj`);
      const unsupported = ONNX_UNSUPPORTED[base];
      if (unsupported) {
        await expect(importModelFile(path.join(out, onnxFile), { outPath: target, dataDir: home })).rejects.toThrow(new RegExp(`no layer for .*${unsupported} \\(node "`));
        await expect(importModelFile(path.join(out, onnxFile), { outPath: target, dataDir: home })).rejects.toBeInstanceOf(ImportError);
        expect(fs.existsSync(target)).toBe(false);
        return;
      }
      const result = await importModelFile(path.join(out, onnxFile), { outPath: target, dataDir: home });
      expect(result.format).toBe('onnx');
      const imported = await loadModelFromDir(path.join(runsRoot(home, result.path), result.runId as string));
      try {
        expect(imported.countParams()).toBe(source.info.totalParams);
        const examples = heldOutExamples(source.info, 6);
        const diff = maxDifference(predictTfjs(source.model, examples), predictTfjs(imported, examples));
        console.log(`${file} onnx: max difference ${diff.toExponential(2)}, ${result.doc.graph.nodes.length} layers`);
        expect(diff).toBeLessThanOrEqual(1e-4);
      } finally {
        imported.dispose();
      }
    } finally {
      source.model.dispose();
    }
  }, 120_000);
});
