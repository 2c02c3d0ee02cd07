import { useEffect } from 'react';
import type { Workbench } from '../state/workbench';
import { useUi } from '../state/ui';
import { importModel, newProject, openProject, saveProject, saveProjectAs } from './file-actions';
import { isPicking } from '../platform';

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

/** Global keys: undo/redo, delete, and the file shortcuts. */
export function useShortcuts(workbench: Workbench): void {
  const store = workbench.editor;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (useUi.getState().confirm || isPicking()) return; // a modal has the keyboard
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      const editable = isEditable(e.target);
      if (mod && !e.altKey) {
        if (key === 's') {
          e.preventDefault();
          void (e.shiftKey ? saveProjectAs(workbench) : saveProject(workbench));
          return;
        }
        if (key === 'o') {
          e.preventDefault();
          void (e.shiftKey ? importModel(workbench) : openProject(workbench));
          return;
        }
        if (key === 'n') {
          e.preventDefault();
          void newProject(workbench);
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
  }, [workbench, store]);
}
