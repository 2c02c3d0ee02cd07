import * as tf from '@tensorflow/tfjs';
import { executeLayers, type ExecutedLayer } from './layer-executor';

/** What `layerGradients` gives: f's value, and its gradients with respect to the chosen layers' outputs and weights. */
export interface LayerGradients {
  readonly value: number;
  /** Whether the model's output was taken before its final softmax or sigmoid. */
  readonly logits: boolean;
  /** Each layer's output (every layer the model ran, by name); the caller disposes with `dispose`. */
  readonly outputs: ReadonlyMap<string, tf.Tensor>;
  /** ∂f/∂output for each layer asked for in `outputsOf` (float outputs only). */
  readonly outputGradients: ReadonlyMap<string, tf.Tensor>;
  /** ∂f/∂weight for each trainable weight of the layers in `weightsOf`, by layer name, in the layer's weight order. */
  readonly weightGradients: ReadonlyMap<string, readonly { readonly name: string; readonly shape: readonly number[]; readonly gradient: tf.Tensor }[]>;
  /** The executed layers, in order (their outputs are in `outputs`). */
  readonly order: readonly { readonly layer: tf.layers.Layer; readonly inputs: readonly string[] }[];
  dispose(): void;
}

/** The variable a LayerVariable reads (tfjs keeps it as `val`). */
function variableOf(w: tf.LayerVariable): tf.Variable {
  return w.read() as tf.Variable;
}

/**
 * Runs `model` on `x` (one example, batch included) and differentiates `f` (a scalar
 * of the model's outputs) with respect to the outputs of `outputsOf` and the
 * trainable weights of `weightsOf`, in one backward pass. Each layer output gets
 * a zero variable added (the executor's `add`), so its gradient is ∂f/∂output.
 * Leaves no tensors behind but those it returns.
 */
export function layerGradients(
  model: tf.LayersModel,
  x: tf.Tensor,
  f: (outputs: readonly tf.Tensor[]) => tf.Scalar,
  options: { readonly outputsOf?: readonly string[]; readonly weightsOf?: readonly string[]; readonly logits?: boolean } = {},
): LayerGradients {
  const logitsWanted = options.logits === true;
  // First pass: every layer's output (kept), and so the shapes of the zero variables.
  let first: { kept: [string, tf.Tensor][]; logits: boolean; order: { layer: tf.layers.Layer; inputs: readonly string[] }[] } = { kept: [], logits: false, order: [] };
  tf.tidy(() => {
    const r = executeLayers(model, [x], { logits: logitsWanted });
    first = {
      kept: r.layers.map((l) => [l.layer.name, tf.keep(l.output.clone())]),
      logits: r.logits,
      order: r.layers.map((l: ExecutedLayer) => ({ layer: l.layer, inputs: l.inputs })),
    };
  });
  const outputs = new Map(first.kept);
  const zeros = new Map<string, tf.Variable>();
  for (const name of options.outputsOf ?? []) {
    const out = outputs.get(name);
    if (!out || out.dtype !== 'float32') continue;
    zeros.set(name, tf.variable(tf.zerosLike(out), true));
  }
  const byLayer = new Map(model.layers.map((l) => [l.name, l]));
  const weights: { layer: string; name: string; shape: number[]; variable: tf.Variable }[] = [];
  for (const name of options.weightsOf ?? []) {
    const layer = byLayer.get(name);
    for (const w of layer?.trainableWeights ?? []) {
      weights.push({ layer: name, name: w.originalName.split('/').pop() ?? w.originalName, shape: w.shape.map((d) => d ?? 0), variable: variableOf(w) });
    }
  }
  let value = 0;
  const outputGradients = new Map<string, tf.Tensor>();
  const weightGradients = new Map<string, { name: string; shape: number[]; gradient: tf.Tensor }[]>();
  try {
    const varList = [...zeros.values(), ...weights.map((w) => w.variable)];
    if (varList.length === 0) {
      value = tf.tidy(() => f(executeLayers(model, [x], { logits: logitsWanted }).outputs).dataSync()[0] as number);
    } else {
      const r = tf.variableGrads(() => f(executeLayers(model, [x], { add: zeros, logits: logitsWanted }).outputs), varList);
      value = r.value.dataSync()[0] as number;
      r.value.dispose();
      for (const [name, z] of zeros) {
        const g = r.grads[z.name];
        if (g) outputGradients.set(name, g);
      }
      for (const w of weights) {
        const g = r.grads[w.variable.name];
        if (!g) continue;
        const list = weightGradients.get(w.layer) ?? [];
        list.push({ name: w.name, shape: w.shape, gradient: g });
        weightGradients.set(w.layer, list);
      }
    }
  } catch (error) {
    outputs.forEach((t) => t.dispose());
    outputGradients.forEach((t) => t.dispose());
    weightGradients.forEach((l) => l.forEach((w) => w.gradient.dispose()));
    throw error;
  } finally {
    zeros.forEach((z) => z.dispose());
  }
  return {
    value,
    logits: first.logits,
    outputs,
    outputGradients,
    weightGradients,
    order: first.order,
    dispose() {
      outputs.forEach((t) => t.dispose());
      outputGradients.forEach((t) => t.dispose());
      weightGradients.forEach((l) => l.forEach((w) => w.gradient.dispose()));
    },
  };
}
