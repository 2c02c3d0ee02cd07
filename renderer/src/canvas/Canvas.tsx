import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type MouseEvent as ReactMouseEvent } from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection as FlowConnection,
  type Edge,
  type EdgeChange,
  type IsValidConnection,
  type NodeChange,
  type OnConnectEnd,
  type OnNodeDrag,
} from '@xyflow/react';
import type { NodeAnalysis } from '../../../shared/graph/analyze';
import type { GraphEdge, GraphNode } from '../../../shared/graph/document';
import type { Shape } from '../../../shared/layers/types';
import { useEditor, useEditorStore, useTraining } from '../state/context';
import { useAnalysis } from '../state/analysis';
import type { GraphIssue } from '../../../shared/graph/issues';
import { useCanvasUi } from '../state/canvas-ui';
import type { XY } from '../state/history';
import { connectionProblem } from '../../../shared/graph/connect';
import { connectFixes } from '../graph/connect-fixes';
import { ConnectFixPanel } from './ConnectFixPanel';
import { nodeInputPorts } from '../../../shared/graph/node-ports';
import { segmentAt, type Segment } from '../graph/hit';
import { LayerNode, type LayerFlowNode } from './LayerNode';
import { NoteNode, type NoteFlowNode } from './NoteNode';
import { ShapeEdge } from './ShapeEdge';
import { BLOCK_NODE_TYPE } from '../../../shared/graph/block-schema';
import { blockFromDrop, isLayerDrag, layerFromDrop } from './dnd';
import { NODE_SIZE } from './placement';
import { shapeText } from './format';
import { CanvasToolbar } from './CanvasToolbar';
import { QuickAdd } from './QuickAdd';
import { GroupDialog } from './GroupDialog';
import { CardMenu } from './CardMenu';
import { BackboneBar } from './BackboneBar';
import { useCanvasKeys } from './useCanvasKeys';
import { useFarZoomClass } from './useFarZoomClass';
import { useOverview } from './useOverview';
import { useRemeasureLostHandles } from './lost-handles';
import { handleCentre } from './overview';
import { CARD_HANDLES } from './card-handles';
import { FIT_VIEW, MINIMAP } from './fit';

const nodeTypes = { layer: LayerNode, note: NoteNode };
const edgeTypes = { shape: ShapeEdge };
// Object props of <ReactFlow> are constants: a new object on every render (a drag frame re-renders
// the canvas) is copied into React Flow's store, and every edge subscribes to defaultEdgeOptions,
// so a literal here re-rendered all connections on every mouse move.
const DEFAULT_EDGE_OPTIONS = { interactionWidth: 16, type: 'shape' } as const;
const PRO_OPTIONS = { hideAttribution: true } as const;
const MINIMAP_SIZE = { width: MINIMAP.width, height: MINIMAP.height } as const;
type CanvasFlowNode = LayerFlowNode | NoteFlowNode;
const NO_NOTES: readonly never[] = [];
const NO_BLOCKS: readonly never[] = [];
type Size = { width: number; height: number };

function sameShape(a: readonly (number | null)[] | null | undefined, b: readonly (number | null)[] | null | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((d, i) => d === b[i]);
}

/** Same facts on the card: a re-analysis that changed nothing here keeps the card from re-rendering. */
function sameAnalysis(a: NodeAnalysis | undefined, b: NodeAnalysis | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return (
    a.params === b.params &&
    sameShape(a.outputShape, b.outputShape) &&
    a.issues.length === b.issues.length &&
    a.issues.every((i, k) => i.message === b.issues[k]?.message && i.severity === b.issues[k]?.severity)
  );
}

/** The shapes arriving at a Block node's inputs, in port order, as text (`?` where unconnected or unknown). */
function blockInShapes(node: GraphNode, edges: readonly GraphEdge[], shapes: ReadonlyMap<string, Shape | null>): string {
  return nodeInputPorts(node)
    .map((port) => {
      const edge = edges.find((e) => e.target === node.id && e.targetPort === port.name);
      return edge ? shapeText(shapes.get(edge.id)) : '?';
    })
    .join(' · ');
}

