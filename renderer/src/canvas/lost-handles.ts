import { useEffect } from 'react';
import { useReactFlow, useUpdateNodeInternals } from '@xyflow/react';

interface FlowNodeView {
  readonly id: string;
  readonly hidden?: boolean;
  readonly measured?: { width?: number; height?: number };
}
interface InternalView {
  readonly internals: { readonly handleBounds?: unknown };
}

/**
 * The cards React Flow holds as measured but without handle positions. It forgets a card's
 * handles when a node object without `measured` reaches it after it measured the card (an
 * analysis render, deferred, that began before the measurement), and it does not measure a card
 * again until its size changes; meanwhile the card's connections are not drawn.
 */
export function cardsWithLostHandles(nodes: readonly FlowNodeView[], internal: (id: string) => InternalView | undefined): string[] {
  const out: string[] = [];
  for (const n of nodes) {
    if (n.hidden || !n.measured?.width || !n.measured.height) continue;
    const i = internal(n.id);
    if (i && !i.internals.handleBounds) out.push(n.id);
  }
  return out;
}

/** Measures again, after each change of `nodes` reaches React Flow, the cards whose handle positions it lost. */
export function useRemeasureLostHandles(nodes: readonly FlowNodeView[]): void {
  const { getInternalNode } = useReactFlow();
  const updateNodeInternals = useUpdateNodeInternals();
  // Runs after React Flow's own effect has taken `nodes` in (a child's effects run first).
  useEffect(() => {
    const lost = cardsWithLostHandles(nodes, getInternalNode);
    if (lost.length > 0) updateNodeInternals(lost);
  }, [nodes, getInternalNode, updateNodeInternals]);
}
