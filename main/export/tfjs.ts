import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { saveModelToDir } from '../trainer/save-model';
import { failed, predictionCheck, writeOut, type ExportContext, type FormatOutput } from './context';
import { predictTfjs, maxDifference } from './examples';

/** Where netwright-layers.js is: beside the bundle (dist/main/assets) or in the sources. */
export function layersModulePath(): string {
  const candidates = [path.join(__dirname, 'assets', 'netwright-layers.js'), path.resolve(__dirname, '../../main/export/assets/netwright-layers.js')];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`netwright-layers.js is missing (looked in ${candidates.join(', ')}).`);
  return found;
}

type Registry = Record<string, unknown>;
const registry = (): Registry => tf.serialization.SerializationMap.getMap().classNameMap as unknown as Registry;

/**
 * Loads an exported model.json + weights.bin with stock `tf.loadLayersModel`, the custom layers
 * registered by the exported netwright-layers.js (not Netwright's own classes: those are put
 * back afterwards).
 */
export async function loadWithExportedLayers(dir: string): Promise<tf.LayersModel> {
  const file = path.join(dir, 'netwright-layers.js');
  const req = createRequire(file);
  const resolved = req.resolve(file);
  delete req.cache[resolved];
  const register = req(resolved) as (t: typeof tf) => string[];
  const map = registry();
  const saved = new Map(Object.entries(map));
  try {
    register(tf);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as {
      modelTopology: object;
      weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
    };
    const bin = fs.readFileSync(path.join(dir, 'weights.bin'));
    const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
    return await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((m) => m.weights), weightData }));
  } finally {
    for (const [k, v] of saved) map[k] = v;
    delete req.cache[resolved];
  }
}

export async function writeTfjs(ctx: ExportContext): Promise<FormatOutput> {
  const files = await saveModelToDir(ctx.model, ctx.outDir);
  files.push(writeOut(ctx, 'netwright-layers.js', fs.readFileSync(layersModulePath())));
  const checks = [];
  let exportedParams: number | null = null;
  if (ctx.selfCheck) {
    try {
      const reloaded = await loadWithExportedLayers(ctx.outDir);
      try {
        exportedParams = reloaded.countParams();
        const got = predictTfjs(reloaded, ctx.examples);
        checks.push(predictionCheck('TensorFlow.js (stock loadLayersModel + netwright-layers.js) predictions', maxDifference(ctx.expected, got), ctx.examples[0]?.shape[0] ?? 0));
      } finally {
        reloaded.dispose();
      }
    } catch (error) {
      checks.push(failed('TensorFlow.js reload', error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error)));
    }
  }
  return { files, checks, exportedParams };
}
