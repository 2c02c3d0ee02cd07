import type { Graph, GraphNode } from './document';
import { isFrozen, type GraphAnalysis } from './analyze';
import type { DType, Shape, TfjsLayerCall } from '../layers/types';
import { getLayerSpec } from '../layers/registry';
import { withDefaults, shapeParam } from '../layers/params';
import { inputPorts } from '../layers/ports';

/**
 * A model plan: the graph lowered to a list of tfjs layer calls in dependency
 * order. Pure data; the trainer turns it into a `tf.LayersModel`.
 */
export interface ModelPlan {
  readonly inputs: readonly {
    readonly nodeId: string;
    readonly name: string;
    /** Without the batch dimension; null is a size known only at run time. */
    readonly shape: readonly (number | null)[];
    /** Absent means float32. */
    readonly dtype?: DType;
  }[];
  readonly layers: readonly {
    readonly nodeId: string;
    /** Unique tfjs layer name derived from the node. */
    readonly name: string;
    readonly factory: string;
    readonly config: Readonly<Record<string, unknown>>;
    /**
     * Node ids feeding this layer, in port order (unconnected optional ports
     * left out). More than one: the layer is applied to the list.
     */
    readonly inputs: readonly string[];
    /** Wrapper layers (Bidirectional, TimeDistributed): the inner layer, passed as `config.layer`. */
    readonly wrapped?: TfjsLayerCall;
  }[];
  readonly outputs: readonly string[];
  /** Output shape of each output node (batch included). */
  readonly outputShapes: readonly Shape[];
}

export class CompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CompileError';
  }
}

/** Lowers a valid graph; throws CompileError naming the first problem otherwise. */
export function compileGraph(graph: Graph, analysis: GraphAnalysis): ModelPlan {
  if (!analysis.valid) {
    const first = analysis.issues.find((i) => i.severity === 'error');
    throw new CompileError(first ? first.message : 'The graph is empty.');
  }
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const names = layerNames(graph.nodes);
  const inputs: ModelPlan['inputs'][number][] = [];
  const layers: ModelPlan['layers'][number][] = [];
  for (const id of analysis.order) {
    const node = nodes.get(id) as GraphNode;
    const spec = getLayerSpec(node.type);
    if (!spec) throw new CompileError(`Unknown layer type "${node.type}".`);
    const params = withDefaults(spec.params, node.params);
    const portShapes = inputPorts(spec, params).flatMap((port) => {
      const edge = graph.edges.find((e) => e.target === id && e.targetPort === port.name);
      const shape = edge ? analysis.nodes.get(edge.source)?.outputShape : null;
      return shape ? [shape] : [];
    });
    const call = spec.tfjs(params, portShapes);
    const name = names.get(id) as string;
    if (call === null) {
      const dtype = params['dtype'];
      inputs.push({ nodeId: id, name, shape: shapeParam(params, 'shape'), ...(dtype === 'int32' ? { dtype: 'int32' as const } : {}) });
      continue;
    }
    const feeding: string[] = [];
    for (const port of inputPorts(spec, params)) {
      const edge = graph.edges.find((e) => e.target === id && e.targetPort === port.name);
      if (edge) feeding.push(edge.source);
      else if (!port.optional) throw new CompileError(`${node.type} has nothing connected to its ${port.label}.`);
    }
    // A frozen layer: tfjs (like Keras) leaves its weights out of the optimizer's; build-model also
    // runs a frozen BatchNormalization in inference mode.
    const config = isFrozen(params) ? { ...call.config, trainable: false } : call.config;
    layers.push({ nodeId: id, name, factory: call.factory, config, inputs: feeding, ...(call.wrapped ? { wrapped: call.wrapped } : {}) });
  }
  return {
    inputs,
    layers,
    outputs: analysis.outputs,
    outputShapes: analysis.outputs.map((id) => analysis.nodes.get(id)?.outputShape ?? []),
  };
}

/** tfjs layer names must be unique and simple: `dense_1`, or the user's name made safe. */
export function layerNames(nodes: readonly GraphNode[]): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const n of nodes) {
    const base = (n.name ?? n.type).toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'layer';
    let i = 1;
    let name = `${base}_${i}`;
    while (used.has(name)) name = `${base}_${++i}`;
    used.add(name);
    out.set(n.id, name);
  }
  return out;
}
