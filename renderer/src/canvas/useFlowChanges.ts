import { useCallback } from 'react';
import type { EdgeChange, NodeChange } from '@xyflow/react';
import { useEditorStore } from '../state/context';
import { readEdgeSelection, readNodeChanges } from './flow-changes';
import type { CanvasFlowNode, CardSize } from './flow-nodes';

/**
 * React Flow's node and edge changes, taken into the canvas and the store: measured sizes
 * (`recordSizes`), the live position of dragged cards (the store's `dragNodes`; the move is
 * recorded when the drag ends, useDragInsert.ts) and the selection.
 */
export function useFlowChanges(recordSizes: (sizes: Readonly<Record<string, CardSize>>) => void): {
  onNodesChange: (changes: NodeChange<CanvasFlowNode>[]) => void;
  onEdgesChange: (changes: EdgeChange[]) => void;
} {
  const store = useEditorStore();

  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasFlowNode>[]) => {
      const { sizes, live, selection } = readNodeChanges(changes, store.getState().selection.nodes);
      if (Object.keys(sizes).length > 0) recordSizes(sizes);
      if (live.size > 0) store.getState().dragNodes(live);
      if (selection) store.getState().select({ nodes: selection, edges: store.getState().selection.edges });
    },
    [store, recordSizes],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const selection = readEdgeSelection(changes, store.getState().selection.edges);
      if (selection) store.getState().select({ nodes: store.getState().selection.nodes, edges: selection });
    },
    [store],
  );

  return { onNodesChange, onEdgesChange };
}
