import type { ReactFlowInstance } from '@xyflow/react';
import { FIT_VIEW_ANIMATED } from './fit';
import type { EditorStore } from '../state/store';
import { layoutLeftToRight } from '../graph/layout';
import { rememberClip, recalledClip } from '../state/canvas-ui';
import { useUi } from '../state/ui';
import { NODE_SIZE } from './placement';

type Flow = Pick<ReactFlowInstance, 'getInternalNode' | 'fitView'>;

/** Lays the whole graph out left to right (one undo step) and shows all of it. */
export function autoLayout(store: EditorStore, flow: Flow): void {
  const { graph } = store.getState().doc;
  if (graph.nodes.length === 0) return;
  const first = graph.nodes[0]?.position ?? { x: 0, y: 0 };
  const origin = {
    x: Math.min(...graph.nodes.map((n) => n.position.x), first.x),
    y: Math.min(...graph.nodes.map((n) => n.position.y), first.y),
  };
  const positions = layoutLeftToRight(
    graph,
    (id) => {
      const m = flow.getInternalNode(id)?.measured;
      return { width: m?.width ?? NODE_SIZE.width, height: m?.height ?? NODE_SIZE.height };
    },
    origin,
  );
  store.getState().setPositions(positions, 'auto-layout');
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
