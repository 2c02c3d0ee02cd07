import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { defaultCandidates, describeLoadError, formatBackendReport, loadBestBackend, type BackendCandidate } from './backend-loader';
import { prepareNativeBackend } from './kernels/test-support';
import { fixFor } from './native-errors';
import * as os from 'node:os';
import * as path from 'node:path';

const nativeHere = await prepareNativeBackend();

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
  it('without the native add-on, loads WebAssembly and explains why each better backend did not load', async () => {
    const home = path.join(os.tmpdir(), 'netwright-no-native-home');
    const report = await loadBestBackend(defaultCandidates({ NETWRIGHT_HOME: home }));
    expect(report.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(report.label).toMatch(/WebAssembly/);
    expect(report.tried.map((t) => t.name)).toEqual(['@tensorflow/tfjs-node-gpu', 'netwright-native', '@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm']);
    expect(report.tried[0]).toEqual({ name: '@tensorflow/tfjs-node-gpu', ok: false, reason: 'not installed (its install needs to download libtensorflow)' });
    const native = report.tried[1];
    expect(native?.reason).toBe(`not set up (no ${path.join(home, 'native', 'native.json')})`);
    expect(fixFor('netwright-native', native?.reason ?? '')).toMatch(/pip install tensorflow-cpu.*npx netwright setup native/);
    expect(report.tried[3]?.ok).toBe(true);
    // The wasm backend actually computes.
    const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).arraySync());
    expect(sum).toEqual([4, 6]);
  });

  it('NETWRIGHT_NATIVE=off skips the native add-on, with no fix to offer', async () => {
    const report = await loadBestBackend(defaultCandidates({ NETWRIGHT_NATIVE: 'off' }));
    const native = report.tried.find((t) => t.name === 'netwright-native');
    expect(native).toEqual({ name: 'netwright-native', ok: false, reason: 'turned off (NETWRIGHT_NATIVE=off)' });
    expect(fixFor('netwright-native', native?.reason ?? '')).toBeNull();
  });

  it.runIf(nativeHere)('picks the native add-on that netwright setup native built, where it is set up', async () => {
    const report = await loadBestBackend();
    expect(report.backend).toBe('tensorflow');
    expect(report.tried.find((t) => t.ok)?.name).toBe('netwright-native');
    expect(report.label).toMatch(/^TensorFlow 2\.\d+\.\d+ native (on the CPU|with CUDA)/);
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
