import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  histogram,
  INSIGHT_FILE,
  insightEpochLine,
  insightHeaderLine,
  MAX_FEATURE_MAPS,
  MAX_MAP_SIDE,
  MAX_VECTOR_VALUES,
  PROBE_SAMPLES,
  type EpochInsight,
  type LayerInsight,
} from '../../shared/training/insight';
import type { SampleSet } from './datasets/mnist';
import { writeFileAtomic } from './save-model';
import type { LayerActivationView } from '../../shared/training/activations';

/** Whether a layer has one output tensor that can be read (a layer applied twice has no single output). */
function hasOneOutput(layer: tf.layers.Layer): boolean {
  try {
    return !Array.isArray(layer.output);
  } catch {
    return false;
  }
}

/** Layers whose output can be read: not the Input, one output tensor. */
function readableLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((l) => l.getClassName() !== 'InputLayer' && hasOneOutput(l));
}

/**
 * A model over the same layers (and so the same weights) whose outputs are every
 * readable layer's output. It owns no tensors and must NOT be disposed: disposing
 * it would release the shared layers' weights.
 */
export function layerOutputsModel(model: tf.LayersModel): { model: tf.LayersModel; layers: tf.layers.Layer[] } {
  const layers = readableLayers(model);
  const outputs = layers.map((l) => l.output as tf.SymbolicTensor);
  return { model: tf.model({ inputs: model.inputs, outputs }), layers };
}

/** Outputs of `probe` for `x`, one tensor per layer (the caller disposes them). */
function predictAll(probe: tf.LayersModel, x: tf.Tensor): tf.Tensor[] {
  const out = probe.predict(x, { batchSize: Math.max(1, x.shape[0] ?? 1) });
  return Array.isArray(out) ? out : [out];
}

/** Short name of a weight: `conv2d_Conv2D1/kernel` → `kernel`. */
function weightName(name: string): string {
  return name.split('/').pop() ?? name;
}

/** Histograms of every layer's weights and of each layer's output over a fixed probe batch. */
export interface InsightProbe {
  compute(epoch: number): EpochInsight;
  /** Frees the probe batch. */
  dispose(): void;
}

/**
 * Builds the probe once per run: one extra model over the layers and the probe batch
 * as a tensor; `compute` allocates only what it frees before it returns.
 */
export function createInsightProbe(model: tf.LayersModel, x: Float32Array | Int32Array, shape: readonly number[], dtype: 'float32' | 'int32'): InsightProbe {
  const { model: probe, layers } = layerOutputsModel(model);
  const batch = tf.tensor(x, [...shape], dtype);
  let disposed = false;
  return {
    compute(epoch) {
      if (disposed) throw new Error('The insight probe was disposed.');
      let outputs: tf.Tensor[] = [];
      try {
        outputs = predictAll(probe, batch);
        const result: LayerInsight[] = layers.map((layer, i) => {
          const out = outputs[i];
          return {
            layer: layer.name,
            className: layer.getClassName(),
            weights: layer.weights.map((w) => ({ name: weightName(w.name), shape: w.shape.map((d) => d ?? 0), histogram: histogram(w.read().dataSync()) })),
            activation: out ? { shape: [...(layer.outputShape as (number | null)[])], histogram: histogram(out.dataSync()) } : null,
          };
        });
        return { epoch, layers: result };
      } finally {
        outputs.forEach((t) => t.dispose());
      }
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      batch.dispose();
    },
  };
}

/**
 * A run's insight: after each epoch, the histograms over the first 32 samples of
 * `probeSet` (validation, else test), also written to `<runDir>/insight.jsonl` so a
 * finished run shows them (a line per epoch, appended). Null where there is nothing to probe. Insight is an
 * extra: where it cannot be computed or written, `record` gives null from then on
 * and training goes on.
 */
