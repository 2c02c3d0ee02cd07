import { nodeLabel as label, type Graph, type GraphNode } from './document';
import type { GraphIssue } from './issues';
import type { DType, LayerSpec, Params, PortSpec, Shape } from '../layers/types';
import { getLayerSpec } from '../layers/registry';
import { checkParam, withDefaults } from '../layers/params';
import { inputPorts } from '../layers/ports';

/** Bytes per element of every dtype Netwright uses (float32, int32). */
export const BYTES_PER_ELEMENT = 4;

export interface NodeAnalysis {
  readonly id: string;
  readonly type: string;
  /** Output shape with batch dimension, or null when it cannot be inferred. */
  readonly outputShape: Shape | null;
  readonly params: number;
  /** Of `params`, those the optimizer updates (Keras's "Trainable params"); 0 for a frozen layer. */
  readonly trainableParams: number;
  /** Of `params`, the rest: a frozen layer's weights, BatchNormalization's moving statistics. */
  readonly nonTrainableParams: number;
  /** False for a layer the user froze (`params.trainable: false`); true otherwise, layers without weights included. */
  readonly trainable: boolean;
  /** Multiply-accumulates per sample (see LayerSpec.countMacs); null when unknown or not inferred. */
  readonly macs: number | null;
  /** Bytes of this node's output for one sample; null when a size is unknown or not inferred. */
  readonly activationBytes: number | null;
  /** Element type of the output; null when the node could not be analysed. */
  readonly dtype: DType | null;
  /** Problems of this node (errors and warnings). */
  readonly issues: readonly GraphIssue[];
}

export interface GraphAnalysis {
  readonly nodes: ReadonlyMap<string, NodeAnalysis>;
  /** Shape carried by each edge (the source's output), or null. */
  readonly edgeShapes: ReadonlyMap<string, Shape | null>;
  /** Nodes in an order where every node follows its inputs; absent nodes are in cycles. */
  readonly order: readonly string[];
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly totalParams: number;
  /** Keras's summary(): `trainableParams + nonTrainableParams === totalParams`. */
  readonly trainableParams: number;
  readonly nonTrainableParams: number;
  /**
   * Sum of the MACs of every node whose shape was inferred; null when one of
   * them depends on an unknown size (a `?` sequence length).
   */
  readonly totalMacs: number | null;
  /** Sum of every inferred node's output bytes for one sample (Input included); null as for totalMacs. */
  readonly activationBytesPerSample: number | null;
  /** Every issue, graph-level ones (no nodeId) included. */
  readonly issues: readonly GraphIssue[];
  /** True when there is no error: the graph can be compiled. */
  readonly valid: boolean;
}

