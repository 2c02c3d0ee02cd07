import * as tf from '@tensorflow/tfjs';
import { conv2DBackpropFilter, conv2DBackpropInput, depthwiseBackpropFilter, depthwiseBackpropInput, maxPoolGrad, resizeNearestNeighborGrad } from './conv';
import { unsortedSegmentSum } from './segment-sum';
import { makeGather, makeSlice, makeTile, makeUnpack } from './slice';
import { tileGradConfig } from './gradients';
import { makeMatMul } from './matmul';
import { makeNativeFusedMatMul, makeNativeMaxPool, makeNativeMaxPoolGrad, makeNativeStep } from './native-kernels';

/**
 * Netwright's kernels: what stock tfjs 4.22 lacks for training on `wasm`, and replacements
 * where a stock kernel is pathologically slow. Registered right after the backend loads.
 */

type KernelFunc = tf.KernelConfig['kernelFunc'];

/** Which of our kernels each backend gets. Missing on stock wasm: the four backprop kernels and the segment sum. */
const OURS: Readonly<Record<string, readonly string[]>> = {
  wasm: [
    'Conv2DBackpropFilter',
    'Conv2DBackpropInput',
    'DepthwiseConv2dNativeBackpropFilter',
    'DepthwiseConv2dNativeBackpropInput',
    'UnsortedSegmentSum',
    'MaxPoolGrad',
    // Stock wasm's disagrees with the forward resize when halfPixelCenters (UpSampling2D) is set.
    'ResizeNearestNeighborGrad',
    'Slice',
    'Unpack',
    'Tile',
    'GatherV2',
    // Transposed operands: 8x slower in stock wasm than transposing first.
    'BatchMatMul',
    '_FusedMatMul',
  ],
  // Stock cpu has these, but its segment sum loops over the whole vocabulary and its
  // filter gradient is very slow.
  // ResizeNearestNeighborGrad: stock cpu's is not the adjoint of its forward resize when
  // halfPixelCenters is set (UpSampling2D); ours is (tested). Our Conv2DBackpropInput was
  // slower than stock on cpu (140 vs 103 ms), so cpu keeps its own.
  cpu: ['Conv2DBackpropFilter', 'UnsortedSegmentSum', 'ResizeNearestNeighborGrad'],
  // tfjs-node composes these from many tfjs ops; ours run TensorFlow's own ops (native-kernels.ts).
  tensorflow: ['Step', 'MaxPool', 'MaxPoolGrad', '_FusedMatMul'],
};

/** Stock kernels known to be wrong: `withStockKernels` keeps ours for these. */
const STOCK_WRONG: ReadonlySet<string> = new Set(['ResizeNearestNeighborGrad']);

function ourKernel(name: string, backendName: string): KernelFunc {
  switch (name) {
    case 'Conv2DBackpropFilter':
      return conv2DBackpropFilter as KernelFunc;
    case 'Conv2DBackpropInput':
      return conv2DBackpropInput as KernelFunc;
    case 'DepthwiseConv2dNativeBackpropFilter':
      return depthwiseBackpropFilter as KernelFunc;
    case 'DepthwiseConv2dNativeBackpropInput':
      return depthwiseBackpropInput as KernelFunc;
    case 'UnsortedSegmentSum':
      return unsortedSegmentSum as KernelFunc;
    case 'MaxPool': {
      const stock = stockKernel(name, backendName);
      if (!stock) throw new Error(`No stock ${name} kernel on ${backendName} to fall back to.`);
      return makeNativeMaxPool(stock.kernelFunc);
    }
    case 'MaxPoolGrad': {
      if (backendName !== 'tensorflow') return maxPoolGrad as KernelFunc;
      const stock = stockKernel(name, backendName);
      if (!stock) throw new Error(`No stock ${name} kernel on ${backendName} to fall back to.`);
      return makeNativeMaxPoolGrad(stock.kernelFunc);
    }
    case 'ResizeNearestNeighborGrad':
      return resizeNearestNeighborGrad as KernelFunc;
    case 'BatchMatMul':
    case '_FusedMatMul': {
      if (backendName === 'tensorflow') {
        const stock = stockKernel(name, backendName);
        if (!stock) throw new Error(`No stock ${name} kernel on ${backendName} to fall back to.`);
        return makeNativeFusedMatMul(stock.kernelFunc);
      }
      const stock = stockKernel(name, backendName);
      if (!stock) throw new Error(`No stock ${name} kernel on ${backendName} to wrap.`);
      return makeMatMul(stock.kernelFunc as Parameters<typeof makeMatMul>[0]) as KernelFunc;
    }
    case 'Step': {
      const stock = stockKernel(name, backendName);
      if (!stock) throw new Error(`No stock ${name} kernel on ${backendName} to fall back to.`);
      return makeNativeStep(stock.kernelFunc);
    }
    case 'Slice':
    case 'Unpack':
    case 'Tile':
    case 'GatherV2': {
      const stock = stockKernel(name, backendName);
      if (!stock) throw new Error(`No stock ${name} kernel on ${backendName} to fall back to.`);
      const make = { Slice: makeSlice, Unpack: makeUnpack, Tile: makeTile, GatherV2: makeGather }[name];
      return make(stock.kernelFunc as Parameters<typeof make>[0]) as KernelFunc;
    }
    default:
      throw new Error(`Netwright has no kernel ${name}.`);
  }
}

