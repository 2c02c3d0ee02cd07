import { nodeLabel, type Graph } from '../../../shared/graph/document';
import { formatShape } from '../../../shared/layers/params';
import { getLayerSpec } from '../../../shared/layers/registry';
import type { Shape } from '../../../shared/layers/types';
import { wouldCycle } from '../../../shared/graph/connect';
import { nodeInputPorts } from './ports';
import { BLOCK_NODE_TYPE } from '../../../shared/graph/block-schema';

export interface ConnectionRequest {
  readonly source: string;
  readonly target: string;
  readonly targetPort: string;
}

/**
 * Why an edge source -> target.port can never be valid, in words for the
 * person dragging it; null when it may be made. `outShape` gives a node's
 * inferred output shape, when known, to refuse ranks the port cannot take.
 */
export function connectionProblem(graph: Graph, c: ConnectionRequest, outShape?: (id: string) => Shape | null | undefined): string | null {
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
  const shape = outShape?.(c.source);
  if (shape) {
    const rank = shape.length;
    const where = ports.length > 1 ? `${nodeLabel(target)}'s ${port.label}` : nodeLabel(target);
    if (port.minRank !== undefined && rank < port.minRank) {
      return `${where} needs at least ${port.minRank} dimensions (batch included); ${nodeLabel(source)} gives ${formatShape(shape)}.`;
    }
    if (port.maxRank !== undefined && rank > port.maxRank) {
      return `${where} takes at most ${port.maxRank} dimensions (batch included); ${nodeLabel(source)} gives ${formatShape(shape)}. Add a Flatten or Reshape first.`;
    }
  }
  return null;
}