/** Shape inference, parameter counts and validation of a graph in one pass. Pure. */
export function analyzeGraph(graph: Graph): GraphAnalysis {
  const issues: GraphIssue[] = [];
  const nodeIssues = new Map<string, GraphIssue[]>(graph.nodes.map((n) => [n.id, []]));
  const report = (issue: GraphIssue) => {
    issues.push(issue);
    if (issue.nodeId) nodeIssues.get(issue.nodeId)?.push(issue);
  };
  const nodesById = new Map(graph.nodes.map((n) => [n.id, n]));
  const portsOf = new Map<string, readonly PortSpec[]>();
  const paramsOf = new Map<string, Params>();
  for (const n of graph.nodes) {
    const spec = getLayerSpec(n.type);
    if (!spec) continue;
    const params = withDefaults(spec.params, n.params);
    paramsOf.set(n.id, params);
    portsOf.set(n.id, inputPorts(spec, params));
  }

  // Edges: each input port takes at most one edge; both ends must exist.
  const incoming = new Map<string, Map<string, string>>(); // target -> port -> edgeId
  const sourceOf = new Map<string, string>(); // edgeId -> source
  const outgoing = new Map<string, string[]>(); // source -> targets
  for (const edge of graph.edges) {
    const src = nodesById.get(edge.source);
    const dst = nodesById.get(edge.target);
    if (!src || !dst) {
      report({
        code: 'DANGLING_EDGE',
        severity: 'error',
        edgeId: edge.id,
        message: `A connection points to a node that does not exist (${!src ? edge.source : edge.target}).`,
        fix: 'Delete the connection.',
      });
      continue;
    }
    const dstPorts = portsOf.get(dst.id);
    if (dstPorts && !dstPorts.some((p) => p.name === edge.targetPort)) {
      report({
        code: 'UNKNOWN_PORT',
        severity: 'error',
        nodeId: dst.id,
        port: edge.targetPort,
        edgeId: edge.id,
        message: `${label(dst)} has no input named "${edge.targetPort}".`,
        fix: 'Delete the connection and connect to one of its input handles.',
      });
      continue;
    }
    const ports = incoming.get(dst.id) ?? new Map<string, string>();
    if (ports.has(edge.targetPort)) {
      report({
        code: 'PORT_TAKEN',
        severity: 'error',
        nodeId: dst.id,
        port: edge.targetPort,
        edgeId: edge.id,
        message: `${label(dst)} has more than one connection into its "${edge.targetPort}" input.`,
        fix: 'Keep one connection per input, or merge the branches with a merge layer first.',
      });
      continue;
    }
    ports.set(edge.targetPort, edge.id);
    incoming.set(dst.id, ports);
    sourceOf.set(edge.id, src.id);
    outgoing.set(src.id, [...(outgoing.get(src.id) ?? []), dst.id]);
  }

  // Topological order (Kahn); what remains is in or behind a cycle.
  const indegree = new Map<string, number>();
  for (const n of graph.nodes) indegree.set(n.id, incoming.get(n.id)?.size ?? 0);
  const queue = graph.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    order.push(id);
    for (const t of outgoing.get(id) ?? []) {
      const d = (indegree.get(t) ?? 0) - 1;
      indegree.set(t, d);
      if (d === 0) queue.push(t);
    }
  }
  const inCycle = new Set(graph.nodes.map((n) => n.id).filter((id) => !order.includes(id)));
  for (const id of cycleMembers(inCycle, outgoing)) {
    const node = nodesById.get(id) as GraphNode;
    report({
      code: 'CYCLE',
      severity: 'error',
      nodeId: id,
      message: `${label(node)} is part of a cycle: data would flow back into itself.`,
      fix: 'Remove one of the connections that loop back.',
    });
  }

  // Shapes and parameters in topological order.
  const shapes = new Map<string, Shape | null>();
  const dtypes = new Map<string, DType>();
  const paramCounts = new Map<string, number>();
  const nonTrainableCounts = new Map<string, number>();
  const macCounts = new Map<string, number | null>();
  for (const id of order) {
    const node = nodesById.get(id) as GraphNode;
    const spec = getLayerSpec(node.type);
    if (!spec) {
      report({
        code: 'UNKNOWN_LAYER',
        severity: 'error',
        nodeId: id,
        message: `Unknown layer type "${node.type}".`,
        fix: 'Delete the node; this version of Netwright does not know this layer.',
      });
      shapes.set(id, null);
      continue;
    }
    const params = paramsOf.get(id) as Params;
    let paramsOk = true;
    for (const p of spec.params) {
      const reason = checkParam(p, params[p.name]);
      if (reason) {
        paramsOk = false;
        report({ code: 'INVALID_PARAM', severity: 'error', nodeId: id, message: `${label(node)}: ${reason}.`, fix: `Edit ${p.label} in the inspector.` });
      }
    }
    const inputShapes: Shape[] = [];
    const inputDtypes: DType[] = [];
    let inputsOk = true;
    for (const port of portsOf.get(id) ?? []) {
      const edgeId = incoming.get(id)?.get(port.name);
      if (edgeId === undefined) {
        if (port.optional) continue;
        inputsOk = false;
        report({
          code: 'INPUT_UNCONNECTED',
          severity: 'error',
          nodeId: id,
          port: port.name,
          message: `${label(node)} has nothing connected to its ${port.label}.`,
          fix: 'Drag a connection from another layer\'s output handle into this input.',
        });
        continue;
      }
      const sourceId = sourceOf.get(edgeId) as string;
      const shape = shapes.get(sourceId) ?? null;
      const dtype = dtypes.get(sourceId);
      if (shape === null || dtype === undefined) {
        inputsOk = false;
        continue;
      }
      if (port.dtype !== undefined && dtype !== port.dtype) {
        inputsOk = false;
        const source = nodesById.get(sourceId) as GraphNode;
        report({
          code: 'DTYPE_MISMATCH',
          severity: 'error',
          nodeId: id,
          port: port.name,
          edgeId,
          message: `${label(node)} needs ${port.dtype} ${port.label}; ${label(source)} gives ${dtype} values.`,
          fix: port.dtype === 'int32' ? 'Set the Input\'s data type to int32 (token ids), and keep only Reshape-like layers between it and this layer.' : `Feed it ${port.dtype} values.`,
        });
        continue;
      }
      inputShapes.push(shape);
      inputDtypes.push(dtype);
    }
    if (!paramsOk || !inputsOk) {
      shapes.set(id, null);
      continue;
    }
    const result = spec.inferShape(inputShapes, params);
    if (!result.ok) {
      report({ code: result.error.code, severity: 'error', nodeId: id, message: `${label(node)}: ${result.error.message}`, fix: result.error.fix });
      shapes.set(id, null);
      continue;
    }
    shapes.set(id, result.shape);
    dtypes.set(id, outputDtype(spec, params, inputDtypes));
    const count = spec.countParams(inputShapes, params);
    paramCounts.set(id, count);
    nonTrainableCounts.set(id, isFrozen(params) ? count : (spec.countNonTrainableParams?.(inputShapes, params) ?? 0));
    macCounts.set(id, spec.countMacs ? spec.countMacs(inputShapes, params, result.shape) : 0);
  }

  const inputs = graph.nodes.filter((n) => getLayerSpec(n.type)?.inputs.length === 0).map((n) => n.id);
  const outputs = graph.nodes
    .filter((n) => !inputs.includes(n.id) && (outgoing.get(n.id)?.length ?? 0) === 0)
    .map((n) => n.id);
  if (graph.nodes.length > 0 && inputs.length === 0) {
    report({ code: 'NO_INPUT_LAYER', severity: 'error', message: 'The model has no Input layer.', fix: 'Drag an Input from the palette and connect it.' });
  }
  if (inputs.length > 0 && outputs.length === 0 && inCycle.size === 0) {
    report({ code: 'NO_OUTPUT', severity: 'error', message: 'The model has no output layer.', fix: 'Connect at least one layer after the Input.' });
  }
  // An Input with no connection at all, next to other layers: the model would take data it never uses.
  if (outputs.length > 0) {
    for (const id of inputs) {
      if (graph.edges.some((e) => e.source === id)) continue;
      const node = nodesById.get(id) as GraphNode;
      report({
        code: 'UNREACHABLE',
        severity: 'error',
        nodeId: id,
        message: `${label(node)} is not connected to any layer, so nothing it receives reaches an output.`,
        fix: 'Connect it to the layer it should feed, or delete it.',
      });
    }
  }

  const nodes = new Map<string, NodeAnalysis>();
  let totalParams = 0;
  let nonTrainableParams = 0;
  let totalMacs: number | null = 0;
  let activationBytesPerSample: number | null = 0;
  for (const n of graph.nodes) {
    const params = paramCounts.get(n.id) ?? 0;
    totalParams += params;
    const frozenCount = nonTrainableCounts.get(n.id) ?? 0;
    nonTrainableParams += frozenCount;
    const shape = shapes.get(n.id) ?? null;
    const macs = shape ? (macCounts.get(n.id) ?? null) : null;
    const elements = shape ? perSampleElements(shape) : null;
    const activationBytes = elements === null ? null : elements * BYTES_PER_ELEMENT;
    if (shape) {
      totalMacs = totalMacs === null || macs === null ? null : totalMacs + macs;
      activationBytesPerSample = activationBytesPerSample === null || activationBytes === null ? null : activationBytesPerSample + activationBytes;
    }
    nodes.set(n.id, {
      id: n.id,
      type: n.type,
      outputShape: shape,
      params,
      trainableParams: params - frozenCount,
      nonTrainableParams: frozenCount,
      trainable: n.params['trainable'] !== false,
      macs,
      activationBytes,
      dtype: dtypes.get(n.id) ?? null,
      issues: nodeIssues.get(n.id) ?? [],
    });
  }
  const edgeShapes = new Map<string, Shape | null>();
  for (const e of graph.edges) edgeShapes.set(e.id, shapes.get(e.source) ?? null);

  return {
    nodes,
    edgeShapes,
    order,
    inputs,
    outputs,
    totalParams,
    trainableParams: totalParams - nonTrainableParams,
    nonTrainableParams,
    totalMacs,
    activationBytesPerSample,
    issues,
    valid: graph.nodes.length > 0 && !issues.some((i) => i.severity === 'error'),
  };
}

