import { useCallback } from 'react';
import { useReactFlow } from '@xyflow/react';
import { segmentAt } from '../graph/hit';
import { useEditorStore } from '../state/context';
import type { XY } from '../state/history';
import { CARD_HANDLES } from './card-handles';
import { connectionSegments } from './card-geometry';

/** How far (flow px) from a connection a card's centre may be and still be spliced into it. */
const INSERT_TOLERANCE = 40;

/**
 * The connection a layer with its card centred at `centre` would be spliced into, or null:
 * `nodeId` is the card being dragged (null for one being dropped from the palette), which the
 * store must be able to insert there.
 */
export function useEdgeUnder(): (centre: XY, nodeId: string | null) => string | null {
  const store = useEditorStore();
  const { getInternalNode } = useReactFlow();
  return useCallback(
    (centre: XY, nodeId: string | null): string | null => {
      const hit = segmentAt(centre, connectionSegments(store.getState().doc.graph.edges, getInternalNode, CARD_HANDLES), INSERT_TOLERANCE);
      if (!hit) return null;
      return nodeId === null || store.getState().canInsert(nodeId, hit) ? hit : null;
    },
    [getInternalNode, store],
  );
}
