import { useRef } from 'react';
import { Background, BackgroundVariant, Controls, MiniMap, ReactFlow } from '@xyflow/react';
import { useEditor } from '../state/context';
import { ConnectFixPanel } from './ConnectFixPanel';
import { LayerNode } from './LayerNode';
import { NoteNode } from './NoteNode';
import { ShapeEdge } from './ShapeEdge';
import { CanvasToolbar } from './CanvasToolbar';
import { QuickAdd } from './QuickAdd';
import { GroupDialog } from './GroupDialog';
import { CardMenu } from './CardMenu';
import { BackboneBar } from './BackboneBar';
import { ConnectHint, EmptyCanvasHelp } from './CanvasNotices';
import type { CanvasFlowNode } from './flow-nodes';
import { useCanvasKeys } from './useCanvasKeys';
import { useCanvasMenus } from './useCanvasMenus';
import { useConnectionHandling } from './useConnectionHandling';
import { useDragInsert } from './useDragInsert';
import { useEdgeUnder } from './useEdgeUnder';
import { useFarZoomClass } from './useFarZoomClass';
import { useFitOnOpen } from './useFitOnOpen';
import { useFlowChanges } from './useFlowChanges';
import { useFlowEdges } from './useFlowEdges';
import { useFlowNodes } from './useFlowNodes';
import { useOverview } from './useOverview';
import { usePaletteDrop } from './usePaletteDrop';
import { useRemeasureLostHandles } from './lost-handles';
import { FIT_VIEW, MINIMAP } from './fit';

const nodeTypes = { layer: LayerNode, note: NoteNode };
const edgeTypes = { shape: ShapeEdge };
// Object props of <ReactFlow> are constants: a new object on every render (a drag frame re-renders
// the canvas) is copied into React Flow's store, and every edge subscribes to defaultEdgeOptions,
// so a literal here re-rendered all connections on every mouse move.
const DEFAULT_EDGE_OPTIONS = { interactionWidth: 16, type: 'shape' } as const;
const PRO_OPTIONS = { hideAttribution: true } as const;
const MINIMAP_SIZE = { width: MINIMAP.width, height: MINIMAP.height } as const;

/**
 * The React Flow pane: a view of the document; every edit goes through the store. Each concern
 * lives in a hook of its own: the flow nodes and edges (useFlowNodes, useFlowEdges) and React
 * Flow's changes to them (useFlowChanges), keys (useCanvasKeys), dragging cards and splicing them
 * into a connection (useDragInsert, useEdgeUnder), drawing connections (useConnectionHandling),
 * palette drops (usePaletteDrop), quick add and the card menu (useCanvasMenus), fitting an opened
 * project (useFitOnOpen), the far-zoom detail level (useFarZoomClass) and the overview of large
 * graphs (useOverview). Every callback handed to React Flow keeps its identity across renders, so
 * a drag frame re-renders only the cards and connections it moves.
 */
export function Canvas() {
  const section = useRef<HTMLElement>(null);
  const overview = useRef<HTMLCanvasElement>(null);
  const layerCount = useEditor((s) => s.doc.graph.nodes.length);

  useCanvasKeys(section);
  useFarZoomClass(section);
  useFitOnOpen();

  const { nodes, recordSizes } = useFlowNodes();
  useRemeasureLostHandles(nodes);
  const edges = useFlowEdges();
  const { onNodesChange, onEdgesChange } = useFlowChanges(recordSizes);

  const edgeUnder = useEdgeUnder();
  useOverview(section, overview, edgeUnder);
  const { onNodeDragStart, onNodeDrag, onNodeDragStop } = useDragInsert(edgeUnder);
  const { isValidConnection, onConnectStart, onConnectEnd, onConnect } = useConnectionHandling();
  const { onDragOver, onDragLeave, onDrop } = usePaletteDrop(edgeUnder);
  const { onDoubleClick, onNodeContextMenu } = useCanvasMenus(section);

  return (
    <section className="canvas" aria-label="Canvas" ref={section} onDragOver={onDragOver} onDragLeave={onDragLeave} onDrop={onDrop} onDoubleClick={onDoubleClick}>
      <ReactFlow<CanvasFlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStart={onNodeDragStart}
        onNodeDrag={onNodeDrag}
        onNodeDragStop={onNodeDragStop}
        onNodeContextMenu={onNodeContextMenu}
        onConnect={onConnect}
        onConnectStart={onConnectStart}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        zoomOnDoubleClick={false}
        connectionRadius={30}
        minZoom={0.1}
        maxZoom={2}
        fitViewOptions={FIT_VIEW}
        proOptions={PRO_OPTIONS}
        defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
        onlyRenderVisibleElements={false}
      >
        <Background variant={BackgroundVariant.Dots} gap={16} size={1} />
        <canvas ref={overview} className="canvas__overview" role="img" aria-label={`Overview of ${layerCount} layers: zoom in to read and connect them`} />
        <Controls showInteractive={false} />
        <MiniMap position="bottom-right" style={MINIMAP_SIZE} pannable zoomable ariaLabel="Minimap" className="minimap" nodeStrokeWidth={3} bgColor="var(--bg-panel)" maskColor="var(--minimap-mask)" nodeColor="var(--minimap-node)" />
        <CanvasToolbar />
      </ReactFlow>
      <QuickAdd />
      <GroupDialog />
      <CardMenu />
      <BackboneBar />
      <ConnectFixPanel />
      <ConnectHint />
      <EmptyCanvasHelp />
    </section>
  );
}
