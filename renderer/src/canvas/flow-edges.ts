import type { Edge } from '@xyflow/react';
import type { GraphEdge } from '../../../shared/graph/document';
import type { GraphIssue } from '../../../shared/graph/issues';
import type { Shape } from '../../../shared/layers/types';
import { shapeText } from './format';

/** The connections an error is reported on. */
export function errorEdgeIds(issues: readonly GraphIssue[]): Set<string> {
  return new Set(issues.flatMap((i) => (i.edgeId && i.severity === 'error' ? [i.edgeId] : [])));
}

/** A connection's classes: `is-error`, and `is-insert-target` while a dragged layer would be spliced into it. */
export function connectionClassName(id: string, errors: ReadonlySet<string>, insertTarget: string | null): string | undefined {
  return [errors.has(id) ? 'is-error' : '', insertTarget === id ? 'is-insert-target' : ''].filter(Boolean).join(' ') || undefined;
}

export interface ConnectionsInput {
  readonly edges: readonly GraphEdge[];
  readonly edgeShapes: ReadonlyMap<string, Shape | null>;
  readonly selected: ReadonlySet<string>;
  readonly errors: ReadonlySet<string>;
  readonly insertTarget: string | null;
  /** Training runs: the connections are animated. */
  readonly training: boolean;
}

/**
 * One flow edge per connection, labelled with the shape it carries. An edge of `previous` (last
 * call's, by id) is handed back as it is while nothing it shows changed, so a drag re-renders only
 * the connections it touches.
 */
export function connectionFlowEdges(input: ConnectionsInput, previous: ReadonlyMap<string, Edge>): { list: Edge[]; byId: Map<string, Edge> } {
  const byId = new Map<string, Edge>();
  const list = input.edges.map((e) => {
    const shape = input.edgeShapes.get(e.id);
    const label = shape ? shapeText(shape) : undefined;
    const className = connectionClassName(e.id, input.errors, input.insertTarget);
    const sel = input.selected.has(e.id);
    const old = previous.get(e.id);
    const flow: Edge =
      old && old.source === e.source && old.target === e.target && old.targetHandle === e.targetPort && old.label === label && old.className === className && old.selected === sel && old.animated === input.training
        ? old
        : {
            id: e.id,
            source: e.source,
            target: e.target,
            sourceHandle: 'out',
            targetHandle: e.targetPort,
            selected: sel,
            label,
            className,
            animated: input.training,
            ariaLabel: `Connection ${e.source} to ${e.target}`,
          };
    byId.set(e.id, flow);
    return flow;
  });
  return { list, byId };
}
