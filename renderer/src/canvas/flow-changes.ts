import type { EdgeChange, Node, NodeChange } from '@xyflow/react';
import type { XY } from '../state/history';
import type { CardSize } from './flow-nodes';

/** What a batch of React Flow's node changes asks of the canvas. */
export interface NodeChangesRead {
  /** Cards React Flow measured. */
  readonly sizes: Record<string, CardSize>;
  /** Where the cards being dragged are now. */
  readonly live: Map<string, XY>;
  /** The node selection after the batch, or null when the batch selects nothing. */
  readonly selection: string[] | null;
}

export function readNodeChanges<N extends Node>(changes: readonly NodeChange<N>[], selected: readonly string[]): NodeChangesRead {
  const sizes: Record<string, CardSize> = {};
  const live = new Map<string, XY>();
  let selectionChanged = false;
  const sel = new Set(selected);
  for (const c of changes) {
    if (c.type === 'dimensions' && c.dimensions) sizes[c.id] = c.dimensions;
    else if (c.type === 'position' && c.position && c.dragging) live.set(c.id, c.position);
    else if (c.type === 'select') {
      selectionChanged = true;
      if (c.selected) sel.add(c.id);
      else sel.delete(c.id);
    }
  }
  return { sizes, live, selection: selectionChanged ? [...sel] : null };
}

/** The edge selection after a batch of edge changes, or null when the batch selects nothing. */
export function readEdgeSelection(changes: readonly EdgeChange[], selected: readonly string[]): string[] | null {
  const sel = new Set(selected);
  let changed = false;
  for (const c of changes) {
    if (c.type !== 'select') continue;
    changed = true;
    if (c.selected) sel.add(c.id);
    else sel.delete(c.id);
  }
  return changed ? [...sel] : null;
}

/** The card sizes with `sizes` taken in: `known` itself when none of them differs, so that nothing re-renders. */
export function withSizes(known: Readonly<Record<string, CardSize>>, sizes: Readonly<Record<string, CardSize>>): Readonly<Record<string, CardSize>> {
  const changed = Object.entries(sizes).some(([id, s]) => known[id]?.width !== s.width || known[id]?.height !== s.height);
  return changed ? { ...known, ...sizes } : known;
}
