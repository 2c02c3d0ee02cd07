import * as tf from '@tensorflow/tfjs';

/**
 * Runs a functional model layer by layer on concrete tensors, as tfjs' own
 * `predict` does (tfjs-layers engine/executor.js: inputs passed as a list, a
 * mask passed on when one arrives, `computeMask` for layers that support
 * masking), so that every layer's output is at hand and can be perturbed:
 * adding a zero tensor to a layer's output makes ∂f/∂(that zero) the gradient
 * of f with respect to the layer's output, for any graph (merges, blocks, RNNs).
 */

/** A layer as the executor ran it. */
export interface ExecutedLayer {
  readonly layer: tf.layers.Layer;
  /** The layers feeding it, by name (empty for an Input). */
  readonly inputs: readonly string[];
  /** Its output (after any perturbation was added). */
  readonly output: tf.Tensor;
}

export interface ExecuteOptions {
  /** Added to a layer's output (by layer name) before the next layers read it: same shape as the output. */
  readonly add?: ReadonlyMap<string, tf.Tensor>;
  /**
   * The output layer without its final softmax or sigmoid (a Dense or Activation whose
   * activation is one of those): the model's output is then its logits.
   */
  readonly logits?: boolean;
}

export interface ExecutionResult {
  readonly layers: readonly ExecutedLayer[];
  /** The model's outputs, in order. */
  readonly outputs: readonly tf.Tensor[];
  /** Whether `logits` found a softmax or sigmoid to leave out. */
  readonly logits: boolean;
}

type WithActivation = tf.layers.Layer & { activation?: { getClassName(): string; apply(x: tf.Tensor): tf.Tensor } | null };

const LINEAR = { getClassName: () => 'linear', apply: (x: tf.Tensor) => x };

/** Whether the layer ends in a softmax or sigmoid that `logits` can leave out. */
export function squashingActivation(layer: tf.layers.Layer): 'softmax' | 'sigmoid' | null {
  const name = (layer as WithActivation).activation?.getClassName?.();
  return name === 'softmax' || name === 'sigmoid' ? name : null;
}

/** The one node through which `layer` is part of `model` (shared layers are refused). */
function nodeOf(layer: tf.layers.Layer): { inputTensors: tf.SymbolicTensor[]; outputTensors: tf.SymbolicTensor[] } {
  const nodes = (layer as unknown as { inboundNodes: { inputTensors: tf.SymbolicTensor[]; outputTensors: tf.SymbolicTensor[] }[] }).inboundNodes;
  if (nodes.length !== 1) throw new Error(`Layer ${layer.name} is used ${nodes.length} times in the model; stepping through shared layers is not supported.`);
  return nodes[0] as { inputTensors: tf.SymbolicTensor[]; outputTensors: tf.SymbolicTensor[] };
}

/**
 * Runs `model` on `inputs` (one tensor per model input, batch included). Call it
 * inside `tf.tidy` or a gradient function: it allocates and returns tensors.
 */
export function executeLayers(model: tf.LayersModel, inputs: readonly tf.Tensor[], options: ExecuteOptions = {}): ExecutionResult {
  if (inputs.length !== model.inputs.length) throw new Error(`The model takes ${model.inputs.length} inputs; ${inputs.length} were given.`);
  const values = new Map<number, tf.Tensor>();
  const masks = new Map<number, tf.Tensor | null>();
  model.inputs.forEach((s, i) => {
    values.set(s.id, inputs[i] as tf.Tensor);
    masks.set(s.id, null);
  });
  const outputLayers = new Set(model.outputs.map((o) => o.sourceLayer.name));
  const executed: ExecutedLayer[] = [];
  let logits = false;
  // tfjs' executor keeps one kwargs object for the whole pass: once a mask has been
  // passed to a layer, later layers receive it too. Reproduced so outputs match predict.
  let kwargs: Record<string, unknown> | undefined;
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') {
      const input = model.inputs.find((s) => s.sourceLayer === layer);
      const value = input ? values.get(input.id) : undefined;
      if (!input || !value) throw new Error(`No value for the input ${layer.name}.`);
      const added = options.add?.get(layer.name);
      const out = added ? tf.add(value, added) : value;
      values.set(input.id, out);
      executed.push({ layer, inputs: [], output: out });
      continue;
    }
    const node = nodeOf(layer);
    const inputValues: tf.Tensor[] = [];
    const inputMasks: (tf.Tensor | null)[] = [];
    for (const s of node.inputTensors) {
      const v = values.get(s.id);
      if (!v) throw new Error(`Layer ${layer.name} is fed by ${s.sourceLayer.name}, which has not run.`);
      inputValues.push(v);
      inputMasks.push(masks.get(s.id) ?? null);
    }
    if (inputMasks.some((m) => m !== null)) {
      kwargs = kwargs ?? {};
      kwargs['mask'] = inputMasks[0];
    }
    const withActivation = layer as WithActivation;
    const strip = options.logits === true && outputLayers.has(layer.name) && squashingActivation(layer) !== null;
    const saved = withActivation.activation;
    if (strip) withActivation.activation = LINEAR;
    let out: tf.Tensor;
    try {
      const result = layer.apply(inputValues, kwargs);
      if (Array.isArray(result)) throw new Error(`Layer ${layer.name} has more than one output.`);
      out = result as tf.Tensor;
    } finally {
      if (strip) withActivation.activation = saved;
    }
    if (strip) logits = true;
    const mask = layer.supportsMasking ? (layer.computeMask(inputValues, inputMasks as tf.Tensor[]) as tf.Tensor | tf.Tensor[] | null) : null;
    const added = options.add?.get(layer.name);
    if (added) out = tf.add(out, added);
    const sym = node.outputTensors[0] as tf.SymbolicTensor;
    values.set(sym.id, out);
    masks.set(sym.id, Array.isArray(mask) ? (mask[0] ?? null) : mask);
    executed.push({ layer, inputs: node.inputTensors.map((s) => s.sourceLayer.name), output: out });
  }
  const outputs = model.outputs.map((s) => {
    const v = values.get(s.id);
    if (!v) throw new Error(`The output ${s.sourceLayer.name} was not computed.`);
    return v;
  });
  return { layers: executed, outputs, logits };
}
