import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunRecordSchema, type PredictInput } from '../../shared/training/runs';
import type { Activations } from '../../shared/training/activations';
import { loadModelFromDir } from './save-model';
import { loadDataset } from './datasets/load-dataset';
import { encodeInput } from './predict';
import { layerActivations } from './layer-insight';

/** What to run through the network: a test example by index, or a given input. */
export type ActivationsRequest = { readonly sampleIndex: number; readonly input?: undefined } | { readonly sampleIndex?: undefined; readonly input: PredictInput };

/**
 * Every layer's output for one example with a run's saved model: a test example
 * (loaded with the run's own data settings) or an input preprocessed as in training.
 */
export async function activationsWithRun(runDir: string, request: ActivationsRequest): Promise<Activations> {
  const record = RunRecordSchema.parse(JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8')));
  if (!fs.existsSync(path.join(runDir, 'model.json'))) throw new Error('This run saved no model.');
  let x: Float32Array;
  let sample: Activations['sample'] = null;
  let label: string | null = null;
  let testSize = 0;
  const model = await loadModelFromDir(runDir);
  try {
    if (model.inputs.length !== 1) throw new Error('Activations are shown for models with one Input.');
    const shape = (model.inputs[0]?.shape ?? []).slice(1).map((d) => d ?? 1);
    const size = shape.reduce((a, b) => a * b, 1);
    const dtype = model.inputs[0]?.dtype === 'int32' ? 'int32' : 'float32';
    if (request.sampleIndex !== undefined) {
      const data = loadDataset(record.settings);
      const test = data.test;
      testSize = test.count;
      const i = request.sampleIndex;
      if (!Number.isInteger(i) || i < 0 || i >= test.count) throw new Error(`There is no test example ${i}; the test set has ${test.count} (0 to ${test.count - 1}).`);
      if (test.sampleSize !== size) throw new Error(`The model takes ${size} values per example; the test set has ${test.sampleSize}.`);
      x = test.x.slice(i * size, (i + 1) * size);
      sample = data.viewTest?.(i) ?? null;
      const names = data.classNames ?? [];
      if (data.task !== 'regression') label = names[test.labels[i] as number] ?? String(test.labels[i]);
    } else {
      x = encodeInput(request.input, record.preprocessing, size);
    }
    return { sampleIndex: request.sampleIndex ?? null, sample, label, testSize, layers: layerActivations(model, x, shape, dtype) };
  } finally {
    model.dispose();
  }
}
