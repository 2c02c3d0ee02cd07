import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { describeLoadError, formatBackendReport, loadBestBackend, type BackendCandidate } from './backend-loader';

function missing(name: string): BackendCandidate {
  return {
    name,
    backend: 'tensorflow',
    prepare: () => {
      throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
    },
    label: () => name,
  };
}

describe('loadBestBackend', () => {
  it('loads WebAssembly here and explains why tfjs-node did not load', async () => {
    const report = await loadBestBackend();
    expect(report.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(report.label).toMatch(/WebAssembly/);
    expect(report.tried.map((t) => t.name)).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm']);
    expect(report.tried[0]).toEqual({ name: '@tensorflow/tfjs-node-gpu', ok: false, reason: 'not installed (its install needs to download libtensorflow)' });
    expect(report.tried[2]?.ok).toBe(true);
    // The wasm backend actually computes.
    const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).arraySync());
    expect(sum).toEqual([4, 6]);
  });

  it('falls through failing candidates to the next, recording each reason', async () => {
    const broken: BackendCandidate = { name: 'broken', backend: 'nope', prepare: () => undefined, label: () => 'x' };
    const cpu: BackendCandidate = { name: 'cpu', backend: 'cpu', prepare: () => undefined, label: () => 'plain cpu' };
    const report = await loadBestBackend([missing('@tensorflow/tfjs-node'), broken, cpu]);
    expect(report.backend).toBe('cpu');
    expect(report.tried.map((t) => t.ok)).toEqual([false, false, true]);
    expect(report.tried[1]?.reason).toMatch(/nope/);
    expect(formatBackendReport(report)).toContain('@tensorflow/tfjs-node: not installed');
  });

  it('throws when nothing loads', async () => {
    await expect(loadBestBackend([missing('a')])).rejects.toThrow(/No TensorFlow.js backend/);
  });
});

describe('describeLoadError', () => {
  it('recognises a missing native library', () => {
    expect(describeLoadError('@tensorflow/tfjs-node-gpu', new Error('libcudart.so.11.0: cannot open shared object file'))).toMatch(
      /^CUDA 11\.2 is missing \(libcudart\.so\.11\.0 could not be loaded\)$/,
    );
  });
});
