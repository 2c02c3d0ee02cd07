import * as tf from '@tensorflow/tfjs';
import type { SampleView } from '../../shared/training/events';
import { seededRandom } from './random';

/** The image augmentation layers (custom-layers/augmentation.ts), by class name. */
const AUGMENTATION_CLASSES = new Set(['RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomTranslation', 'RandomContrast', 'RandomCrop']);

export const AUGMENTED_INTERVAL_MS = 2000;
export const AUGMENTED_COUNT = 8;

/** What the model sees: a batch's first examples after its augmentation layers, throttled. */
export interface LiveAugmented {
  /** The layer whose output is shown. */
  readonly layer: string;
  /** The examples now when `force` or the interval passed since the last ones; otherwise null. */
  maybe(x: tf.Tensor, step: number, force: boolean): SampleView[] | null;
}

/**
 * For a model with image augmentation layers: a probe from its input to the last of them.
 * Null for other models, and where that output is not an image of 1 or 3 channels.
 */
export function createLiveAugmented(model: tf.LayersModel, options: { intervalMs?: number; count?: number; now?: () => number } = {}): LiveAugmented | null {
  const last = [...model.layers].reverse().find((l) => AUGMENTATION_CLASSES.has(l.getClassName()));
  if (!last || model.inputs.length !== 1) return null;
  const output = last.output as tf.SymbolicTensor;
  const [, height, width, channels] = output.shape;
  if (output.shape.length !== 4 || !height || !width || (channels !== 1 && channels !== 3)) return null;
  const probe = tf.model({ inputs: model.inputs, outputs: output });
  const intervalMs = options.intervalMs ?? AUGMENTED_INTERVAL_MS;
  const count = options.count ?? AUGMENTED_COUNT;
  const now = options.now ?? Date.now;
  let lastAt = Number.NEGATIVE_INFINITY;
  return {
    layer: last.name,
    maybe(x, step, force) {
      const t = now();
      if (!force && t - lastAt < intervalMs) return null;
      lastAt = t;
      const n = Math.min(count, x.shape[0] ?? 0);
      if (n === 0) return null;
      // Draws of their own, so that showing them leaves the run's random sequence (and its seed) alone.
      const runRandom = Math.random;
      Math.random = seededRandom(step + 1);
      let values: Float32Array;
      let lo: number;
      let hi: number;
      try {
        [values, lo, hi] = tf.tidy(() => {
          const xs = tf.slice(x, 0, n);
          const y = probe.apply(xs, { training: true }) as tf.Tensor;
          return [y.dataSync() as Float32Array, tf.min(xs).dataSync()[0] as number, tf.max(xs).dataSync()[0] as number] as const;
        });
      } finally {
        Math.random = runRandom;
      }
      // The original images' range maps to 0..255, so a change of contrast shows.
      const scale = hi > lo ? 255 / (hi - lo) : 1;
      const size = height * width * channels;
      return Array.from({ length: n }, (_, i) => ({
        kind: 'image' as const,
        width,
        height,
        channels,
        pixels: Array.from(values.subarray(i * size, (i + 1) * size), (v) => Math.max(0, Math.min(255, Math.round((v - lo) * scale)))),
      }));
    },
  };
}
