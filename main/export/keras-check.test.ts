import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportFromSource } from './export';
import { heldOutExamples, predictTfjs } from './examples';
import { findKerasRuntime, kerasPredictionChecks, kerasPythonCandidates } from './keras-check';
import { loadExportSource, type ExportSource } from './source';
import { galleryProjects, randomizedRun } from './test-support';

describe('kerasPythonCandidates', () => {
  it('tries $NETWRIGHT_KERAS_PYTHON first, then python3 on PATH, then Debian’s, without repeats', () => {
    expect(kerasPythonCandidates({ NETWRIGHT_KERAS_PYTHON: '/opt/k/bin/python' })).toEqual(['/opt/k/bin/python', 'python3', '/usr/bin/python3']);
    expect(kerasPythonCandidates({ NETWRIGHT_KERAS_PYTHON: 'python3' })).toEqual(['python3', '/usr/bin/python3']);
    expect(kerasPythonCandidates({})).toEqual(['python3', '/usr/bin/python3']);
  });
});

const runtime = await findKerasRuntime();
if (typeof runtime === 'string') console.log(`skipped: the Keras prediction check tests (${runtime})`);

describe.skipIf(typeof runtime === 'string')('Keras prediction check in real Keras', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-keras-check-'));
  let source: ExportSource;
  let runDir: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    const mlp = galleryProjects().find((p) => p.file.endsWith('mnist-mlp.nwproj'));
    if (!mlp) throw new Error('resources/examples/mnist-mlp.nwproj is missing');
    runDir = await randomizedRun(mlp.doc);
    source = await loadExportSource(mlp.doc, runDir);
  }, 120_000);
  afterAll(() => {
    source.model.dispose();
    fs.rmSync(runDir, { recursive: true, force: true });
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('passes for a faithful export and fails when Netwright’s predictions differ by more than 1e-4', async () => {
    const result = await exportFromSource(source, { format: 'keras', outDir: tmp });
    const keras = result.checks.find((c) => c.name === 'Keras predictions');
    expect(keras?.status, JSON.stringify(result.checks)).toBe('passed');
    expect(result.params.exported).toBe(101_770);

    // The same exported files against predictions nudged by 1e-3: the check must fail.
    const xs = heldOutExamples(source.info, 4);
    const expected = predictTfjs(source.model, xs).map((o) => ({ shape: o.shape, data: o.data.map((v, i) => (i === 0 ? v + 1e-3 : v)) }));
    const nudged = await kerasPredictionChecks(tmp, xs, expected, source.info.totalParams);
    const check = nudged.checks.find((c) => c.name === 'Keras predictions');
    expect(check?.status).toBe('failed');
    expect(check?.maxDifference).toBeGreaterThan(9e-4);
    expect(check?.maxDifference).toBeLessThan(1.1e-3);
  }, 300_000);
});
