import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { decodeNpy, encodeNpy, encodeNpz } from './npy';
import { exportFromSource } from './export';
import { loadExportSource } from './source';
import { ExportError } from './model-info';
import { onnxModel } from './onnx';
import { pytorchModule } from './pytorch';
import { pythonModuleMissing, runPython } from './python';
import { chain, docWithGraph } from '../trainer/test-helpers';
import { randomizedRun } from './test-support';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-selfcheck-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const smallDoc = () =>
  docWithGraph(chain(['in', 'Input', { shape: [6] }], ['h', 'Dense', { units: 5, activation: 'tanh' }], ['o', 'Dense', { units: 3, activation: 'softmax' }]));

describe('npy / npz', () => {
  it('round-trips a .npy and NumPy reads the .npz with the same values', async () => {
    const data = Float32Array.from({ length: 12 }, (_, i) => i * 0.5 - 2);
    const back = decodeNpy(encodeNpy({ shape: [3, 4], dtype: 'float32', data }));
    expect(back.shape).toEqual([3, 4]);
    expect([...back.data]).toEqual([...data]);
    const missing = await pythonModuleMissing('numpy');
    if (missing) return console.warn(`skipped NumPy half: ${missing}`);
    const file = path.join(tmp, 'a.npz');
    fs.writeFileSync(file, encodeNpz(new Map([['w.x', { shape: [3, 4], dtype: 'float32', data }], ['ids', { shape: [2], dtype: 'int32', data: Int32Array.from([7, -1]) }]])));
    const r = await runPython(['-c', 'import sys, numpy as np\nz = np.load(sys.argv[1])\nprint(z["w.x"].shape, float(z["w.x"].sum()), z["ids"].tolist())', file]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(`(3, 4) ${data.reduce((a, b) => a + b, 0).toFixed(1)} [7, -1]`);
  });
});

describe('self-check', () => {
  it('fails an export whose weights do not match (a swapped PyTorch weight): the difference is above 1e-4', async () => {
    const missing = await pythonModuleMissing('torch');
    if (missing) return console.warn(`skipped: ${missing}`);
    const run = await randomizedRun(smallDoc(), 3);
    const source = await loadExportSource(smallDoc(), run);
    try {
      const good = await exportFromSource(source, { format: 'pytorch', outDir: path.join(tmp, 'good') });
      expect(good.ok).toBe(true);
      // Corrupt one bias as a mis-mapped weight would, then re-check through the same path.
      const hidden = source.info.layers[0];
      const bias = hidden?.weights.find((w) => w.name === 'bias');
      if (!bias) throw new Error('no bias');
      bias.data[0] = (bias.data[0] as number) + 0.5;
      const bad = await exportFromSource(source, { format: 'pytorch', outDir: path.join(tmp, 'bad') });
      const check = bad.checks.find((c) => c.name === 'PyTorch predictions');
      expect(bad.ok).toBe(false);
      expect(check?.status).toBe('failed');
      expect(check?.maxDifference ?? 0).toBeGreaterThan(1e-4);
      expect(JSON.parse(fs.readFileSync(path.join(tmp, 'bad', 'netwright-export.json'), 'utf8'))).toMatchObject({ ok: false, format: 'pytorch' });
    } finally {
      source.model.dispose();
      fs.rmSync(run, { recursive: true, force: true });
    }
  }, 300_000);

  it('names the node and the reason when a format cannot express a layer', async () => {
    const doc = docWithGraph(chain(['in', 'Input', { shape: [4, 3] }], ['e', 'Dense', { units: 2, activation: 'leakyRelu' }], ['r', 'SimpleRNN', { units: 3, activation: 'elu' }]));
    const source = await loadExportSource(doc, null);
    try {
      expect(() => onnxModel(source.info, 't')).toThrow(ExportError);
      expect(() => onnxModel(source.info, 't')).toThrow(/simplernn_1 \(SimpleRNN\): activation "elu" is not one ONNX recurrent ops take/);
      // PyTorch expresses the same graph.
      expect(pytorchModule(source.info, 't').source).toContain('Recurrent("SimpleRNN", 2, 3, activation="elu"');
    } finally {
      source.model.dispose();
    }
  });
});
