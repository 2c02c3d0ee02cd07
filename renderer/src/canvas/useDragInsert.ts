import { useCallback, useRef } from 'react';
import type { OnNodeDrag } from '@xyflow/react';
import { useCanvasUi } from '../state/canvas-ui';
import { useEditorStore } from '../state/context';
import type { XY } from '../state/history';
import { cardCentre } from './card-geometry';
import type { CanvasFlowNode } from './flow-nodes';

/**
 * Dragging cards: one undo step per drag (the store's `endMove` with where the cards started), and
 * a single card dropped on a connection is spliced into it (marked as the insert target while over it).
 */
export function useDragInsert(edgeUnder: (centre: XY, nodeId: string | null) => string | null): {
  onNodeDragStart: OnNodeDrag<CanvasFlowNode>;
  onNodeDrag: OnNodeDrag<CanvasFlowNode>;
  onNodeDragStop: OnNodeDrag<CanvasFlowNode>;
} {
  const store = useEditorStore();
  const dragStart = useRef<Map<string, XY> | null>(null);

  const onNodeDragStart = useCallback<OnNodeDrag<CanvasFlowNode>>((_e, _node, dragged) => {
    dragStart.current = new Map(dragged.map((n) => [n.id, { x: n.position.x, y: n.position.y }]));
  }, []);

  const onNodeDrag = useCallback<OnNodeDrag<CanvasFlowNode>>(
    (_e, node, dragged) => {
      useCanvasUi.getState().setInsertTarget(dragged.length === 1 ? edgeUnder(cardCentre(node), node.id) : null);
    },
    [edgeUnder],
  );

  const onNodeDragStop = useCallback<OnNodeDrag<CanvasFlowNode>>(
    (_e, node, dragged) => {
      const target = dragged.length === 1 ? edgeUnder(cardCentre(node), node.id) : null;
      useCanvasUi.getState().setInsertTarget(null);
      if (dragStart.current) store.getState().endMove(dragStart.current, target ?? undefined);
      dragStart.current = null;
    },
    [edgeUnder, store],
  );

  return { onNodeDragStart, onNodeDrag, onNodeDragStop };
}
