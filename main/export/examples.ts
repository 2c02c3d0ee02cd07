import * as tf from '@tensorflow/tfjs';
import { num } from '../../shared/layers/params';
import type { ExportInput, ModelInfo } from './model-info';
import { seededRandom } from '../trainer/random';

/** A small deterministic generator (mulberry32), so a self-check is repeatable. */
export { seededRandom };

export interface ExampleBatch {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: 'float32' | 'int32';
  readonly data: Float32Array | Int32Array;
}

/** Token ids an int input may hold: below the smallest vocabulary of the embeddings it feeds. */
function vocabularyOf(info: ModelInfo, input: ExportInput): number {
  let v = Infinity;
  for (const l of info.layers) {
    if (!l.inputs.includes(input.name)) continue;
    if (l.type === 'Embedding' || l.type === 'PositionalEmbedding') v = Math.min(v, num(l.params, 'inputDim'));
  }
  return Number.isFinite(v) ? v : 100;
}

/** Longest sequence an input may have: the positions of a PositionalEmbedding it feeds. */
function maxLengthOf(info: ModelInfo, input: ExportInput): number {
  let m = 16;
  for (const l of info.layers) if (l.inputs.includes(input.name) && l.type === 'PositionalEmbedding') m = Math.min(m, num(l.params, 'sequenceLength'));
  return m;
}

/**
 * Held-out examples in each input's domain: values in [0, 1) (what Netwright's image and scaled
 * data look like) for float inputs, token ids below the vocabulary for int inputs; sizes known
 * only at run time become 16 (or the model's maximum length). Seeded: the same every time.
 */
export function heldOutExamples(info: ModelInfo, count = 8, seed = 20261126): ExampleBatch[] {
  const rand = seededRandom(seed);
  return info.inputs.map((input) => {
    const shape = [count, ...input.shape.slice(1).map((d) => d ?? maxLengthOf(info, input))];
    const size = shape.reduce((a, b) => a * b, 1);
    if (input.dtype === 'int32') {
      const vocab = vocabularyOf(info, input);
      const data = new Int32Array(size);
      for (let i = 0; i < size; i++) data[i] = Math.floor(rand() * vocab);
      return { name: input.name, shape, dtype: 'int32', data };
    }
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = rand();
    return { name: input.name, shape, dtype: 'float32', data };
  });
}

/** A model's predictions for the examples, one flat array per output. */
export function predictTfjs(model: tf.LayersModel, examples: readonly ExampleBatch[]): { shape: number[]; data: Float32Array }[] {
  return tf.tidy(() => {
    const xs = examples.map((e) => tf.tensor(e.data, e.shape, e.dtype));
    const out = model.predict(xs.length === 1 ? (xs[0] as tf.Tensor) : xs, { batchSize: examples[0]?.shape[0] ?? 1 });
    const list = Array.isArray(out) ? out : [out];
    return list.map((t) => ({ shape: [...t.shape], data: Float32Array.from(t.dataSync()) }));
  });
}

/** Largest absolute difference between two sets of outputs; Infinity when shapes differ or a value is not finite. */
export function maxDifference(a: readonly { shape: readonly number[]; data: ArrayLike<number> }[], b: readonly { shape: readonly number[]; data: ArrayLike<number> }[]): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as { shape: readonly number[]; data: ArrayLike<number> };
    const y = b[i] as { shape: readonly number[]; data: ArrayLike<number> };
    if (x.data.length !== y.data.length || x.shape.join(',') !== y.shape.join(',')) return Infinity;
    for (let j = 0; j < x.data.length; j++) {
      const d = Math.abs((x.data[j] as number) - (y.data[j] as number));
      if (!Number.isFinite(d)) return Infinity;
      if (d > worst) worst = d;
    }
  }
  return worst;
}
