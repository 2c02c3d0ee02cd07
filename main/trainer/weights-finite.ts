import * as tf from '@tensorflow/tfjs';

/**
 * True when every trainable weight is finite. The loss alone does not show
 * divergence on every backend: WASM's clip turns NaN predictions into the
 * clip bound, so cross-entropy stays finite while the weights are NaN.
 */
export function weightsAreFinite(model: tf.LayersModel): boolean {
  const weights = model.trainableWeights.map((w) => w.read());
  if (weights.length === 0) return true;
  const total = tf.tidy(() => tf.addN(weights.map((w) => tf.sum(tf.abs(w)))));
  const value = total.dataSync()[0] as number;
  total.dispose();
  return Number.isFinite(value);
}
