import { useEffect, type RefObject } from 'react';
import { useReactFlow, useStoreApi } from '@xyflow/react';
import { getLayerSpec } from '../../../shared/layers/registry';
import { BLOCK_NODE_TYPE } from '../../../shared/graph/block-schema';
import type { LayerNodeData } from './LayerNode';
import type { NoteNodeData } from './NoteNode';
import { shapeText } from './format';
import { CARD_HANDLES } from './card-handles';
import { useEditorStore } from '../state/context';
import { useCanvasUi } from '../state/canvas-ui';
import type { XY } from '../state/history';
import { cardAt, clickSelection, OVERVIEW_MIN_CARDS, paneToFlow, overviewScene, overviewSwitch, shiftScene, type Describe, type FlowNodeLike, type OverviewCard, type OverviewScene } from './overview';
import { drawOverview, type OverviewColours } from './overview-draw';

/** A drag starts once the pointer has moved this far, so that a click stays a click. */
const DRAG_THRESHOLD_PX = 3;

const describe: Describe = (n) => {
  if (n.type === 'note') {
    const text = (n.data as NoteNodeData).note.text;
    return { kind: 'note', title: text.split('\n')[0] ?? '', detail: '', issue: null };
  }
  const { node, analysis, block } = n.data as LayerNodeData;
  const title = node.type === BLOCK_NODE_TYPE ? (node.name ?? block?.name ?? 'Block') : (node.name ?? getLayerSpec(node.type)?.label ?? node.type);
  const issues = analysis?.issues ?? [];
  const issue = issues.some((i) => i.severity === 'error') ? 'error' : issues.length > 0 ? 'warning' : null;
  return { kind: 'layer', title, detail: shapeText(analysis?.outputShape), issue };
};

type Theme = { colours: OverviewColours; fonts: { sans: string; mono: string } };

function readTheme(el: Element): Theme {
  const css = getComputedStyle(el);
  const v = (name: string, def: string) => css.getPropertyValue(name).trim() || def;
  const colours = {
    card: v('--node-bg', '#ffffff'),
    head: v('--node-head', '#f6f7f9'),
    border: v('--border-strong', '#b9bfc7'),
    accent: v('--accent', '#2f6fe4'),
    danger: v('--danger', '#cf2f2f'),
    warning: v('--warning', '#b7791f'),
    link: v('--fg-muted', '#656d76'),
    text: v('--fg', '#1f2328'),
    note: v('--note-bg', '#fff8c5'),
    noteBorder: v('--note-border', '#e3d27a'),
  };
  return { colours, fonts: { sans: v('--font', 'system-ui, sans-serif'), mono: v('--mono', 'monospace') } };
}

/**
 * The overview (overview.ts): a graph of OVERVIEW_MIN_CARDS cards or more, below OVERVIEW_ZOOM,
 * gets `is-overview`, which makes the browser skip React Flow's cards and connections, and
 * `canvas` draws the graph instead. Cards are hit-tested here, so a card can still be selected
 * (click, Shift/Ctrl/Cmd-click), dragged (with the selection, inserted into a connection it is
 * dropped on, one undo step) and double-clicked to zoom in to it. Empty canvas is left to React Flow (pan, box selection, click to deselect).
 */
