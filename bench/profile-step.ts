/**
 * Where one training step spends its time: `tf.profile` of trainOnBatch for a bench model,
 * kernel times summed by kernel name.
 *
 *   npx esbuild bench/profile-step.ts --bundle --platform=node --format=cjs \
 *     --external:@tensorflow/* --outfile=dist/bench/profile-step.cjs
 *   node dist/bench/profile-step.cjs [model=cnn] [backend=wasm|tensorflow|cpu] [batch=64]
 *   (tensorflow: the add-on `netwright setup native` built)
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { wasmBinaryDir } from '../main/trainer/backend-loader';
import { registerNetwrightKernels } from '../main/trainer/kernels';
import { loadNativeAddon } from '../main/trainer/native/native-addon';
import { useNativeLoss } from '../main/trainer/native-loss';
import { benchOptimizer, BENCH_MODELS } from './models';

async function main(): Promise<void> {
  const [modelId = 'cnn', backend = 'wasm', batchArg = '64'] = process.argv.slice(2);
  const batch = Number(batchArg);
  setWasmPaths(wasmBinaryDir() + path.sep);
  if (backend === 'tensorflow') loadNativeAddon();
  await tf.setBackend(backend);
  await tf.ready();
  registerNetwrightKernels(backend);
  const spec = BENCH_MODELS.find((m) => m.id === modelId);
  if (!spec) throw new Error(`no model ${modelId}`);
  const model = spec.build();
  model.compile({ optimizer: benchOptimizer(), loss: 'categoricalCrossentropy' });
  useNativeLoss(model, 'categoricalCrossentropy');
  const [x, y] = spec.data(batch);
  for (let i = 0; i < 2; i++) await model.trainOnBatch(x, y);
  const t0 = performance.now();
  const info = await tf.profile(async () => {
    await model.trainOnBatch(x, y);
  });
  const wall = performance.now() - t0;
  const byName = new Map<string, { ms: number; n: number }>();
  let total = 0;
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    total += ms;
    const e = byName.get(k.name) ?? { ms: 0, n: 0 };
    e.ms += ms;
    e.n += 1;
    byName.set(k.name, e);
  }
  const slowest = [...info.kernels].sort((a, b) => Number(b.kernelTimeMs) - Number(a.kernelTimeMs)).slice(0, 8);
  for (const k of slowest) process.stdout.write(`  slowest: ${k.name} ${JSON.stringify(k.inputShapes)} -> ${JSON.stringify(k.outputShapes)} ${Number(k.kernelTimeMs).toFixed(2)} ms\n`);
  process.stdout.write(`${modelId} on ${backend}, batch ${batch}: ${info.kernels.length} kernels, ${total.toFixed(1)} ms in kernels, ${wall.toFixed(1)} ms wall (profiled)\n`);
  for (const [name, e] of [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
    process.stdout.write(`  ${name.padEnd(36)} ${e.ms.toFixed(2).padStart(9)} ms  ${String(e.n).padStart(6)} calls\n`);
  }
  x.dispose();
  y.dispose();
  model.dispose();
}

void main();
