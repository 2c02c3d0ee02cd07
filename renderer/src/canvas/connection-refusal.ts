import type { Connection, Edge } from '@xyflow/react';
import { connectionProblem, type ConnectionRequest } from '../../../shared/graph/connect';
import type { Graph } from '../../../shared/graph/document';
import type { Shape } from '../../../shared/layers/types';
import { connectFixes, type ConnectFix } from '../graph/connect-fixes';

/** Shown while a wire is drawn from an input handle: connections start at outputs. */
export const FROM_INPUT_HINT = 'Drag from an output handle (right side) to an input handle (left side).';

/** React Flow's connection (or edge) as the document's connection request: an unnamed input handle is `in`. */
export function toConnection(c: Pick<Connection | Edge, 'source' | 'target' | 'targetHandle'>): ConnectionRequest {
  return { source: c.source, target: c.target, targetPort: c.targetHandle ?? 'in' };
}

/**
 * A refused connection that one click can make (Input 28, 28 into Conv2D): why it was refused
 * (shared/graph/connect.ts, the one connection rule) and the fixes; null when the connection is
 * allowed or no fix applies.
 */
export function fixableRefusal(graph: Graph, c: ConnectionRequest, outShape: (id: string) => Shape | null | undefined): { message: string; fixes: ConnectFix[] } | null {
  const why = connectionProblem(graph, c, (id) => ({ outputShape: outShape(id) }));
  if (!why) return null;
  const fixes = connectFixes(graph, c, outShape);
  return fixes.length > 0 ? { message: why, fixes } : null;
}
