import * as tf from '@tensorflow/tfjs';

/**
 * Zero-copy access to tensor data inside a kernel, for the `wasm` and `cpu` backends.
 *
 * `wasm`: `readSync` copies the whole tensor out of the heap; `typedArrayFromHeap` returns
 * a view. A view dies when the heap grows, so allocate every output first, then take views.
 * `cpu`: the backend keeps plain typed arrays; `data.get(id).values` is the array itself.
 */

export type Values = Float32Array | Int32Array | Uint8Array;

interface WasmLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Values;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

interface CpuLike {
  data: { get(dataId: tf.DataId): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Values): tf.TensorInfo;
  disposeIntermediateTensorInfo(info: tf.TensorInfo): void;
}

export type KernelBackend = tf.KernelBackend;

function isWasm(backend: KernelBackend): backend is KernelBackend & WasmLike {
  return typeof (backend as unknown as Partial<WasmLike>).typedArrayFromHeap === 'function';
}

function asCpu(backend: KernelBackend): KernelBackend & CpuLike {
  const b = backend as unknown as Partial<CpuLike>;
  if (typeof b.makeTensorInfo !== 'function' || !b.data) throw new Error('Netwright kernels support only the wasm and cpu backends.');
  return backend as KernelBackend & CpuLike;
}

function typedArrayFor(dtype: tf.DataType, size: number): Values {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
    default:
      throw new Error(`Netwright kernels do not handle dtype ${dtype}.`);
  }
}

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Allocates an output tensor. Take its values with `view` after every allocation is done. */
export function allocate(backend: KernelBackend, shape: number[], dtype: tf.DataType): tf.TensorInfo {
  if (isWasm(backend)) return backend.makeOutput(shape, dtype);
  return asCpu(backend).makeTensorInfo(shape, dtype, typedArrayFor(dtype, sizeOf(shape)));
}

/** The tensor's values without copying (a heap view on wasm). Do not keep it across allocations. */
export function view(backend: KernelBackend, info: tf.TensorInfo): Values {
  if (isWasm(backend)) return backend.typedArrayFromHeap(info);
  const values = asCpu(backend).data.get(info.dataId).values;
  if (values instanceof Float32Array || values instanceof Int32Array || values instanceof Uint8Array) return values;
  throw new Error(`Netwright kernels cannot read a ${info.dtype} tensor.`);
}

/** A float32 view; throws on other dtypes. */
export function floatView(backend: KernelBackend, info: tf.TensorInfo): Float32Array {
  const v = view(backend, info);
  if (!(v instanceof Float32Array)) throw new Error(`Expected a float32 tensor, got ${info.dtype}.`);
  return v;
}

/** Releases an intermediate made inside a kernel. */
export function release(backend: KernelBackend, info: tf.TensorInfo): void {
  if (isWasm(backend)) backend.disposeData(info.dataId);
  else asCpu(backend).disposeIntermediateTensorInfo(info);
}

/** Runs another registered kernel of the same backend (as tfjs's own composite kernels do). */
export function runKernel(
  backend: KernelBackend,
  kernelName: string,
  inputs: Record<string, tf.TensorInfo>,
  attrs: Record<string, unknown> = {},
): tf.TensorInfo {
  const backendName = isWasm(backend) ? 'wasm' : 'cpu';
  const config = tf.getKernel(kernelName, backendName);
  if (!config) throw new Error(`Kernel ${kernelName} is not registered for ${backendName}.`);
  const out = config.kernelFunc({ inputs, attrs: attrs as tf.NamedAttrMap, backend });
  if (Array.isArray(out)) throw new Error(`Kernel ${kernelName} returned several outputs.`);
  return out as tf.TensorInfo;
}

export { sizeOf };
