import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExportCheck } from '../../shared/export/result';
import { saveModelToDir } from '../trainer/save-model';
import { failed, passed, predictionCheck, writeOut, type ExportContext, type FormatOutput } from './context';
import { maxDifference } from './examples';
import { lower } from './lowering';
import type { ModelInfo } from './model-info';
import { runFreshTfjs } from './tfjs-fresh';

/**
 * Where netwright-layers.js is: beside the bundle (dist/main/assets), or where the build and the
 * test setup generate it (scripts/build-layers.mjs) when running from the sources.
 */
export function layersModulePath(): string {
  const candidates = [path.join(__dirname, 'assets', 'netwright-layers.js'), path.resolve(__dirname, '../../dist/main/assets/netwright-layers.js')];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`netwright-layers.js is missing (looked in ${candidates.join(', ')}); run node scripts/build.mjs.`);
  return found;
}

/** The classes stock TF.js lacks that this model's model.json uses (the lowering tables' tfjs entries). */
export function customClassesOf(info: ModelInfo): string[] {
  return [...new Set(info.layers.flatMap((layer) => lower(layer, 'tfjs')(layer)))].sort();
}

const PREDICTIONS = 'TensorFlow.js predictions (a fresh Node process: stock @tensorflow/tfjs + netwright-layers.js)';

export async function writeTfjs(ctx: ExportContext): Promise<FormatOutput> {
  const needed = customClassesOf(ctx.info);
  const files = await saveModelToDir(ctx.model, ctx.outDir);
  files.push(writeOut(ctx, 'netwright-layers.js', fs.readFileSync(layersModulePath())));
  const checks: ExportCheck[] = [];
  let exportedParams: number | null = null;
  if (ctx.selfCheck) {
    const r = await runFreshTfjs(ctx.outDir, ctx.examples);
    if ('error' in r) checks.push(failed(PREDICTIONS, r.error));
    else {
      exportedParams = r.params;
      const missing = needed.filter((c) => !r.registered.includes(c));
      checks.push(
        missing.length
          ? failed('netwright-layers.js has every custom class', `missing ${missing.join(', ')}`)
          : passed('netwright-layers.js has every custom class', needed.length ? needed.join(', ') : 'the model uses none (stock TF.js loads it alone)'),
      );
      checks.push(predictionCheck(PREDICTIONS, maxDifference(ctx.expected, r.outputs), ctx.examples[0]?.shape[0] ?? 0));
    }
  }
  return { files, checks, exportedParams };
}
