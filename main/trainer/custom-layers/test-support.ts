import * as tf from '@tensorflow/tfjs';
import { registerCustomLayers } from './index';
import { seededRandom } from '../random';

/** Deterministic pseudo-random numbers in [-1, 1) (mulberry32). */
export function rand(seed: number): () => number {
  const random = seededRandom(seed);
  return () => random() * 2 - 1;
}

export function randomTensor(shape: number[], seed: number): tf.Tensor {
  const r = rand(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => r()), shape);
}

/** Gives every weight of the model deterministic random values (biases included, so they are tested). */
export function randomizeWeights(model: tf.LayersModel, seed: number, scale = 0.5): void {
  model.setWeights(model.getWeights().map((w, i) => tf.mul(randomTensor(w.shape, seed + i), scale)));
}

/** Saves through tf.io.withSaveHandler (model.json topology + weights) and reloads from memory. */
export async function saveAndReload(model: tf.LayersModel): Promise<{ model: tf.LayersModel; topology: string }> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const artifacts = saved as unknown as tf.io.ModelArtifacts;
  // Through JSON text, as a model.json file would be.
  const topology = JSON.stringify(artifacts.modelTopology);
  registerCustomLayers();
  const reloaded = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: JSON.parse(topology) as object, weightSpecs: artifacts.weightSpecs, weightData: artifacts.weightData }),
  );
  return { model: reloaded, topology };
}

/** Mean squared error of one Adam step series: returns [loss before, loss after `steps` batches]. */
export async function lossBeforeAfter(model: tf.LayersModel, x: tf.Tensor | tf.Tensor[], y: tf.Tensor, steps = 5, lr = 0.01): Promise<[number, number]> {
  model.compile({ optimizer: tf.train.adam(lr), loss: 'meanSquaredError' });
  const evalLoss = () => tf.tidy(() => tf.losses.meanSquaredError(y, model.predict(x) as tf.Tensor).dataSync()[0] as number);
  const before = evalLoss();
  for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
  return [before, evalLoss()];
}

/** Values of a tensor as nested plain arrays. */
export function arr(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}
