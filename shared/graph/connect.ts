import { nodeLabel, type Graph, type GraphEdge } from './document';
import { getLayerSpec } from '../layers/registry';
import { formatShape } from '../layers/params';
import type { Shape } from '../layers/types';
import { BLOCK_NODE_TYPE } from './block-schema';
import { nodeInputPorts } from './node-ports';

/** An edge someone is drawing: from `source`'s output into `target`'s input `targetPort`. */
export interface ConnectionRequest {
  readonly source: string;
  readonly target: string;
  readonly targetPort: string;
}

/** What is known of a node's output while drawing (from analyzeGraph); missing facts are not checked. */
export interface OutputFacts {
  readonly outputShape?: Shape | null;
  readonly dtype?: string | null;
}

/**
 * Why an edge source -> target.targetPort can never be valid, in words for the person dragging it
 * (the tooltip); null when it may be drawn. The one connection rule: the canvas, the store and
 * anything else that connects layers use it. Refuses what can never become valid: a missing node
 * or port, a source, a loop, a rank the port never accepts, an element type it does not take.
 * A port that is already connected is not a problem: the new edge replaces the old one
 * (`edgesReplacedBy`), as dropping a wire on a taken input does in the editor. Shape problems that
 * a param change could fix are left to analyzeGraph. Pure.
 */
export function connectionProblem(graph: Graph, c: ConnectionRequest, facts?: (id: string) => OutputFacts | null | undefined): string | null {
  if (c.source === c.target) return 'A layer cannot feed into itself.';
  const source = graph.nodes.find((n) => n.id === c.source);
  const target = graph.nodes.find((n) => n.id === c.target);
  if (!source || !target) return 'That layer no longer exists.';
  const spec = getLayerSpec(target.type);
  if (!spec && target.type !== BLOCK_NODE_TYPE) return `${nodeLabel(target)} is an unknown layer type.`;
  const ports = nodeInputPorts(target, spec);
  if (ports.length === 0) return `${nodeLabel(target)} is a source: it takes no inputs.`;
  const port = ports.find((p) => p.name === c.targetPort);
  if (!port) return `${nodeLabel(target)} has no input "${c.targetPort}".`;
  if (wouldCycle(graph, c.source, c.target)) return `That would make a loop: ${nodeLabel(target)} already feeds ${nodeLabel(source)}.`;
  const where = ports.length > 1 ? `${nodeLabel(target)}'s ${port.label}` : nodeLabel(target);
  const info = facts?.(c.source);
  const shape = info?.outputShape;
  if (shape) {
    if (port.minRank !== undefined && shape.length < port.minRank) {
      return `${where} needs at least ${port.minRank} dimensions (batch included); ${nodeLabel(source)} gives ${formatShape(shape)}.`;
    }
    if (port.maxRank !== undefined && shape.length > port.maxRank) {
      return `${where} takes at most ${port.maxRank} dimensions (batch included); ${nodeLabel(source)} gives ${formatShape(shape)}. Put a Flatten, Reshape or pooling layer between them.`;
    }
  }
  if (port.dtype !== undefined && info?.dtype && info.dtype !== port.dtype) {
    return `${where} needs ${port.dtype} ${port.label}; ${nodeLabel(source)} gives ${info.dtype} values.`;
  }
  return null;
}

/** The edges a connection replaces: whatever already feeds the same input port (at most one). */
export function edgesReplacedBy(graph: Graph, c: ConnectionRequest): GraphEdge[] {
  return graph.edges.filter((e) => e.target === c.target && e.targetPort === c.targetPort);
}

/** The graph's edges after drawing `edge`: the taken port's old edge replaced by it. Pure. */
export function connectEdges(graph: Graph, edge: GraphEdge): GraphEdge[] {
  const replaced = new Set(edgesReplacedBy(graph, edge));
  return [...graph.edges.filter((e) => !replaced.has(e)), edge];
}

/** True when an edge source -> target would close a loop (target already reaches source). */
export function wouldCycle(graph: Graph, source: string, target: string): boolean {
  if (source === target) return true;
  const out = new Map<string, string[]>();
  for (const e of graph.edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  const seen = new Set<string>();
  const stack = [target];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (id === source) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(out.get(id) ?? []));
  }
  return false;
}
