import * as tf from '@tensorflow/tfjs';
import { layerGradients } from './layer-gradients';
import { squashingActivation } from './layer-executor';

/**
 * Attributions of one example (issue 19, "why this prediction"): the gradient of
 * a score (a class's logit, or a regression output) with respect to the input or
 * an inner layer, turned into a saliency map, a Grad-CAM map, per-token or
 * per-feature gradient × input. Pure tensor code over a loaded model; the
 * numbers are checked against finite differences in attribution.test.ts.
 */

/** The scalar explained: the target class's logit (or output) of the model's first output. */
export interface ScoreTarget {
  /** Class index (classification) or output index (regression). */
  readonly index: number;
  /** Regression: the output value itself. */
  readonly regression: boolean;
}

/**
 * The score of `target` from the model's first output, one example. With logits
 * (`fromLogits`): a class's logit; a single sigmoid unit's logit z is class 1's
 * score and -z class 0's. Without: the probability (1 - p for class 0 of one unit).
 */
export function scoreOf(outputs: readonly tf.Tensor[], target: ScoreTarget, fromLogits: boolean): tf.Scalar {
  const flat = tf.reshape(outputs[0] as tf.Tensor, [-1]);
  const width = flat.shape[0] as number;
  if (target.regression || width > 1) {
    if (target.index < 0 || target.index >= width) throw new Error(`The model has ${width} outputs; there is no output ${target.index}.`);
    return tf.squeeze(tf.slice(flat, [target.index], [1])) as tf.Scalar;
  }
  const one = tf.squeeze(flat) as tf.Scalar;
  if (target.index === 1) return one;
  if (target.index !== 0) throw new Error(`A one-unit output has classes 0 and 1; there is no class ${target.index}.`);
  return (fromLogits ? tf.neg(one) : tf.sub(1, one)) as tf.Scalar;
}

/** Whether the score is a logit: the output layer ends in a softmax or sigmoid (left out), or it is a plain output. */
export function scoreKind(model: tf.LayersModel, regression: boolean): 'logit' | 'output' {
  if (regression) return 'output';
  const last = model.outputs[0]?.sourceLayer;
  return last && squashingActivation(last) ? 'logit' : 'output';
}

/** A score function and whether the model's output is taken before its softmax/sigmoid. */
function scorer(model: tf.LayersModel, target: ScoreTarget) {
  const logits = scoreKind(model, target.regression) === 'logit';
  return { logits, f: (outputs: readonly tf.Tensor[]) => scoreOf(outputs, target, logits) };
}

/** The score and ∂score/∂input for one float example (`x`: [1, ...shape]). */
export function inputGradient(model: tf.LayersModel, x: tf.Tensor, target: ScoreTarget): { score: number; gradient: Float32Array } {
  if (x.dtype !== 'float32') throw new Error('The input is not continuous (token ids): its gradient is taken at the embedding instead.');
  const input = model.inputs[0]?.sourceLayer.name as string;
  const { logits, f } = scorer(model, target);
  const g = layerGradients(model, x, f, { outputsOf: [input], logits });
  try {
    const grad = g.outputGradients.get(input);
    return { score: g.value, gradient: grad ? (grad.dataSync() as Float32Array).slice() : new Float32Array(x.size) };
  } finally {
    g.dispose();
  }
}

/** Values scaled to 0..1 by their maximum (all zeros stay zeros). */
export function scaleToMax(values: ArrayLike<number>): { scaled: number[]; max: number } {
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v) && v > max) max = v;
  }
  const scaled = Array.from(values, (v) => (max > 0 && Number.isFinite(v) ? v / max : 0));
  return { scaled, max };
}

/** Saliency of an image: max over channels of |∂score/∂pixel|, height x width, row-major. */
export function saliencyMap(gradient: ArrayLike<number>, height: number, width: number, channels: number): Float32Array {
  const out = new Float32Array(height * width);
  for (let p = 0; p < height * width; p++) {
    let m = 0;
    for (let c = 0; c < channels; c++) m = Math.max(m, Math.abs(gradient[p * channels + c] as number));
    out[p] = m;
  }
  return out;
}

/**
 * Grad-CAM (Selvaraju et al. 2017) from a layer's output A (h, w, k) and ∂score/∂A:
 * α_k = mean over h, w of the gradient; map = ReLU(Σ_k α_k A_k), h x w.
 */
export function gradCamFrom(activation: ArrayLike<number>, gradient: ArrayLike<number>, h: number, w: number, k: number): { map: Float32Array; weights: Float32Array } {
  const weights = new Float32Array(k);
  for (let p = 0; p < h * w; p++) for (let c = 0; c < k; c++) weights[c] = (weights[c] as number) + (gradient[p * k + c] as number);
  for (let c = 0; c < k; c++) weights[c] = (weights[c] as number) / (h * w);
  const map = new Float32Array(h * w);
  for (let p = 0; p < h * w; p++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += (weights[c] as number) * (activation[p * k + c] as number);
    map[p] = Math.max(0, s);
  }
  return { map, weights };
}

/** Resizes a height x width map bilinearly (tf.image.resizeBilinear, half-pixel centres) to outH x outW. */
export function resizeMap(map: Float32Array, h: number, w: number, outH: number, outW: number): Float32Array {
  if (h === outH && w === outW) return map.slice();
  return tf.tidy(() => tf.image.resizeBilinear(tf.tensor4d(map, [1, h, w, 1]), [outH, outW], false, true).dataSync() as Float32Array).slice();
}

/** The score, and Grad-CAM at `layer` (whose output must be [1, h, w, k]). */
export function gradCam(model: tf.LayersModel, x: tf.Tensor, target: ScoreTarget, layer: string): { score: number; map: Float32Array; height: number; width: number; weights: Float32Array } {
  const { logits, f } = scorer(model, target);
  const g = layerGradients(model, x, f, { outputsOf: [layer], logits });
  try {
    const a = g.outputs.get(layer);
    const grad = g.outputGradients.get(layer);
    if (!a || a.rank !== 4) throw new Error(`Grad-CAM needs a layer with feature maps (height, width, channels); ${layer} has none.`);
    const [, h, w, k] = a.shape as [number, number, number, number];
    const gradient = grad ? grad.dataSync() : new Float32Array(a.size);
    const { map, weights } = gradCamFrom(a.dataSync(), gradient, h, w, k);
    return { score: g.value, map, height: h, width: w, weights };
  } finally {
    g.dispose();
  }
}

/**
 * Gradient × input at a layer's output of shape [1, T, D] (an Embedding's), summed
 * over D: one attribution per position. Their sum is the first-order change of the
 * score when the embedding vectors are taken away (set to zero).
 */
export function sequenceAttributions(model: tf.LayersModel, x: tf.Tensor, target: ScoreTarget, layer: string): { score: number; attributions: Float32Array } {
  const { logits, f } = scorer(model, target);
  const g = layerGradients(model, x, f, { outputsOf: [layer], logits });
  try {
    const e = g.outputs.get(layer);
    const grad = g.outputGradients.get(layer);
    if (!e || e.rank !== 3) throw new Error(`Token attributions need a layer with one vector per token; ${layer} gives shape [${e?.shape.join(', ') ?? ''}].`);
    const [, t, d] = e.shape as [number, number, number];
    const ev = e.dataSync();
    const gv = grad ? grad.dataSync() : new Float32Array(e.size);
    const attributions = new Float32Array(t);
    for (let i = 0; i < t; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (ev[i * d + j] as number) * (gv[i * d + j] as number);
      attributions[i] = s;
    }
    return { score: g.value, attributions };
  } finally {
    g.dispose();
  }
}
