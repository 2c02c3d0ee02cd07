import { useCallback, type DragEvent } from 'react';
import { useReactFlow } from '@xyflow/react';
import { useCanvasUi } from '../state/canvas-ui';
import { useEditorStore } from '../state/context';
import type { XY } from '../state/history';
import { cardCentredAt } from './card-geometry';
import { blockFromDrop, isLayerDrag, layerFromDrop } from './dnd';

/**
 * Layers and blocks dragged from the palette (dnd.ts) onto the canvas: the drop point becomes the
 * new card's centre, and a drop on a connection splices the card into it (marked while over it).
 */
export function usePaletteDrop(edgeUnder: (centre: XY, nodeId: string | null) => string | null): {
  onDragOver: (e: DragEvent) => void;
  onDragLeave: () => void;
  onDrop: (e: DragEvent) => void;
} {
  const store = useEditorStore();
  const { screenToFlowPosition } = useReactFlow();

  const onDragOver = useCallback(
    (e: DragEvent) => {
      if (!isLayerDrag(e.dataTransfer)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      useCanvasUi.getState().setInsertTarget(edgeUnder(screenToFlowPosition({ x: e.clientX, y: e.clientY }), null));
    },
    [edgeUnder, screenToFlowPosition],
  );

  const onDragLeave = useCallback(() => useCanvasUi.getState().setInsertTarget(null), []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      useCanvasUi.getState().setInsertTarget(null);
      const p = screenToFlowPosition({ x: e.clientX, y: e.clientY });
      const block = blockFromDrop(e.dataTransfer);
      if (block) {
        e.preventDefault();
        store.getState().addBlock(block, cardCentredAt(p), edgeUnder(p, null) ?? undefined);
        return;
      }
      const type = layerFromDrop(e.dataTransfer);
      if (!type) return;
      e.preventDefault();
      store.getState().addNode(type, cardCentredAt(p), edgeUnder(p, null) ?? undefined);
    },
    [edgeUnder, screenToFlowPosition, store],
  );

  return { onDragOver, onDragLeave, onDrop };
}
