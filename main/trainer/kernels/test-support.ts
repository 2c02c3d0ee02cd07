import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { wasmBinaryDir } from '../backend-loader';
import { registerNetwrightKernels } from './index';

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