export function useOverview(section: RefObject<HTMLElement | null>, canvasRef: RefObject<HTMLCanvasElement | null>, edgeUnder: (centre: XY, nodeId: string) => string | null): void {
  const flow = useStoreApi();
  const editor = useEditorStore();
  const { setCenter } = useReactFlow();

  useEffect(() => {
    const el = section.current;
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!el || !canvas || !ctx) return;

    let scene: OverviewScene | null = null;
    let sceneOf: { nodes: unknown; edges: unknown } = { nodes: null, edges: null };
    let theme: Theme | null = null;
    let size = { width: 0, height: 0, dpr: 1 };
    let frame = 0;
    /** A drag in progress: the cards it moves and by how much, drawn without touching the document. */
    let preview: { ids: ReadonlySet<string>; delta: XY } | null = null;

    const currentScene = (): OverviewScene => {
      const s = flow.getState();
      if (!scene || sceneOf.nodes !== s.nodes || sceneOf.edges !== s.edges) {
        scene = overviewScene(s.nodeLookup.values() as Iterable<FlowNodeLike>, s.edges, describe, CARD_HANDLES);
        sceneOf = { nodes: s.nodes, edges: s.edges };
      }
      return scene;
    };
    const draw = () => {
      frame = 0;
      if (!sw.on || size.width === 0) return;
      theme ??= readTheme(el);
      const [x, y, zoom] = flow.getState().transform;
      const scene = preview ? shiftScene(currentScene(), preview.ids, preview.delta) : currentScene();
      drawOverview(ctx, scene, { x, y, zoom }, size, theme.colours, theme.fonts);
    };
    const schedule = () => {
      if (frame === 0) frame = requestAnimationFrame(draw);
    };

    const sw = overviewSwitch((on) => {
      // The class also shows the canvas (editor.css): it keeps its size and buffer while hidden.
      el.classList.toggle('is-overview', on);
      if (!on) el.classList.remove('is-over-card');
      if (on) draw();
      else ctx.clearRect(0, 0, canvas.width, canvas.height);
    });
    /** A large graph, every card measured. */
    const allowed = () => {
      const s = flow.getState();
      return s.nodes.length >= OVERVIEW_MIN_CARDS && s.nodesInitialized;
    };
    sw.update(flow.getState().transform[2], allowed());
    const unsubscribe = flow.subscribe((s, prev) => {
      sw.update(s.transform[2], allowed());
      if (sw.on && (s.transform !== prev.transform || s.nodes !== prev.nodes || s.edges !== prev.edges)) schedule();
    });

    const resize = new ResizeObserver(([entry]) => {
      if (!entry) return;
      const dpr = window.devicePixelRatio || 1;
      size = { width: entry.contentRect.width, height: entry.contentRect.height, dpr };
      canvas.width = Math.round(size.width * dpr);
      canvas.height = Math.round(size.height * dpr);
      draw();
    });
    resize.observe(canvas);
    const scheme = window.matchMedia('(prefers-color-scheme: dark)');
    const onTheme = () => {
      theme = null;
      schedule();
    };
    scheme.addEventListener('change', onTheme);

    /** The card under a pointer event on the empty pane, in the overview. */
    const hit = (e: MouseEvent): OverviewCard | null => {
      if (!sw.on || !(e.target instanceof Element) || !el.contains(e.target) || !e.target.closest('.react-flow__pane')) return null;
      const s = flow.getState();
      const box = s.domNode?.getBoundingClientRect();
      if (!box) return null;
      return cardAt(currentScene().cards, paneToFlow({ x: e.clientX, y: e.clientY }, box, s.transform));
    };

    let swallowClick = false;
    let endDrag: (() => void) | null = null;
    const onPointerDown = (e: PointerEvent) => {
      swallowClick = false;
      if (e.button !== 0) return;
      const card = hit(e);
      if (!card) return;
      // Ours: React Flow must not start a pan, and its pane click must not clear the selection.
      e.stopPropagation();
      e.preventDefault();
      swallowClick = true;
      const next = clickSelection(editor.getState().selection, card.id, e.shiftKey || e.ctrlKey || e.metaKey);
      if (next) editor.getState().select(next);
      const picked = editor.getState().selection.nodes;
      if (!picked.includes(card.id)) return;
      const moving = new Set(picked);
      const doc = editor.getState().doc;
      const from = new Map<string, XY>();
      for (const n of [...doc.graph.nodes, ...(doc.notes ?? [])]) if (moving.has(n.id)) from.set(n.id, { x: n.position.x, y: n.position.y });
      const zoom = flow.getState().transform[2];
      const single = from.size === 1 && card.kind === 'layer' ? card : null;
      let dragging = false;
      let delta: XY = { x: 0, y: 0 };
      const at = from.get(card.id) ?? { x: card.x, y: card.y };
      const centre = (): XY => ({ x: at.x + delta.x + card.width / 2, y: at.y + delta.y + card.height / 2 });
      // The cards move on the canvas only (React Flow's cards are skipped here anyway); the
      // document takes the new positions once, on release, as one undo step.
      const move = (m: PointerEvent) => {
        const dx = m.clientX - e.clientX;
        const dy = m.clientY - e.clientY;
        if (!dragging && Math.hypot(dx, dy) < DRAG_THRESHOLD_PX) return;
        dragging = true;
        delta = { x: dx / zoom, y: dy / zoom };
        preview = { ids: moving, delta };
        schedule();
        if (single) useCanvasUi.getState().setInsertTarget(edgeUnder(centre(), single.id));
      };
      const up = () => {
        endDrag?.();
        if (!dragging) return;
        const into = single ? edgeUnder(centre(), single.id) : null;
        preview = null;
        useCanvasUi.getState().setInsertTarget(null);
        const to = new Map<string, XY>();
        for (const [id, p] of from) to.set(id, { x: p.x + delta.x, y: p.y + delta.y });
        editor.getState().dragNodes(to);
        editor.getState().endMove(from, into ?? undefined);
        schedule();
      };
      endDrag = () => {
        window.removeEventListener('pointermove', move);
        window.removeEventListener('pointerup', up);
        window.removeEventListener('pointercancel', up);
        endDrag = null;
      };
      window.addEventListener('pointermove', move);
      window.addEventListener('pointerup', up);
      window.addEventListener('pointercancel', up);
    };
    const onClick = (e: MouseEvent) => {
      if (!swallowClick) return;
      swallowClick = false;
      e.stopPropagation();
    };
    const onDoubleClick = (e: MouseEvent) => {
      const card = hit(e);
      if (!card) return;
      e.stopPropagation();
      void setCenter(card.x + card.width / 2, card.y + card.height / 2, { zoom: 1, duration: 200 });
    };
    const onHover = (e: PointerEvent) => {
      if (sw.on && e.buttons === 0) el.classList.toggle('is-over-card', hit(e) !== null);
    };
    // On the window, in the capture phase: ahead of React's own capture listeners at the root, where
    // React Flow's pane starts a box selection while Shift is held.
    window.addEventListener('pointerdown', onPointerDown, true);
    el.addEventListener('click', onClick, true);
    el.addEventListener('dblclick', onDoubleClick, true);
    el.addEventListener('pointermove', onHover);

    return () => {
      unsubscribe();
      sw.dispose();
      resize.disconnect();
      scheme.removeEventListener('change', onTheme);
      window.removeEventListener('pointerdown', onPointerDown, true);
      el.removeEventListener('click', onClick, true);
      el.removeEventListener('dblclick', onDoubleClick, true);
      el.removeEventListener('pointermove', onHover);
      endDrag?.();
      preview = null;
      if (frame !== 0) cancelAnimationFrame(frame);
      el.classList.remove('is-overview', 'is-over-card');
    };
  }, [flow, editor, section, canvasRef, edgeUnder, setCenter]);
}
