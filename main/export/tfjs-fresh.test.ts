import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { exportFromSource } from './export';
import { loadExportSource } from './source';
import { customClassesOf } from './tfjs';
import { runFreshTfjs } from './tfjs-fresh';
import { docWithGraph, edge, node } from '../trainer/test-helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-tfjs-fresh-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Two image branches subtracted, after a SpatialDropout2D: the two layers the hand-written file lacked. */
const doc = docWithGraph({
  nodes: [
    node('in', 'Input', { shape: [6, 6, 2] }),
    node('a', 'Conv2D', { filters: 4, kernelSize: [3, 3], padding: 'same', activation: 'leakyRelu' }),
    node('drop', 'SpatialDropout2D', { rate: 0.3 }),
    node('b', 'Conv2D', { filters: 4, kernelSize: [1, 1] }),
    node('sub', 'Subtract'),
    node('flat', 'Flatten'),
    node('out', 'Dense', { units: 3, activation: 'softmax' }),
  ],
  edges: [edge('in', 'a'), edge('a', 'drop'), edge('in', 'b'), edge('drop', 'sub', 'in1'), edge('b', 'sub', 'in2'), edge('sub', 'flat'), edge('flat', 'out')],
});

describe('TF.js export checked in a fresh Node process (stock @tensorflow/tfjs + the shipped netwright-layers.js)', () => {
  it('a Subtract and SpatialDropout2D model loads there with the same predictions', async () => {
    const source = await loadExportSource(doc, null);
    try {
      expect(customClassesOf(source.info)).toEqual(['SpatialDropout2D', 'Subtract', 'leakyRelu']);
      const result = await exportFromSource(source, { format: 'tfjs', outDir: path.join(tmp, 'ok') });
      const report = result.checks.map((c) => `${c.status} ${c.name}: ${c.detail}`).join('\n');
      expect(result.ok, report).toBe(true);
      expect(result.checks.map((c) => c.status)).toEqual(['passed', 'passed']);
      expect(result.maxDifference ?? 1).toBeLessThanOrEqual(1e-4);
      expect(result.params.exported).toBe(source.info.totalParams);
    } finally {
      source.model.dispose();
    }
  }, 300_000);

  it('fails, naming the layer, when the shipped file lacks a class (as a user would see it)', async () => {
    const source = await loadExportSource(doc, null);
    try {
      const dir = path.join(tmp, 'lacking');
      await exportFromSource(source, { format: 'tfjs', outDir: dir, selfCheck: false });
      // What the hand-written file did: it registered leakyRelu (and others), not these two layers.
      fs.writeFileSync(
        path.join(dir, 'netwright-layers.js'),
        `module.exports = (tf) => {
  class LeakyRelu extends tf.serialization.Serializable {
    apply(x) { return tf.leakyRelu(x, 0.2); }
    getConfig() { return {}; }
    getClassName() { return 'leakyRelu'; }
  }
  LeakyRelu.className = 'leakyRelu';
  tf.serialization.registerClass(LeakyRelu);
  return ['leakyRelu'];
};
`,
      );
      const r = await runFreshTfjs(dir, [{ name: 'in', shape: [1, 6, 6, 2], dtype: 'float32', data: new Float32Array(72) }]);
      expect(r).toEqual({ error: expect.stringMatching(/Unknown layer: (Subtract|SpatialDropout2D)/) });
    } finally {
      source.model.dispose();
    }
  }, 300_000);
});
