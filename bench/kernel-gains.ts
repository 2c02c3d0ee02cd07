/**
 * Stock tfjs kernels vs Netwright's, one operation at a time, in CPU milliseconds per call
 * (median of 5 timed calls after one warm-up). For the change log in docs/benchmarks.md.
 *
 *   npx esbuild bench/kernel-gains.ts --bundle --platform=node --format=cjs \
 *     --external:@tensorflow/* --outfile=dist/bench/kernel-gains.cjs && node dist/bench/kernel-gains.cjs
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { wasmBinaryDir } from '../main/trainer/backend-loader';
import { registerNetwrightKernels, withStockGradients, withStockKernels } from '../main/trainer/kernels';

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function time(f: () => tf.TensorContainer): number {
  tf.dispose(f());
  const xs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const c0 = cpuMs();
    tf.dispose(f());
    xs.push(cpuMs() - c0);
  }
  return xs.sort((a, b) => a - b)[2] ?? Number.NaN;
}

function row(name: string, backend: string, f: () => tf.TensorContainer, stockAvailable = true): void {
  tf.setBackend(backend);
  const ours = time(f);
  const stock = stockAvailable ? withStockKernels(backend, () => time(f)) : Number.NaN;
  const gain = Number.isFinite(stock) ? `${(stock / ours).toFixed(1)}x` : 'stock has none';
  process.stdout.write(`${backend.padEnd(5)} ${name.padEnd(52)} stock ${Number.isFinite(stock) ? stock.toFixed(2).padStart(8) : '       -'} ms   ours ${ours.toFixed(2).padStart(8)} ms   ${gain}\n`);
}

async function main(): Promise<void> {
  setWasmPaths(wasmBinaryDir() + path.sep);
  for (const b of ['wasm', 'cpu']) {
    await tf.setBackend(b);
    registerNetwrightKernels(b);
  }
  process.stdout.write(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  const e = tf.engine();
  for (const backend of ['wasm', 'cpu']) {
    tf.setBackend(backend);
    const big = tf.randomNormal([60000, 784]);
    const seq = tf.randomNormal([64, 100, 32]);
    const x2 = tf.randomNormal([64, 13, 13, 16]);
    const dy2 = tf.randomNormal([64, 11, 11, 32]);
    const w2 = tf.randomNormal([3, 3, 16, 32]);
    const mp = tf.randomNormal([64, 26, 26, 16]);
    const mo = tf.maxPool(mp as tf.Tensor4D, 2, 2, 'valid');
    const mdy = tf.randomNormal(mo.shape);
    const seg = tf.randomNormal([6400, 32]);
    const ids = tf.randomUniform([6400], 0, backend === 'cpu' ? 500 : 10000, 'int32');
    if (backend === 'wasm') {
      const table = tf.randomNormal([10000, 32]);
      const tokens = tf.randomUniform([64, 100], 0, 10000, 'int32');
      row('GatherV2: Embedding lookup 64x100 from [10000, 32]', backend, () => tf.gather(table, tokens));
      tf.dispose([table, tokens]);
      row('Slice: batch of 64 rows from [60000, 784]', backend, () => tf.slice(big, [1280, 0], [64, 784]));
      row('Unpack: [64, 100, 32] along time', backend, () => tf.unstack(seq, 1));
    }
    const convAttrs = { strides: 1, pad: 'valid', dataFormat: 'NHWC', dimRoundingMode: undefined };
    row('Conv2DBackpropFilter 64x13x13x16 -> 3x3x16x32', backend, () => e.runKernel('Conv2DBackpropFilter', { x: x2, dy: dy2 }, { ...convAttrs, filterShape: [3, 3, 16, 32] } as never) as tf.Tensor, backend === 'cpu');
    if (backend === 'wasm') row('Conv2DBackpropInput 64x11x11x32 -> 64x13x13x16', backend, () => e.runKernel('Conv2DBackpropInput', { dy: dy2, filter: w2 }, { ...convAttrs, inputShape: [64, 13, 13, 16] } as never) as tf.Tensor);
    if (backend === 'wasm') row('MaxPoolGrad 2x2 of 64x26x26x16', backend, () => e.runKernel('MaxPoolGrad', { dy: mdy, input: mp, output: mo }, { filterSize: 2, strides: 2, pad: 'valid' } as never) as tf.Tensor);
    // Stock cpu takes ~20 s per call at 10,000 segments; 500 keeps the run short.
    const numSegments = backend === 'cpu' ? 500 : 10000;
    row(`UnsortedSegmentSum 6400x32 into ${numSegments} rows`, backend, () => e.runKernel('UnsortedSegmentSum', { x: seg, segmentIds: ids }, { numSegments } as never) as tf.Tensor, backend === 'cpu');
    tf.dispose([big, seq, x2, dy2, w2, mp, mo, mdy, seg, ids]);
  }
  // Tile's gradient: stock (re-registered for the measurement) vs ours.
  tf.setBackend('wasm');
  const xt = tf.randomNormal([64, 1, 32]);
  const g = () => tf.grad((a: tf.Tensor) => tf.sum(tf.tile(a, [1, 100, 4])))(xt);
  const ours = time(g);
  const stock = withStockGradients(() => time(g));
  process.stdout.write(`wasm  ${'Tile forward + gradient, [64,1,32] tiled [1,100,4]'.padEnd(52)} stock ${stock.toFixed(2).padStart(8)} ms   ours ${ours.toFixed(2).padStart(8)} ms   ${(stock / ours).toFixed(1)}x\n`);
  xt.dispose();
}

void main();
