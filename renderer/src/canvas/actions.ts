import type { ReactFlowInstance } from '@xyflow/react';
import { FIT_VIEW, FIT_VIEW_ANIMATED } from './fit';
import type { XY } from '../state/history';
import type { EditorStore } from '../state/store';
import { layoutLeftToRight, type Size } from '../graph/layout';
import { rememberClip, recalledClip } from '../state/canvas-ui';
import { useUi } from '../state/ui';
import { NODE_SIZE } from './placement';

type Flow = Pick<ReactFlowInstance, 'getInternalNode' | 'fitView'>;

/** The canvas area a fit leaves for cards (its size less the fit's margins for the floating panels), in px. */
function fitArea(): { width: number; height: number } {
  const rect = document.querySelector('.canvas .react-flow')?.getBoundingClientRect();
  const pad = FIT_VIEW.padding;
  const px = (v: string) => Number.parseFloat(v);
  return {
    width: Math.max(200, (rect?.width ?? 900) - px(pad.left) - px(pad.right)),
    height: Math.max(120, (rect?.height ?? 500) - px(pad.top) - px(pad.bottom)),
  };
}

/** The zoom at which `positions` fit `area`, at most 1. */
function fitZoom(positions: Map<string, XY>, sizeOf: (id: string) => Size, area: { width: number; height: number }): number {
  let right = -Infinity;
  let bottom = -Infinity;
  let left = Infinity;
  let top = Infinity;
  for (const [id, p] of positions) {
    const s = sizeOf(id);
    left = Math.min(left, p.x);
    top = Math.min(top, p.y);
    right = Math.max(right, p.x + s.width);
    bottom = Math.max(bottom, p.y + s.height);
  }
  return Math.min(1, area.width / Math.max(1, right - left), area.height / Math.max(1, bottom - top));
}

/**
 * Lays the whole graph out left to right (one undo step) and shows all of it. A long chain wraps
 * into bands, as many as make it largest on screen, so its text stays readable when fitted.
 */
export function autoLayout(store: EditorStore, flow: Flow): void {
  const { graph } = store.getState().doc;
  if (graph.nodes.length === 0) return;
  const first = graph.nodes[0]?.position ?? { x: 0, y: 0 };
  const origin = {
    x: Math.min(...graph.nodes.map((n) => n.position.x), first.x),
    y: Math.min(...graph.nodes.map((n) => n.position.y), first.y),
  };
  const sizeOf = (id: string): Size => {
    const m = flow.getInternalNode(id)?.measured;
    return { width: m?.width ?? NODE_SIZE.width, height: m?.height ?? NODE_SIZE.height };
  };
  const area = fitArea();
  const oneRow = layoutLeftToRight(graph, sizeOf, origin);
  const fullWidth = Math.max(...[...oneRow].map(([id, p]) => p.x + sizeOf(id).width)) - origin.x;
  let best = { positions: oneRow, zoom: fitZoom(oneRow, sizeOf, area) };
  for (let bands = 2; bands <= 8; bands++) {
    const positions = layoutLeftToRight(graph, sizeOf, origin, Math.ceil(fullWidth / bands) + 1);
    const zoom = fitZoom(positions, sizeOf, area);
    if (zoom > best.zoom + 0.01) best = { positions, zoom };
  }
  store.getState().setPositions(best.positions, 'auto-layout');
  window.requestAnimationFrame(() => void flow.fitView(FIT_VIEW_ANIMATED));
}

/** Copies the selected layers: to the system clipboard where allowed, and always to the in-app one. */
export async function copySelection(store: EditorStore): Promise<boolean> {
  const text = store.getState().copySelection();
  if (!text) return false;
  rememberClip(text);
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // The in-app copy still pastes within this window.
  }
  return true;
}

/** Pastes layers from the system clipboard, or from the last in-app copy. */
export async function pasteLayers(store: EditorStore, at?: { x: number; y: number }): Promise<void> {
  let text: string | null = null;
  try {
    text = await navigator.clipboard.readText();
  } catch {
    text = null;
  }
  if (!text || store.getState().paste(text, at) === null) {
    const mine = recalledClip();
    if (!mine || store.getState().paste(mine, at) === null) useUi.getState().notify('info', 'The clipboard holds no Netwright layers to paste.');
  }
}

/** Ungroups the selected Block nodes (each one undo step); says so when none is selected. */
export function ungroupSelection(store: EditorStore): void {
  const { selection } = store.getState();
  const done = selection.nodes.filter((id) => store.getState().ungroup(id));
  if (done.length === 0) useUi.getState().notify('info', 'Select a block to ungroup.');
}
