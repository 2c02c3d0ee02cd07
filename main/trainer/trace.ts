import * as tf from '@tensorflow/tfjs';
import type { Trace, TraceLayer } from '../../shared/training/explain';
import type { LossName } from '../../shared/graph/document';
import { layerGradients } from './layer-gradients';
import { activationView } from './layer-insight';
import { perSampleLoss } from './optimizers';
import { predictionOf, refuseReconstruction } from './predict';
import { loadRunExample, type ExampleRequest } from './run-example';
import { gatherTargets, targetWidth, type TargetMode } from './batches';
import { targetModeFor } from './train';
import { nodeIdsByLayer } from './explain';

/** L2 norm of a tensor's values. */
export function l2(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += (values[i] as number) ** 2;
  return Math.sqrt(s);
}

/** The forward and backward pass of one example through a model: every layer's output, and the gradients of the loss at each layer. */
export interface ModelTrace {
  readonly loss: number;
  readonly output: readonly number[];
  readonly layers: readonly Omit<TraceLayer, 'nodeId'>[];
}

/**
 * Runs one example forward layer by layer and the loss backward: each layer's output
 * (for display), the L2 norm of ∂loss/∂output and of ∂loss/∂weight for each trainable
 * weight. `y` is the target row as training feeds it (one-hot, index, 0/1, or values).
 */
export function traceModel(model: tf.LayersModel, x: tf.Tensor, y: Float32Array, loss: LossName): ModelTrace {
  const names = model.layers.map((l) => l.name);
  let output: number[] = [];
  const g = layerGradients(
    model,
    x,
    (outputs) => {
      const pred = tf.reshape(outputs[0] as tf.Tensor, [1, -1]);
      return tf.mean(perSampleLoss(loss, tf.tensor2d(y, [1, y.length]), pred)) as tf.Scalar;
    },
    { outputsOf: names, weightsOf: names },
  );
  try {
    const last = g.outputs.get(model.outputs[0]?.sourceLayer.name ?? '');
    output = last ? Array.from(last.dataSync()) : [];
    const layers = g.order.map(({ layer, inputs }) => {
      const out = g.outputs.get(layer.name) as tf.Tensor;
      const grad = g.outputGradients.get(layer.name);
      return {
        layer: layer.name,
        className: layer.getClassName(),
        inputs: [...inputs],
        shape: out.shape.slice(1),
        output: activationView(out.dataSync(), out.shape.slice(1)),
        gradientNorm: grad ? l2(grad.dataSync()) : null,
        weightGradients: (g.weightGradients.get(layer.name) ?? []).map((w) => ({ name: w.name, shape: [...w.shape], norm: l2(w.gradient.dataSync()) })),
      };
    });
    return { loss: g.value, output, layers };
  } finally {
    g.dispose();
  }
}

/** The target row of a test example, or (without one) the predicted class as the target. */
function targetRow(mode: TargetMode, labelRow: Float32Array | null, output: readonly number[]): Float32Array {
  if (labelRow) return labelRow;
  const w = targetWidth(mode);
  const row = new Float32Array(w);
  const best = output.reduce((b, v, i) => (v > (output[b] as number) ? i : b), 0);
  switch (mode.kind) {
    case 'onehot':
      row[best] = 1;
      return row;
    case 'index':
      row[0] = best;
      return row;
    case 'binary':
      row[0] = (output[0] as number) >= 0.5 ? 1 : 0;
      return row;
    case 'regression':
    case 'reconstruction':
      row.set(output.slice(0, w));
      return row;
  }
}

/** Step through one example with a run's saved model: forward outputs and backward gradient norms of every layer. */
export async function traceWithRun(runDir: string, request: ExampleRequest): Promise<Trace> {
  const ex = await loadRunExample(runDir, request);
  const x = tf.tensor(ex.x, [1, ...ex.shape], ex.dtype);
  try {
    const model = ex.model;
    const settings = ex.record.settings;
    const outputUnits = (model.outputs[0]?.shape ?? []).slice(1).reduce<number>((a, b) => a * (b ?? 1), 1);
    refuseReconstruction(model, ex.x.length, ex.record);
    const preview = tf.tidy(() => Array.from((model.predict(x) as tf.Tensor).dataSync()));
    const prediction = predictionOf(preview, ex.record);
    const regression = prediction.task === 'regression';
    const classes = prediction.task === 'classification' ? prediction.classNames.length : 0;
    const data = ex.data ?? { task: regression ? ('regression' as const) : ('classification' as const), numClasses: classes, train: { targetSize: outputUnits } };
    const mode = targetModeFor(settings, data as Parameters<typeof targetModeFor>[1], outputUnits);
    const labelRow = ex.data && ex.sampleIndex !== null ? gatherTargets(ex.data.test, null, ex.sampleIndex, ex.sampleIndex + 1, mode) : null;
    const y = targetRow(mode, labelRow, preview);
    const t = traceModel(model, x, y, settings.loss);
    const nodeIds = nodeIdsByLayer(ex.record.graph);
    return {
      sampleIndex: ex.sampleIndex,
      testSize: ex.testSize,
      sample: ex.sample,
      label: ex.label?.name ?? null,
      prediction,
      loss: { name: settings.loss, value: t.loss, against: labelRow ? 'label' : 'predicted' },
      layers: t.layers.map((l) => ({ ...l, nodeId: nodeIds.get(l.layer) ?? null })),
    };
  } finally {
    x.dispose();
    ex.model.dispose();
  }
}
