import type { Graph } from '../../../shared/graph/document';
import { getLayerSpec } from '../../../shared/layers/registry';
import type { Shape } from '../../../shared/layers/types';
import { nodeInputPorts } from '../../../shared/graph/node-ports';
import type { ConnectionRequest } from '../../../shared/graph/connect';

/** A one-click way to make a refused connection: the edits are made and the connection with them, as one undo step. */
export type ConnectFix =
  /** Give the Input one more dimension (a channel of 1) before connecting. */
  | { readonly kind: 'inputShape'; readonly label: string; readonly connection: ConnectionRequest; readonly nodeId: string; readonly shape: readonly number[] }
  /** Put a Reshape between the two layers. */
  | { readonly kind: 'reshape'; readonly label: string; readonly connection: ConnectionRequest; readonly targetShape: readonly number[] };

/**
 * Fixes for a connection refused because the source has one dimension too few for the target's
 * port (an MNIST Input of 28, 28 into Conv2D, which needs height, width and channels): add a
 * channel of 1. None when the shape is not fully known or the ranks differ by more than one.
 */
export function connectFixes(graph: Graph, c: ConnectionRequest, outShape: (id: string) => Shape | null | undefined): ConnectFix[] {
  const source = graph.nodes.find((n) => n.id === c.source);
  const target = graph.nodes.find((n) => n.id === c.target);
  if (!source || !target) return [];
  const port = nodeInputPorts(target, getLayerSpec(target.type)).find((p) => p.name === c.targetPort);
  const shape = outShape(c.source);
  if (!port || port.minRank === undefined || !shape || shape.length + 1 !== port.minRank) return [];
  const dims = shape.slice(1);
  if (dims.some((d) => d === null)) return [];
  const withChannel = [...(dims as number[]), 1];
  const text = withChannel.join(', ');
  const fixes: ConnectFix[] = [];
  const inputShape = source.params['shape'];
  if (source.type === 'Input' && Array.isArray(inputShape) && inputShape.length === dims.length) {
    fixes.push({ kind: 'inputShape', label: `Make the Input ${text}`, connection: c, nodeId: source.id, shape: withChannel });
  }
  fixes.push({ kind: 'reshape', label: `Insert a Reshape to ${text}`, connection: c, targetShape: withChannel });
  return fixes;
}
