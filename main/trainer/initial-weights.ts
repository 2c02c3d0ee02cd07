import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadModelFromDir } from './save-model';

/**
 * Starting a run from another run's weights (fine-tuning, or evaluating them): the saved model's
 * weights are copied into the freshly built one, layer by layer, matched by name (layers that
 * were renamed fall back to their position among the layers with weights). A graph that no
 * longer fits the weights is refused, naming the layer and both shapes.
 */

export class WeightsMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeightsMismatchError';
  }
}

const fmt = (shape: readonly (number | null)[]) => `[${shape.join(', ')}]`;

/** Copies the weights of `from` into `into` (same architecture); throws WeightsMismatchError where they differ. */
export function copyWeights(from: tf.LayersModel, into: tf.LayersModel, runId: string): void {
  const withWeights = (m: tf.LayersModel) => m.layers.filter((l) => l.weights.length > 0);
  const source = withWeights(from);
  const target = withWeights(into);
  const refuse = (why: string) => {
    throw new WeightsMismatchError(`The graph no longer matches run ${runId}: ${why} Start a fresh run instead, or undo the change.`);
  };
  if (source.length !== target.length) {
    refuse(`it has ${target.length} layers with weights, the run's model ${source.length}.`);
  }
  const byName = new Map(source.map((l) => [l.name, l]));
  const sameNames = target.every((l) => byName.has(l.name));
  const pairs: [tf.layers.Layer, tf.layers.Layer][] = [];
  target.forEach((layer, i) => {
    const src = (sameNames ? byName.get(layer.name) : source[i]) as tf.layers.Layer;
    if (src.weights.length !== layer.weights.length) {
      refuse(`layer "${layer.name}" has ${layer.weights.length} weights, the run's "${src.name}" ${src.weights.length}.`);
    }
    layer.weights.forEach((w, j) => {
      const s = src.weights[j] as tf.LayerVariable;
      if (s.shape.length !== w.shape.length || s.shape.some((d, k) => d !== w.shape[k])) {
        refuse(`layer "${layer.name}" needs ${w.originalName.split('/').pop() ?? 'a weight'} ${fmt(w.shape)}, the run's is ${fmt(s.shape)}.`);
      }
    });
    pairs.push([src, layer]);
  });
  for (const [src, layer] of pairs) {
    const values = src.getWeights();
    layer.setWeights(values);
  }
}

/** Loads run `runId`'s saved model from `runDir` and copies its weights into `model`. */
export async function loadInitialWeights(model: tf.LayersModel, runDir: string, runId: string): Promise<void> {
  if (!fs.existsSync(path.join(runDir, 'model.json'))) throw new WeightsMismatchError(`Run ${runId} has no saved model to start from.`);
  const saved = await loadModelFromDir(runDir);
  try {
    copyWeights(saved, model, runId);
  } finally {
    saved.dispose();
  }
}
