import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docWithGraph, edge, node } from '../trainer/test-helpers';
import { summarizeModel } from '../services/model-summary';
import { loadModelFromDir } from '../trainer/save-model';
import { exportFromSource } from './export';
import { findKerasRuntime } from './keras-check';
import { pythonModuleMissing, runPython } from './python';
import { loadExportSource, type ExportSource } from './source';
import { randomizedRun } from './test-support';

/**
 * Frozen layers (issue 18) in every export, loaded in the real runtimes: TF.js (model.json
 * `trainable: false`, tfjs's trainable weights), Keras (`trainable = False` after build_model(),
 * Keras's own trainable / non-trainable counts equal Netwright's summary, a frozen
 * BatchNormalization in inference mode even with training=True), PyTorch (`requires_grad` off,
 * frozen norms in eval inside model.train()), ONNX (the README notes them).
 */

const doc = docWithGraph({
  nodes: [
    node('in', 'Input', { shape: [8, 8, 2] }),
    node('conv', 'Conv2D', { filters: 4, kernelSize: [3, 3], trainable: false }),
    node('bn', 'BatchNormalization', { trainable: false }),
    node('flat', 'Flatten'),
    node('head', 'Dense', { units: 3, activation: 'softmax' }),
  ],
  edges: [edge('in', 'conv'), edge('conv', 'bn'), edge('bn', 'flat'), edge('flat', 'head')],
});
// conv 3*3*2*4 + 4 = 76 frozen, bn 4 gamma + 4 beta frozen, 8 moving statistics (never trainable), head 6*6*4*3 + 3 = 435.
const summary = summarizeModel(doc);
const FROZEN = ['conv2d_1', 'batchnormalization_1'];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-frozen-export-'));
let source: ExportSource;
let runDir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  runDir = await randomizedRun(doc);
  source = await loadExportSource(doc, runDir);
}, 120_000);
afterAll(() => {
  source.model.dispose();
  fs.rmSync(runDir, { recursive: true, force: true });
  fs.rmSync(tmp, { recursive: true, force: true });
});

const exported = async (format: 'tfjs' | 'keras' | 'pytorch' | 'onnx') => {
  const outDir = path.join(tmp, format);
  // PyTorch's self-check runs: model.py with the frozen parts still predicts as Netwright does.
  const result = await exportFromSource(source, { format, outDir, selfCheck: format === 'pytorch' });
  expect(result.ok, JSON.stringify(result.checks)).toBe(true);
  return outDir;
};

const torchMissing = await pythonModuleMissing('torch');
const tfVenv = path.join(process.env['NETWRIGHT_CI_CACHE'] ?? path.join(os.homedir(), '.cache', 'netwright-ci'), 'tf-venv', 'bin', 'python');
const keras = await findKerasRuntime({ ...process.env, NETWRIGHT_KERAS_PYTHON: process.env['NETWRIGHT_KERAS_PYTHON'] ?? tfVenv });
if (typeof keras === 'string') console.log(`skipped: frozen layers in real Keras (${keras}; CI installs tensorflow-cpu in ${tfVenv})`);

describe('frozen layers in exports', () => {
  it('the summary counts as Keras does', () => {
    expect([summary.trainableParams, summary.nonTrainableParams]).toEqual([435, 76 + 8 + 8]);
  });

  it('TF.js: model.json says trainable false, and tfjs loads them as non-trainable', async () => {
    const dir = await exported('tfjs');
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as { modelTopology: { config: { layers: { config: { name: string; trainable?: boolean } }[] } } };
    const flags = Object.fromEntries(json.modelTopology.config.layers.map((l) => [l.config.name, l.config.trainable]));
    expect(flags).toMatchObject({ conv2d_1: false, batchnormalization_1: false, dense_1: true });
    const model = await loadModelFromDir(dir);
    try {
      const count = (ws: tf.LayerVariable[]) => ws.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
      expect([count(model.trainableWeights), count(model.nonTrainableWeights)]).toEqual([summary.trainableParams, summary.nonTrainableParams]);
    } finally {
      model.dispose();
    }
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain('## Frozen layers\nTrainable was off in Netwright for 2 layers: `conv2d_1`, `batchnormalization_1`.');
  }, 120_000);

  it('ONNX: the README notes the frozen layers (ONNX has no trainable flag)', async () => {
    const dir = await exported('onnx');
    const text = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    expect(text).toContain('Trainable was off in Netwright for 2 layers: `conv2d_1`, `batchnormalization_1`.\nONNX has no trainable flag');
  }, 120_000);

  it.skipIf(torchMissing !== null)(`PyTorch: requires_grad off on frozen parameters, frozen norms stay in eval under model.train()${torchMissing ? ` (skipped: ${torchMissing})` : ''}`, async () => {
    const dir = await exported('pytorch');
    const script = `
import json, sys
import torch
sys.path.insert(0, sys.argv[1])
from model import load_model
m = load_model().train()
x = torch.rand(5, 8, 8, 2)
with torch.no_grad():
    a = m(x)
    b = m.eval()(x)
m.train()
print(json.dumps({
    "trainable": sum(p.numel() for p in m.parameters() if p.requires_grad),
    "frozen": sorted({n.split(".")[0] for n, p in m.named_parameters() if not p.requires_grad}),
    "bnTraining": m.batchnormalization_1.training,
    "headTraining": m.dense_1.training,
    "sameInTrainMode": bool(torch.allclose(a, b, atol=1e-6)),
}))
`;
    const r = await runPython(['-c', script, dir], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1) as string)).toEqual({ trainable: summary.trainableParams, frozen: [...FROZEN].sort(), bnTraining: false, headTraining: true, sameInTrainMode: true });
  }, 180_000);

  // CI installs tensorflow-cpu (which brings Keras 3) in its tf-venv and then sets NETWRIGHT_NATIVE_REQUIRED=1:
  // there the real-Keras check below must run, not be skipped.
  it.skipIf(process.env['NETWRIGHT_NATIVE_REQUIRED'] !== '1')('CI: real Keras is found, so the Keras check is not skipped', () => {
    expect(typeof keras === 'string' ? keras : 'found').toBe('found');
  });

  it.skipIf(typeof keras === 'string')("Keras: trainable = False after build_model(); Keras's own trainable and non-trainable counts equal Netwright's", async () => {
    if (typeof keras === 'string') return;
    const dir = await exported('keras');
    const script = `
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from model import build_model
m = build_model()
count = lambda ws: int(sum(np.prod(w.shape) for w in ws))
x = np.random.rand(5, 8, 8, 2).astype("float32")
a = np.asarray(m(x, training=True))
b = np.asarray(m(x, training=False))
print(json.dumps({
    "frozen": [l.name for l in m.layers if l.weights and not l.trainable],
    "trainable": count(m.trainable_weights),
    "nonTrainable": count(m.non_trainable_weights),
    "sameInTraining": bool(np.allclose(a, b, atol=1e-6)),
}))
`;
    const r = await runPython(['-c', script, dir], { timeoutMs: 240_000, env: { NETWRIGHT_PYTHON: keras.python, KERAS_BACKEND: keras.backend } });
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout.trim().split('\n').at(-1) as string) as unknown;
    console.log(`Keras (${keras.python}, ${keras.backend}): ${JSON.stringify(got)}; Netwright: trainable ${summary.trainableParams}, non-trainable ${summary.nonTrainableParams}`);
    expect(got).toEqual({ frozen: FROZEN, trainable: summary.trainableParams, nonTrainable: summary.nonTrainableParams, sameInTraining: true });
  }, 300_000);
});