/** The kernels tfjs registered before ours replaced them, by `name/backend`. */
const stock = new Map<string, tf.KernelConfig | null>();
const installed = new Set<string>();

function key(name: string, backendName: string): string {
  return `${name}/${backendName}`;
}

/** The stock kernel (null where stock tfjs has none), as it was before `registerNetwrightKernels`. */
export function stockKernel(name: string, backendName: string): tf.KernelConfig | null {
  const k = key(name, backendName);
  if (stock.has(k)) return stock.get(k) ?? null;
  return tf.getKernel(name, backendName) ?? null;
}

function setKernel(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, config.backendName)) tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}

let gradientsRegistered = false;
let stockTileGrad: tf.GradConfig | null = null;

/** Names of the kernels Netwright provides for a backend. */
export function netwrightKernelNames(backendName: string): readonly string[] {
  return OURS[backendName] ?? [];
}

/**
 * Registers our kernels for `backendName` (default: the active backend) and our gradients.
 * Idempotent. Returns the kernel names registered for that backend.
 */
export function registerNetwrightKernels(backendName: string = tf.getBackend()): readonly string[] {
  if (!gradientsRegistered) {
    stockTileGrad = tf.getGradient('Tile') ?? null;
    tf.registerGradient(tileGradConfig);
    gradientsRegistered = true;
  }
  const names = netwrightKernelNames(backendName);
  for (const name of names) {
    const k = key(name, backendName);
    if (installed.has(k)) continue;
    if (!stock.has(k)) stock.set(k, tf.getKernel(name, backendName) ?? null);
    // Keep the stock setupFunc/disposeFunc: wrapped stock kernels need their wasm bindings
    // set up again if the backend is ever re-created.
    const original = stock.get(k);
    setKernel({ ...(original ?? {}), kernelName: name, backendName, kernelFunc: ourKernel(name, backendName) });
    installed.add(k);
  }
  return names;
}

/**
 * Runs `fn` with the stock kernels of `backendName` in place of ours (for tests and the
 * self-check's reference), then puts ours back. Kernels stock tfjs lacks, or gets wrong, stay ours.
 */
export function withStockKernels<T>(backendName: string, fn: () => T): T {
  const swapped: tf.KernelConfig[] = [];
  for (const name of netwrightKernelNames(backendName)) {
    const k = key(name, backendName);
    const original = stock.get(k);
    if (!installed.has(k) || !original || STOCK_WRONG.has(name)) continue;
    const ours = tf.getKernel(name, backendName);
    if (ours) swapped.push(ours);
    setKernel(original);
  }
  try {
    return fn();
  } finally {
    for (const ours of swapped) setKernel(ours);
  }
}

/** Runs `fn` with tfjs's stock gradients in place of ours (measurements, tests). */
export function withStockGradients<T>(fn: () => T): T {
  if (!gradientsRegistered || !stockTileGrad) return fn();
  tf.registerGradient(stockTileGrad);
  try {
    return fn();
  } finally {
    tf.registerGradient(tileGradConfig);
  }
}
