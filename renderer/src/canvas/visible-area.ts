import type { XY } from '../state/history';
import { findFreeSpot, fitsIn, NEW_CARD_SIZE, NODE_SIZE, type Box } from './placement';

/** What the placement needs from React Flow: screen to flow coordinates and the cards' measured sizes. */
export interface FlowView {
  screenToFlowPosition(p: XY): XY;
  getInternalNode(id: string): { measured?: { width?: number; height?: number } } | undefined;
}

/** The panels floating over the canvas (toolbar, minimap, zoom controls): a card placed under one is hidden. */
export const CANVAS_OVERLAYS = ['.canvas-toolbar', '.react-flow__minimap', '.react-flow__controls'] as const;

function flowBox(view: FlowView, r: DOMRect): Box {
  const a = view.screenToFlowPosition({ x: r.left, y: r.top });
  const b = view.screenToFlowPosition({ x: r.right, y: r.bottom });
  return { x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y };
}

/**
 * Where a layer added without a drop point goes: the first free spot in the visible part of the
 * canvas, treating the floating toolbar, minimap and zoom controls as taken. `fits` is false
 * when the view is full and the spot is below everything: the caller then brings it into view.
 */
export function freeSpotInView(view: FlowView, nodes: readonly { id: string; position: XY }[]): { at: XY; fits: boolean } {
  const pane = document.querySelector('.canvas .react-flow');
  const rect = pane?.getBoundingClientRect();
  const visible: Box = rect ? flowBox(view, rect) : { x: 0, y: 0, width: 800, height: 400 };
  const taken: Box[] = nodes.map((n) => {
    const m = view.getInternalNode(n.id)?.measured;
    return { ...n.position, width: m?.width ?? NODE_SIZE.width, height: m?.height ?? NODE_SIZE.height };
  });
  for (const selector of CANVAS_OVERLAYS) {
    const el = pane?.querySelector(selector);
    // The toolbar panel spans the pane's width; what covers cards is its visible bar.
    const bar = el?.firstElementChild && selector === '.canvas-toolbar' ? el.firstElementChild : el;
    if (bar) taken.push(flowBox(view, bar.getBoundingClientRect()));
  }
  const at = findFreeSpot(taken, visible, NEW_CARD_SIZE);
  return { at, fits: fitsIn(at, NEW_CARD_SIZE, visible) };
}
