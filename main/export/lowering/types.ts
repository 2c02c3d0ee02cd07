import type { ExportFormat } from '../../../shared/export/result';
import { ExportError, type ExportLayer, type NamedWeight } from '../model-info';
import type { OnnxOps } from './onnx-ops';

/**
 * What a layer type becomes in each export format: one entry per layer type (LOWERINGS in
 * index.ts, checked against LayerType), grouped by family in files that mirror
 * shared/layers/specs/. The exporters (keras.ts, onnx.ts, pytorch.ts, tfjs.ts) only walk the
 * graph and call these.
 *
 * A format that can never express the layer type says so with `notExpressible(reason)`; one
 * that can express some settings only refuses the others with `refuse(layer, format, reason)`.
 */

/** A layer type a format cannot express at all, and why (shown to the user, listed in the manifest). */
export interface NotExpressible {
  readonly notExpressible: string;
}

export const notExpressible = (reason: string): NotExpressible => ({ notExpressible: reason });

export const isNotExpressible = (x: unknown): x is NotExpressible => typeof x === 'object' && x !== null && 'notExpressible' in x;

const FORMAT_NAMES: Record<ExportFormat, string> = { tfjs: 'TF.js', onnx: 'ONNX', keras: 'Keras', pytorch: 'PyTorch', torchrun: 'PyTorch' };

/** Refuses one layer's settings in a format: an ExportError naming the node and the reason. */
export function refuse(layer: ExportLayer, format: ExportFormat, why: string): never {
  throw new ExportError(`${layer.name} (${layer.type}) cannot be exported to ${FORMAT_NAMES[format]}: ${why}`, layer.nodeId);
}

/** The refusal for a whole layer type. */
export function notExpressibleError(layer: ExportLayer, format: ExportFormat, n: NotExpressible): ExportError {
  return new ExportError(`${layer.name} (${layer.type}) cannot be exported to ${FORMAT_NAMES[format]}: ${n.notExpressible}`, layer.nodeId);
}

/** Python helpers a Keras model.py includes on demand (keras-helpers.ts). */
export type KerasHelper = 'hardSigmoid' | 'positionalEmbedding' | 'transformerEncoder' | 'randomCrop';

export interface KerasContext {
  /** Includes a helper definition in model.py. */
  need(helper: KerasHelper): void;
  /** The Keras `activation=` value for a Netwright activation name (activations.ts). */
  act(name: string): string;
}

/** The Keras layer constructor (`layers.Dense(8, ..., name="dense_1")`), called on the inputs as a list (one input: alone). */
export type KerasLowering = (layer: ExportLayer, k: KerasContext) => string;

/** ONNX: adds the layer's nodes to the graph and returns the name of its output tensor. */
export type OnnxLowering = (o: OnnxOps, layer: ExportLayer, xs: readonly string[]) => string;

/** A PyTorch module's share of model.py: lines in __init__, the forward expression, helpers, state dict entries. */
export interface PytorchCode {
  readonly init: string[];
  readonly forward: string;
  readonly helpers: string[];
  readonly state: [string, NamedWeight | { shape: readonly number[]; data: Float32Array }][];
}

export type PytorchLowering = (layer: ExportLayer, xs: readonly string[]) => PytorchCode;

/**
 * TF.js: the model.json classes stock TensorFlow.js lacks, which the exported netwright-layers.js
 * must register for this layer (empty: stock). Built from the trainer's own classes.
 */
export type TfjsLowering = (layer: ExportLayer) => readonly string[];

export interface LayerLowering {
  readonly keras: KerasLowering | NotExpressible;
  readonly onnx: OnnxLowering | NotExpressible;
  readonly pytorch: PytorchLowering | NotExpressible;
  readonly tfjs: TfjsLowering | NotExpressible;
  /** Keras takes this layer's inputs as separate arguments (`mha(query, value)`), not as a list. */
  readonly kerasPositionalInputs?: boolean;
}

/** The Input entry: an Input is the graph's input, which every walker writes itself. */
export const GRAPH_INPUT = 'graph input' as const;
export type GraphInput = typeof GRAPH_INPUT;

/** Stock in TF.js: nothing custom needed. */
export const stock: TfjsLowering = () => [];
