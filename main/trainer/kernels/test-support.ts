import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { wasmBinaryDir } from '../backend-loader';
import { registerNetwrightKernels } from './index';
import { loadNativeAddon } from '../native/native-addon';

/** Tests: makes `wasm` and `cpu` available with Netwright's kernels registered on both. */
export async function prepareBackends(): Promise<void> {
  setWasmPaths(wasmBinaryDir() + path.sep);
  for (const name of ['wasm', 'cpu']) {
    const ok = await tf.setBackend(name);
    if (!ok) throw new Error(`backend ${name} did not initialize`);
    await tf.ready();
    registerNetwrightKernels(name);
  }
}

/**
 * Tests: loads the native TensorFlow backend (`tensorflow`) where `netwright setup native` was run
 * (see nativeDir: NETWRIGHT_NATIVE_DIR or $NETWRIGHT_HOME/native). Returns whether it loaded, and
 * leaves `wasm` active. Where CI set the add-on up it sets NETWRIGHT_NATIVE_REQUIRED=1, and a
 * failed load throws instead of skipping the native cases.
 */
export async function prepareNativeBackend(): Promise<boolean> {
  let loaded = false;
  try {
    loadNativeAddon();
    loaded = await tf.setBackend('tensorflow');
    registerNetwrightKernels('tensorflow');
  } catch (error) {
    if (process.env['NETWRIGHT_NATIVE_REQUIRED'] === '1') throw error;
  }
  if (!loaded && process.env['NETWRIGHT_NATIVE_REQUIRED'] === '1') throw new Error('The native backend did not initialize.');
  await prepareBackends();
  tf.setBackend('wasm');
  return loaded;
}

/** The backends a test matrix covers: wasm and cpu, and tensorflow where the native add-on loads. */
export async function testBackends(): Promise<string[]> {
  return (await prepareNativeBackend()) ? ['wasm', 'cpu', 'tensorflow'] : ['wasm', 'cpu'];
}

/** Deterministic pseudo-random numbers (mulberry32). */
export { seededRandom as rng } from '../random';

export function randomArray(n: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rand() * 2 - 1;
  return out;
}

export interface KernelInput {
  readonly values: Float32Array | Int32Array;
  readonly shape: number[];
  readonly dtype: 'float32' | 'int32';
}

/** Runs one kernel on a backend on fresh tensors; returns its outputs' values and shapes. */
export function runOn(
  backend: string,
  kernelName: string,
  inputs: Record<string, KernelInput>,
  attrs: Record<string, unknown>,
): { values: Float32Array; shape: number[] }[] {
  tf.setBackend(backend);
  const tensors: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(inputs)) tensors[k] = tf.tensor(v.values, v.shape, v.dtype);
  try {
    const out = tf.engine().runKernel(kernelName, tensors, attrs as tf.NamedAttrMap);
    const list = Array.isArray(out) ? out : [out];
    const result = list.map((t) => ({ values: Float32Array.from(t.dataSync() as Float32Array), shape: t.shape }));
    list.forEach((t) => t.dispose());
    return result;
  } finally {
    Object.values(tensors).forEach((t) => t.dispose());
  }
}

/** Largest |a-b| / (1 + |b|) over two arrays; Infinity when lengths differ. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number)) / (1 + Math.abs(b[i] as number));
    if (!(d <= worst)) worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return worst;
}
