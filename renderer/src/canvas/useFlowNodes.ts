import { useCallback, useMemo, useRef, useState } from 'react';
import { useAnalysis } from '../state/analysis';
import { useEditor } from '../state/context';
import { layerFlowNodes, misfitsByNode, withNoteFlowNodes, type CanvasFlowNode, type CardSize } from './flow-nodes';
import type { LayerFlowNode } from './LayerNode';
import { withSizes } from './flow-changes';

const NO_NOTES: readonly never[] = [];
const NO_BLOCKS: readonly never[] = [];

/**
 * The document's layers and notes as React Flow nodes, with the sizes React Flow measured
 * (`recordSizes` takes them in). A card's node object is kept while nothing it shows changed
 * (flow-nodes.ts), so an edit or a drag re-renders only the cards it touches.
 */
export function useFlowNodes(): { nodes: CanvasFlowNode[]; recordSizes: (sizes: Readonly<Record<string, CardSize>>) => void } {
  const docNodes = useEditor((s) => s.doc.graph.nodes);
  const docEdges = useEditor((s) => s.doc.graph.edges);
  const docNotes = useEditor((s) => s.doc.notes ?? NO_NOTES);
  const docBlocks = useEditor((s) => s.doc.blocks ?? NO_BLOCKS);
  const selectedNodes = useEditor((s) => s.selection.nodes);
  const { graph: analysis, trainIssues } = useAnalysis();
  const misfits = useMemo(() => misfitsByNode(trainIssues), [trainIssues]);
  const [measured, setMeasured] = useState<Readonly<Record<string, CardSize>>>({});
  const recordSizes = useCallback((sizes: Readonly<Record<string, CardSize>>) => setMeasured((m) => withSizes(m, sizes)), []);

  const cache = useRef<ReadonlyMap<string, LayerFlowNode>>(new Map());
  const layers = useMemo(() => {
    const { list, byId } = layerFlowNodes({ nodes: docNodes, edges: docEdges, blocks: docBlocks, analysis, misfits, selected: new Set(selectedNodes), measured }, cache.current);
    cache.current = byId;
    return list;
  }, [docNodes, docEdges, docBlocks, analysis, misfits, selectedNodes, measured]);

  const nodes = useMemo(() => withNoteFlowNodes(docNotes, layers, new Set(selectedNodes), measured), [docNotes, layers, selectedNodes, measured]);
  return { nodes, recordSizes };
}
