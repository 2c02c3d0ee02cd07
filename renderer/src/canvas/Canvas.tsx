import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  ReactFlow,
  useReactFlow,
  type Connection as FlowConnection,
  type Edge,
  type EdgeChange,
  type IsValidConnection,
  type NodeChange,
  type OnNodeDrag,
} from '@xyflow/react';
import { useEditor, useEditorStore } from '../state/context';
import { useAnalysis } from '../state/analysis';
import type { XY } from '../state/history';
import { LayerNode, type LayerFlowNode } from './LayerNode';
import { isLayerDrag, layerFromDrop } from './dnd';
import { NODE_SIZE } from './placement';
import { shapeText } from './format';

const nodeTypes = { layer: LayerNode };
type Size = { width: number; height: number };

/** The React Flow pane: a view of the document; every edit goes through the store. */
export function Canvas() {
  const store = useEditorStore();
  const docNodes = useEditor((s) => s.doc.graph.nodes);
  const docEdges = useEditor((s) => s.doc.graph.edges);
  const selection = useEditor((s) => s.selection);
  const training = useEditor((s) => s.training.status === 'running');
  const { graph: analysis } = useAnalysis();
  const { screenToFlowPosition, fitView } = useReactFlow();
  const baseRev = useEditor((s) => s.baseRev);
  const [measured, setMeasured] = useState<Record<string, Size>>({});
  const dragStart = useRef<Map<string, XY> | null>(null);

  // A project just opened (or a new one): show all of it.
  const firstRev = useRef(baseRev);
  useEffect(() => {
    if (baseRev === firstRev.current) return;
    void fitView({ padding: 0.15, maxZoom: 1, duration: 0 });
  }, [baseRev, fitView]);

  const nodes = useMemo<LayerFlowNode[]>(() => {
    const selected = new Set(selection.nodes);
    return docNodes.map((n) => ({
      id: n.id,
      type: 'layer',
      position: n.position,
      data: { node: n, analysis: analysis.nodes.get(n.id) },
      selected: selected.has(n.id),
      measured: measured[n.id],
      ariaLabel: `${n.name ?? n.type} layer`,
    }));
  }, [docNodes, analysis, selection.nodes, measured]);

  const badEdges = useMemo(() => new Set(analysis.issues.flatMap((i) => (i.edgeId && i.severity === 'error' ? [i.edgeId] : []))), [analysis]);

  const edges = useMemo<Edge[]>(() => {
    const selected = new Set(selection.edges);
    return docEdges.map((e) => {
      const shape = analysis.edgeShapes.get(e.id);
      return {
        id: e.id,
        source: e.source,
        target: e.target,
        sourceHandle: 'out',
        targetHandle: e.targetPort,
        selected: selected.has(e.id),
        label: shape ? shapeText(shape) : undefined,
        className: badEdges.has(e.id) ? 'is-error' : undefined,
        animated: training,
        ariaLabel: `Connection ${e.source} to ${e.target}`,
        labelBgPadding: [4, 2] as [number, number],
        labelBgBorderRadius: 3,
      };
    });
  }, [docEdges, analysis, selection.edges, badEdges, training]);

  const onNodesChange = useCallback(
    (changes: NodeChange<LayerFlowNode>[]) => {
      const sizes: Record<string, Size> = {};
      const live = new Map<string, XY>();
      let selectionChanged = false;
      const sel = new Set(store.getState().selection.nodes);
      for (const c of changes) {
        if (c.type === 'dimensions' && c.dimensions) sizes[c.id] = c.dimensions;
        else if (c.type === 'position' && c.position && c.dragging) live.set(c.id, c.position);
        else if (c.type === 'select') {
          selectionChanged = true;
          if (c.selected) sel.add(c.id);
          else sel.delete(c.id);
        }
      }
      if (Object.keys(sizes).length > 0) setMeasured((m) => ({ ...m, ...sizes }));
      if (live.size > 0) store.getState().dragNodes(live);
      if (selectionChanged) store.getState().select({ nodes: [...sel], edges: store.getState().selection.edges });
    },
    [store],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const sel = new Set(store.getState().selection.edges);
      let changed = false;
      for (const c of changes) {
        if (c.type !== 'select') continue;
        changed = true;
        if (c.selected) sel.add(c.id);
        else sel.delete(c.id);
      }
      if (changed) store.getState().select({ nodes: store.getState().selection.nodes, edges: [...sel] });
    },
    [store],
  );

  const onNodeDragStart = useCallback<OnNodeDrag<LayerFlowNode>>((_e, _node, dragged) => {
    dragStart.current = new Map(dragged.map((n) => [n.id, { x: n.position.x, y: n.position.y }]));
  }, []);

  const onNodeDragStop = useCallback<OnNodeDrag<LayerFlowNode>>(() => {
    if (dragStart.current) store.getState().endMove(dragStart.current);
    dragStart.current = null;
  }, [store]);

  const toConnection = (c: FlowConnection | Edge) => ({ source: c.source, target: c.target, targetPort: c.targetHandle ?? 'in' });

  const isValidConnection = useCallback<IsValidConnection>(
    (c) => (c.sourceHandle ?? 'out') === 'out' && store.getState().canConnect(toConnection(c)),
    [store],
  );

  const onConnect = useCallback((c: FlowConnection) => {
    store.getState().connect(toConnection(c));
  }, [store]);

  const onDragOver = useCallback((e: DragEvent) => {
    if (!isLayerDrag(e.dataTransfer)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = layerFromDrop(e.dataTransfer);
      if (!type) return;
      e.preventDefault();
      const p = screenToFlowPosition({ x: e.clientX, y: e.clientY });
      // The drop point becomes the card's centre.
      store.getState().addNode(type, { x: Math.round(p.x - NODE_SIZE.width / 2), y: Math.round(p.y - NODE_SIZE.height / 2) });
    },
    [screenToFlowPosition, store],
  );

  return (
    <section className="canvas" aria-label="Canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<LayerFlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStart={onNodeDragStart}
        onNodeDragStop={onNodeDragStop}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        deleteKeyCode={null}
        multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        connectionRadius={30}
        minZoom={0.2}
        maxZoom={2}
        fitViewOptions={{ maxZoom: 1 }}
        proOptions={{ hideAttribution: true }}
        defaultEdgeOptions={{ interactionWidth: 16 }}
      >
        <Background variant={BackgroundVariant.Dots} gap={16} size={1} />
        <Controls showInteractive={false} />
      </ReactFlow>
      {docNodes.length === 0 ? (
        <div className="canvas__empty" aria-hidden="true">
          Drag layers from the palette onto the canvas, or click one to add it.
          <br />
          Connect an output handle (right) to an input handle (left).
        </div>
      ) : null}
    </section>
  );
}
