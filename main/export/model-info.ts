import * as tf from '@tensorflow/tfjs';
import type { Graph, GraphNode } from '../../shared/graph/document';
import type { GraphAnalysis } from '../../shared/graph/analyze';
import type { ModelPlan } from '../../shared/graph/compile';
import type { DType, Params, Shape } from '../../shared/layers/types';
import { getLayerSpec } from '../../shared/layers/registry';
import { withDefaults } from '../../shared/layers/params';

/** One weight of a layer as tfjs holds it (Keras's layout), read out of the model. */
export interface NamedWeight {
  /** The weight's name inside its layer, as Keras names it (`kernel`, `query/bias`, `moving_mean`...). */
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface ExportLayer {
  readonly nodeId: string;
  /** The tfjs/Keras layer name (`dense_1`). */
  readonly name: string;
  readonly type: string;
  /** The node's params with defaults filled in. */
  readonly params: Params;
  /** Names of the layers (or inputs) feeding it, in port order. */
  readonly inputs: readonly string[];
  readonly inputShapes: readonly Shape[];
  readonly outputShape: Shape;
  readonly weights: readonly NamedWeight[];
}

export interface ExportInput {
  readonly nodeId: string;
  readonly name: string;
  /** Batch dimension included (null). */
  readonly shape: Shape;
  readonly dtype: DType;
}

/** The graph and its weights in the form every exporter reads. */
export interface ModelInfo {
  readonly inputs: readonly ExportInput[];
  readonly layers: readonly ExportLayer[];
  /** Names of the output layers (or inputs), in order. */
  readonly outputs: readonly string[];
  readonly outputShapes: readonly Shape[];
  /** Keras's count (trainable + non-trainable), as Netwright shows it. */
  readonly totalParams: number;
}

/** An export that cannot be written, naming the node and why. */
export class ExportError extends Error {
  constructor(
    message: string,
    readonly nodeId: string | null = null,
  ) {
    super(message);
    this.name = 'ExportError';
  }
}

/** `kernel` from `dense_1/kernel` or `encoder_1/self_attention_layer/query/kernel`: the part after the layer name. */
function weightName(variable: tf.LayerVariable, layer: string): string {
  const full = (variable as unknown as { originalName?: string }).originalName ?? variable.name;
  const clean = full.replace(/_\d+$/, '').replace(/:\d+$/, '');
  const prefix = `${layer}/`;
  const at = clean.indexOf(prefix);
  return at >= 0 ? clean.slice(at + prefix.length) : clean;
}

/** Reads the plan's layers, shapes and weights (copied out of the model). */
export function modelInfo(graph: Graph, analysis: GraphAnalysis, plan: ModelPlan, model: tf.LayersModel): ModelInfo {
  const nodes = new Map<string, GraphNode>(graph.nodes.map((n) => [n.id, n]));
  const nameOf = new Map<string, string>();
  for (const i of plan.inputs) nameOf.set(i.nodeId, i.name);
  for (const l of plan.layers) nameOf.set(l.nodeId, l.name);
  const shapeOf = (id: string): Shape => {
    const s = analysis.nodes.get(id)?.outputShape;
    if (!s) throw new ExportError(`The shape of node ${id} is unknown.`, id);
    return s;
  };
  const inputs: ExportInput[] = plan.inputs.map((i) => ({ nodeId: i.nodeId, name: i.name, shape: shapeOf(i.nodeId), dtype: i.dtype ?? 'float32' }));
  const layers: ExportLayer[] = plan.layers.map((l) => {
    const node = nodes.get(l.nodeId);
    const spec = node ? getLayerSpec(node.type) : undefined;
    if (!node || !spec) throw new ExportError(`Node ${l.nodeId} has an unknown layer type.`, l.nodeId);
    const tfLayer = model.getLayer(l.name);
    // getWeights() returns the variables themselves: read them, never dispose them.
    const values = tfLayer.getWeights();
    const weights = tfLayer.weights.map((v, i) => {
      const t = values[i] as tf.Tensor;
      return { name: weightName(v, l.name), shape: [...t.shape], data: Float32Array.from(t.dataSync()) };
    });
    return {
      nodeId: l.nodeId,
      name: l.name,
      type: node.type,
      params: withDefaults(spec.params, node.params),
      inputs: l.inputs.map((id) => nameOf.get(id) ?? id),
      inputShapes: l.inputs.map(shapeOf),
      outputShape: shapeOf(l.nodeId),
      weights,
    };
  });
  return {
    inputs,
    layers,
    outputs: plan.outputs.map((id) => nameOf.get(id) ?? id),
    outputShapes: plan.outputShapes,
    totalParams: analysis.totalParams,
  };
}

/** The layer's weight of that name; an ExportError when it is missing. */
export function weightOf(layer: ExportLayer, name: string): NamedWeight {
  const w = layer.weights.find((x) => x.name === name) ?? layer.weights.find((x) => x.name.endsWith(`/${name}`));
  if (!w) throw new ExportError(`${layer.name} (${layer.type}) has no weight "${name}" (it has ${layer.weights.map((x) => x.name).join(', ') || 'none'}).`, layer.nodeId);
  return w;
}

export function maybeWeight(layer: ExportLayer, name: string): NamedWeight | null {
  return layer.weights.find((x) => x.name === name) ?? null;
}

/** Row-major transpose of a 2-D weight `[r, c]` → `[c, r]`. */
export function transpose2d(w: NamedWeight): Float32Array {
  const [r, c] = w.shape as [number, number];
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = w.data[i * c + j] as number;
  return out;
}

/** Row-major general permutation of `data` with `shape` by `perm` (numpy's transpose). */
export function permute(data: Float32Array, shape: readonly number[], perm: readonly number[]): { data: Float32Array; shape: number[] } {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p] as number);
  const inStrides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = (inStrides[i + 1] as number) * (shape[i + 1] as number);
  const out = new Float32Array(data.length);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < data.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += (idx[d] as number) * (inStrides[perm[d] as number] as number);
    out[o] = data[src] as number;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d] = (idx[d] as number) + 1;
      if ((idx[d] as number) < (outShape[d] as number)) break;
      idx[d] = 0;
    }
  }
  return { data: out, shape: outShape };
}

const PYTHON_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(' '),
);

/** A safe Python / JS identifier from a layer name: ASCII letters, digits and `_`, never empty, a keyword or starting with a digit. */
export function ident(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (s === '') return '_';
  if (PYTHON_KEYWORDS.has(s)) return `${s}_`;
  return /^[0-9]/.test(s) ? `l_${s}` : s;
}
