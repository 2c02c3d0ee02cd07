import { toggleStepMode } from '../step/step-actions';
import { useEffect, useRef, type RefObject } from 'react';
import { FIT_VIEW_ANIMATED } from './fit';
import { useReactFlow } from '@xyflow/react';
import { useEditorStore, useWorkbench } from '../state/context';
import { useCanvasUi, rememberClip, recalledClip } from '../state/canvas-ui';
import { useUi } from '../state/ui';
import { isPicking } from '../platform';
import type { XY } from '../state/history';
import { autoLayout, ungroupSelection } from './actions';
import { keyedSpot, pointIn } from './card-geometry';

export function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

const modalOpen = () => useUi.getState().confirm !== null || isPicking() || useCanvasUi.getState().templates || useCanvasUi.getState().groupDialog;

/**
 * Canvas keys (see the cheat sheet, `?`): quick add, fit, layout, select all,
 * duplicate, rename, and copy/cut/paste through the clipboard events, so that
 * layers travel as JSON text between projects and windows. What a key adds goes
 * where the pointer is over `section`, else to its centre.
 */
export function useCanvasKeys(section: RefObject<HTMLElement | null>): void {
  const store = useEditorStore();
  const workbench = useWorkbench();
  const flow = useReactFlow();
  /** The last pointer position over the canvas section, in client coordinates. */
  const pointer = useRef<XY | null>(null);

  useEffect(() => {
    const onMouseMove = (e: MouseEvent) => {
      pointer.current = { x: e.clientX, y: e.clientY };
    };
    /** Where keyboard-added things go: the pointer when it is over the canvas, else the centre. */
    const spot = () => {
      const rect = section.current?.getBoundingClientRect();
      if (!rect) return null;
      const client = keyedSpot(rect, pointer.current);
      return { client, screen: pointIn(rect, client), flow: flow.screenToFlowPosition(client) };
    };

    const onKey = (e: KeyboardEvent) => {
      if (modalOpen() || isEditable(e.target)) return;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && !e.altKey) {
        const key = e.key.toLowerCase();
        if (key === 'a') {
          e.preventDefault();
          store.getState().select({ nodes: store.getState().doc.graph.nodes.map((n) => n.id), edges: store.getState().doc.graph.edges.map((x) => x.id) });
        } else if (key === 'd') {
          e.preventDefault();
          store.getState().duplicateSelection();
        } else if (key === 'g' && e.shiftKey) {
          e.preventDefault();
          ungroupSelection(store);
        } else if (key === 'g') {
          e.preventDefault();
          if (store.getState().selection.nodes.length > 0) useCanvasUi.getState().setGroupDialog(true);
        }
        return;
      }
      if (e.altKey) return;
      if (e.key === '/') {
        const s = spot();
        if (!s) return;
        e.preventDefault();
        useCanvasUi.getState().openQuickAdd(s.screen, s.flow);
      } else if ((e.key === 'n' || e.key === 'N') && !e.shiftKey) {
        const s = spot();
        if (!s) return;
        e.preventDefault();
        store.getState().addNote(s.flow);
      } else if (e.key === '?') {
        e.preventDefault();
        useCanvasUi.getState().setCheatSheet(true);
      } else if (e.key === 'f' || e.key === 'F') {
        e.preventDefault();
        if (!e.shiftKey) void flow.fitView(FIT_VIEW_ANIMATED);
        else {
          // Shift+F: the selected cards (in the overview, a click and Shift+F make one readable).
          const selected = store.getState().selection.nodes;
          if (selected.length > 0) void flow.fitView({ ...FIT_VIEW_ANIMATED, nodes: selected.map((id) => ({ id })) });
        }
      } else if ((e.key === 'S' || e.key === 's') && e.shiftKey) {
        e.preventDefault();
        toggleStepMode(workbench);
      } else if (e.key === 'L' && e.shiftKey) {
        e.preventDefault();
        autoLayout(store, flow);
      } else if (e.key === 'F2') {
        const field = document.querySelector<HTMLInputElement>('[data-rename-field]');
        if (field) {
          e.preventDefault();
          field.focus();
          field.select();
        }
      }
    };

    const onCopy = (e: ClipboardEvent, cut: boolean) => {
      if (modalOpen() || isEditable(e.target) || window.getSelection()?.toString()) return;
      const text = store.getState().copySelection();
      if (!text) return;
      e.preventDefault();
      e.clipboardData?.setData('text/plain', text);
      rememberClip(text);
      if (cut) store.getState().deleteSelection();
    };
    const onPaste = (e: ClipboardEvent) => {
      if (modalOpen() || isEditable(e.target)) return;
      const text = e.clipboardData?.getData('text/plain') || recalledClip();
      if (!text) return;
      const s = spot();
      const placed = store.getState().paste(text, s ? s.flow : undefined);
      if (placed) e.preventDefault();
      else useUi.getState().notify('info', 'The clipboard holds no Netwright layers to paste.');
    };
    const copy = (e: ClipboardEvent) => onCopy(e, false);
    const cut = (e: ClipboardEvent) => onCopy(e, true);
    const el = section.current;
    el?.addEventListener('mousemove', onMouseMove);
    window.addEventListener('keydown', onKey);
    document.addEventListener('copy', copy);
    document.addEventListener('cut', cut);
    document.addEventListener('paste', onPaste);
    return () => {
      el?.removeEventListener('mousemove', onMouseMove);
      window.removeEventListener('keydown', onKey);
      document.removeEventListener('copy', copy);
      document.removeEventListener('cut', cut);
      document.removeEventListener('paste', onPaste);
    };
  }, [flow, section, store, workbench]);
}
