import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { RunRecordSchema, type PredictInput, type RunRecordData } from '../../shared/training/runs';
import type { SampleView } from '../../shared/training/events';
import { loadModelFromDir } from './save-model';
import { loadDataset } from './datasets/load-dataset';
import type { SplitData } from './datasets/mnist';
import { encodeInput } from './predict';
import { readOwnFile } from '../storage/safe-read';

/** What to run through the network: a test example by index, or a given input. */
export type ExampleRequest = { readonly sampleIndex: number; readonly input?: undefined } | { readonly sampleIndex?: undefined; readonly input: PredictInput };

/** One example, ready for a run's saved model. The caller disposes `model`. */
export interface RunExample {
  readonly record: RunRecordData;
  readonly model: tf.LayersModel;
  /** The example in the model's input layout (one sample). */
  readonly x: Float32Array;
  /** The model's input shape without the batch dimension. */
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32';
  readonly sampleIndex: number | null;
  /** The example as people see it (test examples of built-in and imported sets). */
  readonly sample: SampleView | null;
  /** Its class name and index (test examples of classification sets). */
  readonly label: { readonly name: string; readonly index: number } | null;
  readonly testSize: number;
  /** The test set (test examples only), for their targets. */
  readonly data: SplitData | null;
}

/** Reads a run's record and saved model, and its test example `sampleIndex` (loaded with the run's own data settings) or `input` preprocessed as in training. */
export async function loadRunExample(runDir: string, request: ExampleRequest): Promise<RunExample> {
  const record = RunRecordSchema.parse(JSON.parse(readOwnFile(path.join(runDir, 'run.json')).toString('utf8')));
  if (!fs.existsSync(path.join(runDir, 'model.json'))) throw new Error('This run saved no model.');
  const model = await loadModelFromDir(runDir);
  try {
    if (model.inputs.length !== 1) throw new Error('Only models with one Input can be looked into this way.');
    const shape = (model.inputs[0]?.shape ?? []).slice(1).map((d) => d ?? 1);
    const size = shape.reduce((a, b) => a * b, 1);
    const dtype = model.inputs[0]?.dtype === 'int32' ? 'int32' : 'float32';
    if (request.sampleIndex === undefined) {
      const x = encodeInput(request.input, record.preprocessing, size);
      return { record, model, x, shape, dtype, sampleIndex: null, sample: null, label: null, testSize: 0, data: null };
    }
    const data = loadDataset(record.settings);
    const test = data.test;
    const i = request.sampleIndex;
    if (!Number.isInteger(i) || i < 0 || i >= test.count) throw new Error(`There is no test example ${i}; the test set has ${test.count} (0 to ${test.count - 1}).`);
    if (test.sampleSize !== size) throw new Error(`The model takes ${size} values per example; the test set has ${test.sampleSize}.`);
    const names = data.classNames ?? [];
    const labelIndex = test.labels[i] as number;
    const label = data.task !== 'regression' && test.labels.length > i ? { name: names[labelIndex] ?? String(labelIndex), index: labelIndex } : null;
    return { record, model, x: test.x.slice(i * size, (i + 1) * size), shape, dtype, sampleIndex: i, sample: data.viewTest?.(i) ?? null, label, testSize: test.count, data };
  } catch (error) {
    model.dispose();
    throw error;
  }
}
