import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { formatSelfCheck, runSelfCheck } from './self-check';
import { prepareBackends } from './test-support';

beforeAll(async () => {
  await prepareBackends();
});

describe('self-check', () => {
  it('checks every layer type on wasm, caches the result once, and formats a report', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-selfcheck-'));
    tf.setBackend('wasm');
    const report = runSelfCheck({ dir });
    expect(report.backend).toBe('wasm');
    expect(report.results.length).toBeGreaterThan(20);
    expect(report.failing).toEqual([]);
    const file = path.join(dir, 'self-check.json');
    expect(fs.existsSync(file)).toBe(true);
    // Second call: the cached report (same checkedAt), not a new run.
    expect(runSelfCheck({ dir, backend: 'wasm' }).checkedAt).toBe(report.checkedAt);
    const text = formatSelfCheck(report);
    expect(text).toMatch(/ok +Conv2D \(valid\)/);
    expect(text).toMatch(/All layer types train correctly/);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('reports a layer whose gradients are wrong', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-selfcheck-'));
    // Break the wasm segment sum (Embedding's gradient) for the duration of the check.
    const ours = tf.getKernel('UnsortedSegmentSum', 'wasm');
    if (!ours) throw new Error('no kernel');
    tf.unregisterKernel('UnsortedSegmentSum', 'wasm');
    tf.registerKernel({ ...ours, kernelFunc: (args) => {
      const out = ours.kernelFunc(args) as tf.TensorInfo;
      const backend = args.backend as unknown as { typedArrayFromHeap(i: tf.TensorInfo): Float32Array };
      backend.typedArrayFromHeap(out).fill(0.5);
      return out;
    } });
    try {
      const report = runSelfCheck({ dir, backend: 'wasm', only: ['Embedding', 'Dense'] });
      expect(report.failing).toEqual(['Embedding']);
      expect(formatSelfCheck(report)).toMatch(/FAIL Embedding/);
    } finally {
      tf.unregisterKernel('UnsortedSegmentSum', 'wasm');
      tf.registerKernel(ours);
    }
  });
});