export function createRunInsight(
  model: tf.LayersModel,
  probeSet: SampleSet | null,
  inputShape: readonly number[],
  dtype: 'float32' | 'int32',
  runDir: string,
): { record(epoch: number): EpochInsight | null; dispose(): void } | null {
  if (!probeSet || probeSet.count === 0) return null;
  const n = Math.min(PROBE_SAMPLES, probeSet.count);
  let probe: InsightProbe | null;
  try {
    probe = createInsightProbe(model, probeSet.x.subarray(0, n * probeSet.sampleSize), [n, ...inputShape], dtype);
  } catch {
    return null;
  }
  const file = path.join(runDir, INSIGHT_FILE);
  let started = false;
  return {
    record(epoch) {
      if (!probe) return null;
      try {
        const insight = probe.compute(epoch);
        if (started) {
          fs.appendFileSync(file, insightEpochLine(insight));
        } else {
          fs.mkdirSync(runDir, { recursive: true });
          writeFileAtomic(file, insightHeaderLine(n) + insightEpochLine(insight));
          started = true;
        }
        return insight;
      } catch {
        probe.dispose();
        probe = null;
        return null;
      }
    },
    dispose: () => probe?.dispose(),
  };
}

/** Min and max of the finite values (0, 0 for none). */
function range(values: ArrayLike<number>): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return Number.isFinite(min) ? { min, max } : { min: 0, max: 0 };
}

/**
 * One example's output of a layer, bounded for display. `values` is the output
 * without the batch dimension; `shape` likewise. Rank 3 (height, width, channels):
 * the first 16 channels as maps of at most 32x32 (average-pooled down), scaled to
 * 0..1 by the layer's min and max. Anything else: its first 256 values.
 */
export function activationView(values: ArrayLike<number>, shape: readonly number[]): LayerActivationView {
  const { min, max } = range(values);
  if (shape.length === 3) {
    const [h, w, c] = shape as [number, number, number];
    const factor = Math.max(1, Math.ceil(Math.max(h, w) / MAX_MAP_SIDE));
    const height = Math.ceil(h / factor);
    const width = Math.ceil(w / factor);
    const span = max - min;
    const maps: number[][] = [];
    for (let ch = 0; ch < Math.min(c, MAX_FEATURE_MAPS); ch++) {
      const map = new Array<number>(height * width).fill(0);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          let sum = 0;
          let n = 0;
          for (let dy = 0; dy < factor && y * factor + dy < h; dy++) {
            for (let dx = 0; dx < factor && x * factor + dx < w; dx++) {
              const v = values[((y * factor + dy) * w + (x * factor + dx)) * c + ch] as number;
              if (Number.isFinite(v)) {
                sum += v;
                n++;
              }
            }
          }
          const mean = n > 0 ? sum / n : min;
          map[y * width + x] = span > 0 ? (mean - min) / span : 0;
        }
      }
      maps.push(map);
    }
    return { kind: 'maps', channels: c, width, height, maps, min, max };
  }
  const total = values.length;
  const shown = Array.from({ length: Math.min(total, MAX_VECTOR_VALUES) }, (_, i) => {
    const v = values[i] as number;
    return Number.isFinite(v) ? v : 0;
  });
  return { kind: 'vector', total, values: shown, min, max };
}

/** Every readable layer's output for one example (`x` holds one sample, `shape` is without the batch dimension). */
export function layerActivations(
  model: tf.LayersModel,
  x: Float32Array | Int32Array,
  shape: readonly number[],
  dtype: 'float32' | 'int32',
): { layer: string; className: string; shape: (number | null)[]; view: LayerActivationView }[] {
  const { model: probe, layers } = layerOutputsModel(model);
  const input = tf.tensor(x, [1, ...shape], dtype);
  let outputs: tf.Tensor[] = [];
  try {
    outputs = predictAll(probe, input);
    return layers.map((layer, i) => {
      const out = outputs[i] as tf.Tensor;
      return {
        layer: layer.name,
        className: layer.getClassName(),
        shape: [...(layer.outputShape as (number | null)[])],
        view: activationView(out.dataSync(), out.shape.slice(1)),
      };
    });
  } finally {
    input.dispose();
    outputs.forEach((t) => t.dispose());
  }
}
