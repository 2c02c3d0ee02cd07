import { analyzeGraph, type GraphAnalysis, type NodeAnalysis } from './analyze';
import type { Graph, GraphNode, ProjectDoc } from './document';
import type { GraphIssue } from './issues';
import type { BlockDefinition } from './block-schema';
import { expandBlocks, type BlockExpansion } from './expand-blocks';
import type { Shape } from '../layers/types';

/**
 * Analysis of a graph with Block nodes: the expanded graph is analysed (what
 * trains), then its results are folded back onto the nodes the user sees. A
 * Block node's analysis has its output's shape and dtype and the summed
 * params, MACs and activation bytes of everything inside; issues of inner
 * layers are reported on the Block node, their messages prefixed with the
 * block's name.
 */
export interface BlockAnalysis {
  /** What compiles and trains: the graph with every block inlined. */
  readonly model: Graph;
  readonly expansion: BlockExpansion;
  /** Analysis of `model`, keyed by expanded ids (for compile and training checks). */
  readonly expanded: GraphAnalysis;
  /** The same analysis keyed by the ids of `graph` (for the canvas, header and inspector). */
  readonly outer: GraphAnalysis;
}

/** The graph that trains and exports: `doc.graph` with its blocks inlined. */
export function modelGraph(doc: Pick<ProjectDoc, 'graph' | 'blocks'>): Graph {
  return expandBlocks(doc.graph, doc.blocks ?? []).graph;
}

export function analyzeWithBlocks(graph: Graph, blocks: readonly BlockDefinition[] = []): BlockAnalysis {
  const expansion = expandBlocks(graph, blocks);
  const expanded = analyzeGraph(expansion.graph);
  if (expansion.graph === graph) return { model: graph, expansion, expanded, outer: expanded };
  const outer = foldAnalysis(graph, expansion, expanded);
  return { model: expansion.graph, expansion, expanded, outer };
}

/** `issues` of the expanded graph as the user's graph shows them (inner node ids -> their Block node). */
export function foldIssues(graph: Graph, expansion: BlockExpansion, issues: readonly GraphIssue[]): GraphIssue[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const outerEdges = new Set(graph.edges.map((e) => e.id));
  return issues.map((issue) => {
    const owner = issue.nodeId === undefined ? undefined : expansion.ownerOf.get(issue.nodeId);
    if (owner === undefined || owner === issue.nodeId) return issue;
    const block = byId.get(owner) as GraphNode;
    const { port: _port, edgeId, ...rest } = issue;
    return {
      ...rest,
      nodeId: owner,
      ...(edgeId !== undefined && outerEdges.has(edgeId) ? { edgeId } : {}),
      message: `In block ${block.name ?? owner}: ${issue.message}`,
    };
  });
}

function foldAnalysis(graph: Graph, expansion: BlockExpansion, expanded: GraphAnalysis): GraphAnalysis {
  const issues = [...expansion.issues, ...foldIssues(graph, expansion, expanded.issues)];
  const inside = new Map<string, NodeAnalysis[]>();
  for (const [id, a] of expanded.nodes) {
    const owner = expansion.ownerOf.get(id) ?? id;
    inside.set(owner, [...(inside.get(owner) ?? []), a]);
  }
  const nodes = new Map<string, NodeAnalysis>();
  for (const n of graph.nodes) {
    const parts = inside.get(n.id) ?? [];
    const exitId = expansion.outputOf.get(n.id) ?? n.id;
    const exit = expanded.nodes.get(exitId);
    const shape = exit?.outputShape ?? null;
    nodes.set(n.id, {
      id: n.id,
      type: n.type,
      outputShape: shape,
      params: parts.reduce((s, p) => s + p.params, 0),
      trainableParams: parts.reduce((s, p) => s + p.trainableParams, 0),
      nonTrainableParams: parts.reduce((s, p) => s + p.nonTrainableParams, 0),
      trainable: n.params['trainable'] !== false,
      macs: shape ? sumOrNull(parts.map((p) => p.macs)) : null,
      activationBytes: shape ? sumOrNull(parts.map((p) => p.activationBytes)) : null,
      dtype: exit?.dtype ?? null,
      issues: issues.filter((i) => i.nodeId === n.id),
    });
  }
  const owners = (ids: readonly string[]) => [...new Set(ids.map((id) => expansion.ownerOf.get(id) ?? id))];
  const edgeShapes = new Map<string, Shape | null>(graph.edges.map((e) => [e.id, nodes.get(e.source)?.outputShape ?? null]));
  return {
    ...expanded,
    nodes,
    edgeShapes,
    order: owners(expanded.order),
    inputs: owners(expanded.inputs),
    outputs: owners(expanded.outputs),
    issues,
    valid: graph.nodes.length > 0 && !issues.some((i) => i.severity === 'error'),
  };
}

function sumOrNull(values: readonly (number | null)[]): number | null {
  let total = 0;
  for (const v of values) {
    if (v === null) return null;
    total += v;
  }
  return total;
}