/** The React Flow pane: a view of the document; every edit goes through the store. */
export function Canvas() {
  const store = useEditorStore();
  const docNodes = useEditor((s) => s.doc.graph.nodes);
  const docEdges = useEditor((s) => s.doc.graph.edges);
  const docNotes = useEditor((s) => s.doc.notes ?? NO_NOTES);
  const docBlocks = useEditor((s) => s.doc.blocks ?? NO_BLOCKS);
  const selection = useEditor((s) => s.selection);
  const training = useTraining((s) => s.run.status === 'running');
  const { graph: analysis, trainIssues } = useAnalysis();
  // Where the graph no longer fits the data set (class count, input shape): shown on those cards too.
  const misfits = useMemo(() => {
    const by = new Map<string, GraphIssue[]>();
    for (const i of trainIssues) if (i.code === 'DATA_MISMATCH' && i.nodeId) by.set(i.nodeId, [...(by.get(i.nodeId) ?? []), i]);
    return by;
  }, [trainIssues]);
  const { screenToFlowPosition, fitView, getInternalNode } = useReactFlow();
  const baseRev = useEditor((s) => s.baseRev);
  const [measured, setMeasured] = useState<Record<string, Size>>({});
  const dragStart = useRef<Map<string, XY> | null>(null);
  const connectHint = useCanvasUi((s) => s.connectHint);
  const insertTarget = useCanvasUi((s) => s.insertTarget);
  const section = useRef<HTMLElement>(null);
  const overview = useRef<HTMLCanvasElement>(null);
  const pointer = useRef<XY | null>(null);
  const analysisRef = useRef(analysis);
  analysisRef.current = analysis;

  useCanvasKeys(section, pointer);
  useFarZoomClass(section);

  // A project just opened (or a new one): show all of it.
  const firstRev = useRef(baseRev);
  useEffect(() => {
    if (baseRev === firstRev.current) return;
    void fitView(FIT_VIEW);
  }, [baseRev, fitView]);

  // One flow node object per layer, kept while nothing it shows changed, so an
  // edit re-renders only the cards it touches.
  const nodeCache = useRef(new Map<string, LayerFlowNode>());
  const layerNodes = useMemo<LayerFlowNode[]>(() => {
    const selected = new Set(selection.nodes);
    const prev = nodeCache.current;
    const next = new Map<string, LayerFlowNode>();
    const blocks = new Map(docBlocks.map((b) => [b.id, b]));
    const list = docNodes.map((n) => {
      const own = analysis.nodes.get(n.id);
      const misfit = misfits.get(n.id);
      const a = own && misfit ? { ...own, issues: [...own.issues, ...misfit] } : own;
      const block = n.type === BLOCK_NODE_TYPE ? blocks.get(n.params['block'] as string) : undefined;
      const inShapes = n.type === BLOCK_NODE_TYPE ? blockInShapes(n, docEdges, analysis.edgeShapes) : undefined;
      const sel = selected.has(n.id);
      const m = measured[n.id];
      const old = prev.get(n.id);
      const flow =
        old && old.data.node === n && old.data.block === block && old.data.inShapes === inShapes && old.selected === sel && old.measured === m && sameAnalysis(old.data.analysis, a)
          ? old
          : {
              id: n.id,
              type: 'layer' as const,
              position: n.position,
              data: { node: n, analysis: a, block, inShapes },
              selected: sel,
              measured: m,
              ariaLabel: `${n.name ?? n.type} layer`,
            };
      next.set(n.id, flow);
      return flow;
    });
    nodeCache.current = next;
    return list;
  }, [docNodes, docEdges, docBlocks, analysis, misfits, selection.nodes, measured]);

  // Notes go first so layers (and their handles) stay on top where they overlap.
  const nodes = useMemo<CanvasFlowNode[]>(() => {
    if (docNotes.length === 0) return layerNodes;
    const selected = new Set(selection.nodes);
    const notes = docNotes.map<NoteFlowNode>((n) => ({
      id: n.id,
      type: 'note',
      position: n.position,
      data: { note: n },
      selected: selected.has(n.id),
      measured: measured[n.id],
      ariaLabel: 'Note',
      dragHandle: '.note-node__head',
    }));
    return [...notes, ...layerNodes];
  }, [docNotes, layerNodes, selection.nodes, measured]);
  useRemeasureLostHandles(nodes);

  const badEdges = useMemo(() => new Set(analysis.issues.flatMap((i) => (i.edgeId && i.severity === 'error' ? [i.edgeId] : []))), [analysis]);

  const edgeCache = useRef(new Map<string, Edge>());
  const edges = useMemo<Edge[]>(() => {
    const selected = new Set(selection.edges);
    const prev = edgeCache.current;
    const next = new Map<string, Edge>();
    const list = docEdges.map((e) => {
      const shape = analysis.edgeShapes.get(e.id);
      const label = shape ? shapeText(shape) : undefined;
      const className = [badEdges.has(e.id) ? 'is-error' : '', insertTarget === e.id ? 'is-insert-target' : ''].filter(Boolean).join(' ') || undefined;
      const sel = selected.has(e.id);
      const old = prev.get(e.id);
      const flow: Edge =
        old && old.source === e.source && old.target === e.target && old.targetHandle === e.targetPort && old.label === label && old.className === className && old.selected === sel && old.animated === training
          ? old
          : {
              id: e.id,
              source: e.source,
              target: e.target,
              sourceHandle: 'out',
              targetHandle: e.targetPort,
              selected: sel,
              label,
              className,
              animated: training,
              ariaLabel: `Connection ${e.source} to ${e.target}`,
            };
      next.set(e.id, flow);
      return flow;
    });
    edgeCache.current = next;
    return list;
  }, [docEdges, analysis, selection.edges, badEdges, training, insertTarget]);

  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasFlowNode>[]) => {
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
      if (Object.keys(sizes).length > 0) {
        setMeasured((m) => {
          const changed = Object.entries(sizes).some(([id, s]) => m[id]?.width !== s.width || m[id]?.height !== s.height);
          return changed ? { ...m, ...sizes } : m;
        });
      }
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

  /** Connections as straight segments from output handle to input handle, in flow coordinates. */
  const segments = useCallback((): Segment[] => {
    const out: Segment[] = [];
    for (const e of store.getState().doc.graph.edges) {
      const s = getInternalNode(e.source);
      const t = getInternalNode(e.target);
      if (!s || !t) continue;
      out.push({ id: e.id, a: handleCentre(s, 'source', 'out', CARD_HANDLES), b: handleCentre(t, 'target', e.targetPort, CARD_HANDLES) });
    }
    return out;
  }, [getInternalNode, store]);

  /** The connection a layer with its card centred at `centre` would be spliced into. */
  const edgeUnder = useCallback(
    (centre: XY, nodeId: string | null): string | null => {
      const hit = segmentAt(centre, segments(), 40);
      if (!hit) return null;
      return nodeId === null || store.getState().canInsert(nodeId, hit) ? hit : null;
    },
    [segments, store],
  );

  useOverview(section, overview, edgeUnder);

  const cardCentre = (n: CanvasFlowNode): XY => ({
    x: n.position.x + (n.measured?.width ?? NODE_SIZE.width) / 2,
    y: n.position.y + (n.measured?.height ?? NODE_SIZE.height) / 2,
  });

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

  const toConnection = (c: FlowConnection | Edge) => ({ source: c.source, target: c.target, targetPort: c.targetHandle ?? 'in' });

  const isValidConnection = useCallback<IsValidConnection>(
    (c) => {
      if ((c.sourceHandle ?? 'out') !== 'out') {
        useCanvasUi.getState().setConnectHint('Drag from an output handle (right side) to an input handle (left side).');
        return false;
      }
      const a = analysisRef.current;
      const why = connectionProblem(store.getState().doc.graph, toConnection(c), (id) => ({ outputShape: a.nodes.get(id)?.outputShape }));
      useCanvasUi.getState().setConnectHint(why);
      return why === null;
    },
    [store],
  );

  const hintTimer = useRef<number | null>(null);
  const onConnectStart = useCallback(() => {
    if (hintTimer.current !== null) window.clearTimeout(hintTimer.current);
    useCanvasUi.getState().setConnectHint(null);
    useCanvasUi.getState().setConnectFix(null);
  }, []);
  const onConnectEnd = useCallback<OnConnectEnd>(
    (_e, state) => {
      // A refusal one click can fix (Input 28, 28 into Conv2D) stays, with its fixes, until used or dismissed.
      if (state.isValid === false && state.fromNode && state.toNode && state.toHandle && state.fromHandle?.type === 'source') {
        const c = { source: state.fromNode.id, target: state.toNode.id, targetPort: state.toHandle.id ?? 'in' };
        const a = analysisRef.current;
        const outShape = (id: string) => a.nodes.get(id)?.outputShape;
        const why = connectionProblem(store.getState().doc.graph, c, (id) => ({ outputShape: outShape(id) }));
        const fixes = why ? connectFixes(store.getState().doc.graph, c, outShape) : [];
        if (why && fixes.length > 0) {
          useCanvasUi.getState().setConnectHint(null);
          useCanvasUi.getState().setConnectFix({ message: why, fixes });
          return;
        }
      }
      // Leave a refusal readable for a moment after the mouse is released.
      hintTimer.current = window.setTimeout(() => useCanvasUi.getState().setConnectHint(null), 3000);
    },
    [store],
  );

  const onConnect = useCallback(
    (c: FlowConnection) => {
      store.getState().connect(toConnection(c));
    },
    [store],
  );

  const onDragOver = useCallback(
    (e: DragEvent) => {
      if (!isLayerDrag(e.dataTransfer)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      useCanvasUi.getState().setInsertTarget(edgeUnder(screenToFlowPosition({ x: e.clientX, y: e.clientY }), null));
    },
    [edgeUnder, screenToFlowPosition],
  );

  const onDrop = useCallback(
    (e: DragEvent) => {
      useCanvasUi.getState().setInsertTarget(null);
      const p = screenToFlowPosition({ x: e.clientX, y: e.clientY });
      const block = blockFromDrop(e.dataTransfer);
      if (block) {
        e.preventDefault();
        const into = edgeUnder(p, null);
        store.getState().addBlock(block, { x: Math.round(p.x - NODE_SIZE.width / 2), y: Math.round(p.y - NODE_SIZE.height / 2) }, into ?? undefined);
        return;
      }
      const type = layerFromDrop(e.dataTransfer);
      if (!type) return;
      e.preventDefault();
      const into = edgeUnder(p, null);
      // The drop point becomes the card's centre.
      store.getState().addNode(type, { x: Math.round(p.x - NODE_SIZE.width / 2), y: Math.round(p.y - NODE_SIZE.height / 2) }, into ?? undefined);
    },
    [edgeUnder, screenToFlowPosition, store],
  );

  const onDoubleClick = useCallback(
    (e: ReactMouseEvent) => {
      if (!(e.target instanceof Element) || !e.target.classList.contains('react-flow__pane')) return;
      const rect = section.current?.getBoundingClientRect();
      if (!rect) return;
      useCanvasUi.getState().openQuickAdd({ x: e.clientX - rect.left, y: e.clientY - rect.top }, screenToFlowPosition({ x: e.clientX, y: e.clientY }));
    },
    [screenToFlowPosition],
  );

  const onNodeContextMenu = useCallback((e: ReactMouseEvent, node: CanvasFlowNode) => {
    if (node.type !== 'layer') return;
    e.preventDefault();
    const rect = section.current?.getBoundingClientRect();
    if (!rect) return;
    useCanvasUi.getState().openCardMenu(node.id, { x: e.clientX - rect.left, y: e.clientY - rect.top });
  }, []);

  const onMouseMove = useCallback((e: ReactMouseEvent) => {
    pointer.current = { x: e.clientX, y: e.clientY };
  }, []);

  return (
    <section
      className="canvas"
      aria-label="Canvas"
      ref={section}
      onDragOver={onDragOver}
      onDragLeave={() => useCanvasUi.getState().setInsertTarget(null)}
      onDrop={onDrop}
      onDoubleClick={onDoubleClick}
      onMouseMove={onMouseMove}
    >
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
        <canvas ref={overview} className="canvas__overview" role="img" aria-label={`Overview of ${docNodes.length} layers: zoom in to read and connect them`} />
        <Controls showInteractive={false} />
        <MiniMap position="bottom-right" style={MINIMAP_SIZE} pannable zoomable ariaLabel="Minimap" className="minimap" nodeStrokeWidth={3} bgColor="var(--bg-panel)" maskColor="var(--minimap-mask)" nodeColor="var(--minimap-node)" />
        <CanvasToolbar />
      </ReactFlow>
      <QuickAdd />
      <GroupDialog />
      <CardMenu />
      <BackboneBar />
      <ConnectFixPanel />
      {connectHint ? (
        <div className="connect-hint" role="status" data-testid="connect-hint">
          Can’t connect: {connectHint}
        </div>
      ) : null}
      {docNodes.length === 0 ? (
        <div className="canvas__empty" aria-hidden="true">
          <span>Drag layers from the palette onto the canvas, click one to add it, or start from a template.</span>
          <span>
            Double-click here or press <kbd>/</kbd> to search for a layer; <kbd>?</kbd> lists every shortcut.
          </span>
          <span>Connect an output handle (right) to an input handle (left).</span>
        </div>
      ) : null}
    </section>
  );
}
