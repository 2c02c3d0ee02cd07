import * as tf from '@tensorflow/tfjs';
import type { ModelPlan } from '../../shared/graph/compile';
import type { ProjectDoc } from '../../shared/graph/document';
import { analyzeGraph } from '../../shared/graph/analyze';
import { compileGraph } from '../../shared/graph/compile';
import { customFactoryFor, registerCustomLayers } from './custom-layers';
import { fastRecurrentFactory } from './custom-layers/fast-rnn-layers';
import { freezeLayer } from './custom-layers/frozen';
import { modelGraph } from '../../shared/graph/analyze-blocks';

/** Backends the fused recurrent kernels (kernels/fused-rnn.ts) run on. */
export const FUSED_RNN_BACKENDS: ReadonlySet<string> = new Set(['wasm', 'cpu', 'tensorflow']);

type LayerFactory = (config: Record<string, unknown>) => tf.layers.Layer;

/** Netwright's custom layers (custom-layers/) first, then `tf.layers[name]`. */
function layerFactory(name: string, config: Readonly<Record<string, unknown>> = {}): LayerFactory {
  const custom = customFactoryFor(name, config);
  if (custom) return custom;
  const factory = (tf.layers as unknown as Record<string, unknown>)[name];
  if (typeof factory !== 'function') throw new Error(`TensorFlow.js has no layer "${name}".`);
  return factory as LayerFactory;
}

/** Builds a tfjs functional model from a plan, with fresh weights. */
export function buildModel(plan: ModelPlan): tf.LayersModel {
  registerCustomLayers();
  const tensors = new Map<string, tf.SymbolicTensor>();
  const inputs = plan.inputs.map((input) => {
    const t = tf.input({ shape: [...input.shape], name: input.name, dtype: input.dtype ?? 'float32' });
    tensors.set(input.nodeId, t);
    return t;
  });
  // Nodes whose output may carry a mask (an Embedding with maskZero and everything after it).
  const maybeMasked = new Set<string>();
  for (const layer of plan.layers) {
    const inputMasked = layer.inputs.some((id) => maybeMasked.has(id));
    if (inputMasked || layer.config['maskZero'] === true) maybeMasked.add(layer.nodeId);
    const args = layer.inputs.map((id) => {
      const t = tensors.get(id);
      if (!t) throw new Error(`Layer ${layer.name} is fed by ${id}, which was not built before it.`);
      return t;
    });
    // Wrappers (Bidirectional, TimeDistributed) take their inner layer, built first, as `layer`.
    const inner = layer.wrapped ? layerFactory(layer.wrapped.factory, layer.wrapped.config)({ ...layer.wrapped.config }) : undefined;
    const config = inner ? { ...layer.config, layer: inner } : layer.config;
    // LSTM/GRU run as fused layers (same weights, same saved format) where those can stand in:
    // not wrapped, and no mask arriving (the fused layers do not support masking).
    // The fused kernels drive wasm/cpu buffers directly, and TensorFlow through tfjs-node's binding.
    const fusedBackend = FUSED_RNN_BACKENDS.has(tf.getBackend());
    const fast = fusedBackend && !inner && !inputMasked ? fastRecurrentFactory(layer.factory, config) : undefined;
    const built = (fast ?? layerFactory(layer.factory, config))({ ...config, name: layer.name });
    if (config['trainable'] === false) freezeLayer(built);
    const out = built.apply(args.length === 1 ? (args[0] as tf.SymbolicTensor) : args);
    if (Array.isArray(out)) throw new Error(`Layer ${layer.name} has more than one output.`);
    tensors.set(layer.nodeId, out as tf.SymbolicTensor);
  }
  const outputs = plan.outputs.map((id) => {
    const t = tensors.get(id);
    if (!t) throw new Error(`Output ${id} was not built.`);
    return t;
  });
  return tf.model({ inputs, outputs });
}

/** Analyzes, compiles and builds a project's graph (throws CompileError when invalid). */
export function buildModelFromDoc(doc: ProjectDoc): { model: tf.LayersModel; plan: ModelPlan } {
  const graph = modelGraph(doc);
  const plan = compileGraph(graph, analyzeGraph(graph));
  return { model: buildModel(plan), plan };
}
