import { useEffect } from 'react';
import type { EditorStore } from '../state/store';
import { useUi } from '../state/ui';
import { importModel, newProject, openProject, saveProject, saveProjectAs } from './file-actions';
import { isPicking } from '../platform';

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

/** Global keys: undo/redo, delete, and the file shortcuts. */
export function useShortcuts(store: EditorStore): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (useUi.getState().confirm || isPicking()) return; // a modal has the keyboard
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      const editable = isEditable(e.target);
      if (mod && !e.altKey) {
        if (key === 's') {
          e.preventDefault();
          void (e.shiftKey ? saveProjectAs(store) : saveProject(store));
          return;
        }
        if (key === 'o') {
          e.preventDefault();
          void (e.shiftKey ? importModel(store) : openProject(store));
          return;
        }
        if (key === 'n') {
          e.preventDefault();
          void newProject(store);
          return;
        }
        if (editable) return; // fields keep their own undo
        if (key === 'z' && !e.shiftKey) {
          e.preventDefault();
          store.getState().undo();
        } else if ((key === 'z' && e.shiftKey) || key === 'y') {
          e.preventDefault();
          store.getState().redo();
        }
        return;
      }
      if (editable) return;
      if (e.key === 'Delete' || e.key === 'Backspace') {
        const { selection } = store.getState();
        if (selection.nodes.length + selection.edges.length > 0) {
          e.preventDefault();
          store.getState().deleteSelection();
        }
      } else if (e.key === 'Escape') {
        store.getState().select({ nodes: [], edges: [] });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
}
