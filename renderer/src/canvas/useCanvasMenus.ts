import { useCallback, type MouseEvent as ReactMouseEvent, type RefObject } from 'react';
import { useReactFlow } from '@xyflow/react';
import { useCanvasUi } from '../state/canvas-ui';
import { pointIn } from './card-geometry';
import type { CanvasFlowNode } from './flow-nodes';

/**
 * What opens at the mouse on the canvas: the quick-add search on a double-click of empty canvas
 * (QuickAdd, placing the layer where it was asked for) and a card's menu on a right-click of a
 * layer card (CardMenu). Both are placed relative to the canvas section.
 */
export function useCanvasMenus(section: RefObject<HTMLElement | null>): {
  onDoubleClick: (e: ReactMouseEvent) => void;
  onNodeContextMenu: (e: ReactMouseEvent, node: CanvasFlowNode) => void;
} {
  const { screenToFlowPosition } = useReactFlow();

  const onDoubleClick = useCallback(
    (e: ReactMouseEvent) => {
      if (!(e.target instanceof Element) || !e.target.classList.contains('react-flow__pane')) return;
      const rect = section.current?.getBoundingClientRect();
      if (!rect) return;
      const client = { x: e.clientX, y: e.clientY };
      useCanvasUi.getState().openQuickAdd(pointIn(rect, client), screenToFlowPosition(client));
    },
    [screenToFlowPosition, section],
  );

  const onNodeContextMenu = useCallback(
    (e: ReactMouseEvent, node: CanvasFlowNode) => {
      if (node.type !== 'layer') return;
      e.preventDefault();
      const rect = section.current?.getBoundingClientRect();
      if (!rect) return;
      useCanvasUi.getState().openCardMenu(node.id, pointIn(rect, { x: e.clientX, y: e.clientY }));
    },
    [section],
  );

  return { onDoubleClick, onNodeContextMenu };
}
