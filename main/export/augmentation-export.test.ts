import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { ExportFormat } from '../../shared/export/result';
import { expectExportReloads, randomizedExportSource } from './test-support';
import { docWithGraph, edge, node } from '../trainer/test-helpers';
import { pythonModuleMissing, runPython } from './python';

/**
 * A small CNN behind every augmentation layer, exported to every format: each reloads with
 * Netwright's inference predictions; ONNX's README says which layers it left out; PyTorch's
 * modules augment in train() and pass through in eval().
 */

const FORMATS = (process.env['NETWRIGHT_EXPORT_FORMATS'] ?? 'tfjs,pytorch,onnx,keras').split(',') as ExportFormat[];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-augmentation-export-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const doc = docWithGraph({
  nodes: [
    node('in', 'Input', { shape: [12, 12, 1] }),
    node('flip', 'RandomFlip', { mode: 'horizontal' }),
    node('rot', 'RandomRotation', { factor: 0.1 }),
    node('zoom', 'RandomZoom', { heightFactor: 0.1, widthFactor: 0.1 }),
    node('shift', 'RandomTranslation', { heightFactor: 0.1, widthFactor: 0.1 }),
    node('contrast', 'RandomContrast', { factor: 0.2, valueRange: [0, 1] }),
    node('crop', 'RandomCrop', { height: 10, width: 10 }),
    node('gdrop', 'GaussianDropout', { rate: 0.1 }),
    node('conv', 'Conv2D', { filters: 3, kernelSize: [3, 3], activation: 'relu' }),
    node('flat', 'Flatten'),
    node('out', 'Dense', { units: 4, activation: 'softmax' }),
  ],
  edges: [edge('in', 'flip'), edge('flip', 'rot'), edge('rot', 'zoom'), edge('zoom', 'shift'), edge('shift', 'contrast'), edge('contrast', 'crop'), edge('crop', 'gdrop'), edge('gdrop', 'conv'), edge('conv', 'flat'), edge('flat', 'out')],
});

describe('export of a CNN with augmentation layers', () => {
  const source = randomizedExportSource(doc);

  it.each(FORMATS)('%s: reloads with the same inference predictions (1e-4) and parameter count', async (format) => {
    const result = await expectExportReloads(source(), format, path.join(tmp, format), 'augmentation');
    const readme = fs.readFileSync(path.join(tmp, format, 'README.md'), 'utf8');
    if (format === 'onnx') {
      expect(readme).toContain('## Augmentation left out');
      for (const name of ['RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomTranslation', 'RandomContrast', 'GaussianDropout']) expect(readme).toContain(`(${name})`);
      expect(readme).toMatch(/\(RandomCrop\) is kept as at inference/);
    } else expect(readme).not.toContain('Augmentation left out');
    expect(result.ok).toBe(true);
  }, 300_000);

  it('pytorch: the modules augment in train() and are the identity in eval()', async () => {
    if (!FORMATS.includes('pytorch')) return;
    const missing = await pythonModuleMissing('torch');
    if (missing) return console.warn(`skipped: ${missing}`);
    const dir = path.join(tmp, 'pytorch');
    const script = `
import sys, torch
sys.path.insert(0, ${JSON.stringify(dir)})
from model import load_model
m = load_model()
torch.manual_seed(0)
x = torch.rand(8, 12, 12, 1)
with torch.no_grad():
    a, b = m(x), m(x)
    m.train()
    c, d = m(x), m(x)
print("eval-equal", bool(torch.equal(a, b)), "train-differs", not bool(torch.allclose(c, d)), "train-vs-eval-differs", not bool(torch.allclose(a, c)))
for mod in m.modules():
    name = type(mod).__name__
    if name not in ("RandomFlip", "RandomAffine", "RandomContrast", "GaussianDropout"):
        continue
    mod.train()
    y = mod(x)
    mod.eval()
    print(getattr(mod, "kind", name), "augments", not bool(torch.allclose(y, x)), "eval-identity", bool(torch.equal(mod(x), x)))
`;
    const r = await runPython(['-c', script], { cwd: tmp, timeoutMs: 120_000 });
    expect(r.stderr.slice(-2000)).not.toContain('Traceback');
    expect(r.stdout).toContain('eval-equal True train-differs True train-vs-eval-differs True');
    for (const name of ['RandomFlip', 'rotation', 'zoom', 'translation', 'RandomContrast', 'GaussianDropout']) expect(r.stdout).toContain(`${name} augments True eval-identity True`);
  }, 120_000);
});
