import type { GraphEdge } from '../../../shared/graph/document';
import type { Segment } from '../graph/hit';
import type { XY } from '../state/history';
import { handleCentre, type FlowNodeLike, type HandleFallback } from './overview';
import { NODE_SIZE } from './placement';

/** A card's centre in flow coordinates (a card React Flow has not measured yet counts as NODE_SIZE). */
export function cardCentre(n: { readonly position: XY; readonly measured?: { readonly width?: number | undefined; readonly height?: number | undefined } | undefined }): XY {
  return {
    x: n.position.x + (n.measured?.width ?? NODE_SIZE.width) / 2,
    y: n.position.y + (n.measured?.height ?? NODE_SIZE.height) / 2,
  };
}

/** Where a new card goes so that `p` (a drop point) becomes its centre, on whole pixels. */
export function cardCentredAt(p: XY): XY {
  return { x: Math.round(p.x - NODE_SIZE.width / 2), y: Math.round(p.y - NODE_SIZE.height / 2) };
}

/** A client (viewport) point relative to the top-left corner of `box` (a DOMRect of the canvas). */
export function pointIn(box: { readonly left: number; readonly top: number }, client: XY): XY {
  return { x: client.x - box.left, y: client.y - box.top };
}

/**
 * The connections as straight segments from output handle to input handle, in flow coordinates,
 * for the hit test that finds the connection a layer would be spliced into. Connections whose
 * cards React Flow does not know (yet) are left out.
 */
export function connectionSegments(edges: readonly GraphEdge[], flowNode: (id: string) => FlowNodeLike | undefined, fallback: HandleFallback): Segment[] {
  const out: Segment[] = [];
  for (const e of edges) {
    const s = flowNode(e.source);
    const t = flowNode(e.target);
    if (!s || !t) continue;
    out.push({ id: e.id, a: handleCentre(s, 'source', 'out', fallback), b: handleCentre(t, 'target', e.targetPort, fallback) });
  }
  return out;
}

/**
 * Where something added by a key goes on the canvas `box` (client coordinates): the pointer when it
 * is over the box (edges included), else the middle of the box, a third of the way down.
 */
export function keyedSpot(box: { readonly left: number; readonly top: number; readonly right: number; readonly bottom: number; readonly width: number; readonly height: number }, pointer: XY | null): XY {
  const inside = pointer && pointer.x >= box.left && pointer.x <= box.right && pointer.y >= box.top && pointer.y <= box.bottom;
  return inside ? pointer : { x: box.left + box.width / 2, y: box.top + box.height / 3 };
}
