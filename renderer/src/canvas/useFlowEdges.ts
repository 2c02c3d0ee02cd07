import { useMemo, useRef } from 'react';
import type { Edge } from '@xyflow/react';
import { useAnalysis } from '../state/analysis';
import { useCanvasUi } from '../state/canvas-ui';
import { useEditor, useTraining } from '../state/context';
import { connectionFlowEdges, errorEdgeIds } from './flow-edges';

/**
 * The document's connections as React Flow edges: the shape each carries, errors and the insert
 * target marked, animated while training runs. An edge object is kept while nothing it shows
 * changed (flow-edges.ts), so a drag re-renders only the connections it touches.
 */
export function useFlowEdges(): Edge[] {
  const docEdges = useEditor((s) => s.doc.graph.edges);
  const selectedEdges = useEditor((s) => s.selection.edges);
  const training = useTraining((s) => s.run.status === 'running');
  const insertTarget = useCanvasUi((s) => s.insertTarget);
  const { graph: analysis } = useAnalysis();
  const errors = useMemo(() => errorEdgeIds(analysis.issues), [analysis]);

  const cache = useRef<ReadonlyMap<string, Edge>>(new Map());
  return useMemo(() => {
    const { list, byId } = connectionFlowEdges({ edges: docEdges, edgeShapes: analysis.edgeShapes, selected: new Set(selectedEdges), errors, insertTarget, training }, cache.current);
    cache.current = byId;
    return list;
  }, [docEdges, analysis, selectedEdges, errors, training, insertTarget]);
}