/** A layer the user froze: `params.trainable: false` (absent means trainable). */
export function isFrozen(params: Params): boolean {
  return params['trainable'] === false;
}

function outputDtype(spec: LayerSpec, params: Params, inputDtypes: readonly DType[]): DType {
  const d = spec.outputDtype;
  if (d === undefined) return 'float32';
  if (d === 'same') return inputDtypes[0] ?? 'float32';
  if (typeof d === 'function') return d(params);
  return d;
}

function perSampleElements(shape: Shape): number | null {
  let p = 1;
  for (const d of shape.slice(1)) {
    if (d === null) return null;
    p *= d;
  }
  return p;
}

/** Of the nodes not ordered by Kahn's algorithm, those on a cycle (not merely downstream of one). */
function cycleMembers(remaining: ReadonlySet<string>, outgoing: ReadonlyMap<string, readonly string[]>): string[] {
  const members: string[] = [];
  for (const start of remaining) {
    // start is on a cycle if it can reach itself through remaining nodes.
    const seen = new Set<string>();
    const stack = [...(outgoing.get(start) ?? [])];
    let found = false;
    while (stack.length > 0 && !found) {
      const id = stack.pop() as string;
      if (id === start) found = true;
      else if (remaining.has(id) && !seen.has(id)) {
        seen.add(id);
        stack.push(...(outgoing.get(id) ?? []));
      }
    }
    if (found) members.push(start);
  }
  return members;
}
