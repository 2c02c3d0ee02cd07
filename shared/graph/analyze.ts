import { nodeLabel as label, type Graph, type GraphNode } from './document';
import type { GraphIssue } from './issues';
import type { Shape } from '../layers/types';
import { getLayerSpec } from '../layers/registry';
import { checkParam, withDefaults } from '../layers/params';

export interface NodeAnalysis {
  readonly id: string;
  readonly type: string;
  /** Output shape with batch dimension, or null when it cannot be inferred. */
  readonly outputShape: Shape | null;
  readonly params: number;
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
    const dstSpec = getLayerSpec(dst.type);
    if (dstSpec && !dstSpec.inputs.some((p) => p.name === edge.targetPort)) {
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
  const paramCounts = new Map<string, number>();
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
    const params = withDefaults(spec.params, node.params);
    let paramsOk = true;
    for (const p of spec.params) {
      const reason = checkParam(p, params[p.name]);
      if (reason) {
        paramsOk = false;
        report({ code: 'INVALID_PARAM', severity: 'error', nodeId: id, message: `${label(node)}: ${reason}.`, fix: `Edit ${p.label} in the inspector.` });
      }
    }
    const inputShapes: Shape[] = [];
    let inputsOk = true;
    for (const port of spec.inputs) {
      const edgeId = incoming.get(id)?.get(port.name);
      if (edgeId === undefined) {
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
      const shape = shapes.get(sourceOf.get(edgeId) as string) ?? null;
      if (shape === null) inputsOk = false;
      else inputShapes.push(shape);
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
    paramCounts.set(id, spec.countParams(inputShapes, params));
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

  const nodes = new Map<string, NodeAnalysis>();
  let totalParams = 0;
  for (const n of graph.nodes) {
    const params = paramCounts.get(n.id) ?? 0;
    totalParams += params;
    nodes.set(n.id, { id: n.id, type: n.type, outputShape: shapes.get(n.id) ?? null, params, issues: nodeIssues.get(n.id) ?? [] });
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
    issues,
    valid: graph.nodes.length > 0 && !issues.some((i) => i.severity === 'error'),
  };
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
