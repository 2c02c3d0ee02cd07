import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { isReconstruction } from '../../shared/training/reconstruction';
import { RunRecordSchema, type PredictInput, type Prediction, type Preprocessing, type RunRecordData } from '../../shared/training/runs';
import { assertNever } from '../../shared/layers/params';
import { loadModelFromDir } from './save-model';
import { encodeFeatures } from './datasets/csv';
import { encodeTokens, tokenize, vocabularyIndex } from './datasets/text';
import { resizeInto } from './datasets/images';
import { readOwnFile } from '../storage/safe-read';

/** Turns one example into the model's input values, exactly as training preprocessed its data. */
export function encodeInput(input: PredictInput, pre: Preprocessing | null, sampleSize: number): Float32Array {
  const out = new Float32Array(sampleSize);
  switch (input.kind) {
    case 'raw':
      if (input.values.length !== sampleSize) throw new Error(`The model takes ${sampleSize} values; ${input.values.length} were given.`);
      out.set(input.values);
      return out;
    case 'image': {
      if (pre?.kind !== 'image') throw new Error('This run was not trained on images.');
      if (input.pixels.length !== input.width * input.height * input.channels) {
        throw new Error(`The image has ${input.pixels.length} values; ${input.width}x${input.height}x${input.channels} were announced.`);
      }
      // Values arrive in 0..1; build RGBA bytes and resize like an imported image.
      const rgba = new Uint8Array(input.width * input.height * 4);
      for (let i = 0; i < input.width * input.height; i++) {
        for (let c = 0; c < 3; c++) {
          const v = input.pixels[i * input.channels + (input.channels >= 3 ? c : 0)] as number;
          rgba[i * 4 + c] = Math.round(Math.min(1, Math.max(0, v)) * 255);
        }
        rgba[i * 4 + 3] = 255;
      }
      if (input.width === pre.width && input.height === pre.height && input.channels === pre.channels) {
        out.set(input.pixels.map((v) => Math.min(1, Math.max(0, v))));
        return out;
      }
      resizeInto({ width: input.width, height: input.height, rgba }, pre.height, pre.width, pre.channels === 1 ? 1 : 3, out, 0);
      return out;
    }
    case 'text': {
      if (pre?.kind !== 'text') throw new Error('This run was not trained on text.');
      encodeTokens(tokenize(input.text), vocabularyIndex(pre.vocabulary), pre, out, 0);
      return out;
    }
    case 'features': {
      if (pre?.kind !== 'tabular') throw new Error('This run was not trained on tabular data.');
      const missing = pre.columns.find((c) => !(c.name in input.values));
      if (missing) throw new Error(`A value for "${missing.name}" is needed.`);
      encodeFeatures(pre.columns, (ci) => String(input.values[pre.columns[ci]?.name as string] ?? ''), out, 0);
      return out;
    }
    default:
      return assertNever(input);
  }
}

/** Predicts one example with a run's saved model (or its best-epoch checkpoint). */
export async function predictWithRun(runDir: string, input: PredictInput, weights: 'final' | 'best'): Promise<Prediction> {
  const record = RunRecordSchema.parse(JSON.parse(readOwnFile(path.join(runDir, 'run.json')).toString('utf8')));
  const dir = weights === 'best' ? path.join(runDir, 'best') : runDir;
  if (!fs.existsSync(path.join(dir, 'model.json'))) throw new Error(weights === 'best' ? 'This run kept no best-epoch checkpoint.' : 'This run saved no model.');
  const model = await loadModelFromDir(dir);
  try {
    const shape = (model.inputs[0]?.shape ?? []).slice(1).map((d) => d ?? 1);
    const size = shape.reduce((a, b) => a * b, 1);
    refuseReconstruction(model, size, record);
    const x = encodeInput(input, record.preprocessing, size);
    const dtype = model.inputs[0]?.dtype === 'int32' ? 'int32' : 'float32';
    const values = tf.tidy(() => Array.from((model.predict(tf.tensor(x, [1, ...shape], dtype)) as tf.Tensor).dataSync()));
    return predictionOf(values, record);
  } finally {
    model.dispose();
  }
}

/** Try it and step-through show classes or values; an autoencoder's output is an image, which they do not show yet. */
export function refuseReconstruction(model: tf.LayersModel, inputSize: number, record: RunRecordData): void {
  const numClasses = record.evaluation?.task === 'classification' ? record.evaluation.classNames.length : (record.preprocessing?.classNames.length ?? 0);
  const task = record.evaluation?.task === 'regression' || (record.preprocessing?.kind === 'tabular' && record.preprocessing.target !== null) ? 'regression' : 'classification';
  if (record.evaluation?.task === 'reconstruction' || isReconstruction(model.outputs[0]?.shape ?? [], inputSize, { task, numClasses })) {
    throw new Error('This run reconstructs its input (an autoencoder): Try it shows classes or predicted values, not rebuilt images. The Evaluation tab shows test images beside their reconstruction.');
  }
}

/** A run's model output for one example as a prediction: class probabilities (one sigmoid unit: [1 - p, p]), or regression values in the data's units. */
export function predictionOf(values: readonly number[], record: RunRecordData): Prediction {
  const classNames = record.evaluation?.task === 'classification' ? record.evaluation.classNames : (record.preprocessing?.classNames ?? []);
  const regression = record.evaluation?.task === 'regression' || (record.preprocessing?.kind === 'tabular' && record.preprocessing.target !== null);
  if (regression) {
    const t = record.preprocessing?.kind === 'tabular' ? record.preprocessing.target : null;
    return { task: 'regression', values: values.map((v) => (t ? v * t.std + t.mean : v)) };
  }
  const probabilities = values.length === 1 ? [1 - (values[0] as number), values[0] as number] : [...values];
  let predicted = 0;
  probabilities.forEach((p, i) => {
    if (p > (probabilities[predicted] as number)) predicted = i;
  });
  return { task: 'classification', classNames: classNames.length === probabilities.length ? classNames : probabilities.map((_, i) => String(i)), probabilities, predicted };
}
