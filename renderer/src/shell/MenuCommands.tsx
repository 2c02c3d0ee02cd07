import { useEffect } from 'react';
import { FIT_VIEW_ANIMATED } from '../canvas/fit';
import { useReactFlow } from '@xyflow/react';
import { getApi, isPicking } from '../platform';
import { useWorkbench } from '../state/context';
import { useCanvasUi } from '../state/canvas-ui';
import { errorText, useUi } from '../state/ui';
import { autoLayout } from '../canvas/actions';
import { isEditable } from '../canvas/useCanvasKeys';
import { startTraining, stopTraining, togglePause } from '../training/actions';
import { useExportRequest } from '../training/export-request';
import { newProject, openProject, openRecent, saveProject, saveProjectAs } from './file-actions';
import { runMenuCommand, type MenuActions } from './menu-commands';
import { useRecent } from './recent';

/** In a text field, the field's own editing command; else null (the canvas's). */
function fieldCommand(command: 'undo' | 'redo' | 'delete' | 'selectAll'): boolean {
  if (!isEditable(document.activeElement)) return false;
  document.execCommand(command);
  return true;
}

const modalOpen = () => useUi.getState().confirm !== null || isPicking();

/**
 * Runs the desktop app's menu commands (`menu.command` events; none arrive in
 * the browser) with the same actions as the keyboard shortcuts and buttons, and
 * tells the app the recent files for File > Open Recent. Lives inside the
 * ReactFlowProvider (zoom to fit, auto layout).
 */
export function MenuCommands() {
  const workbench = useWorkbench();
  const store = workbench.editor;
  const flow = useReactFlow();

  useEffect(() => {
    const actions: MenuActions = {
      newProject: () => void newProject(workbench),
      openProject: () => void openProject(workbench),
      openPath: (path) => void openRecent(workbench, path),
      save: () => void saveProject(workbench),
      saveAs: () => void saveProjectAs(workbench),
      exportModel: () => useExportRequest.getState().request(),
      undo: () => fieldCommand('undo') || store.getState().undo(),
      redo: () => fieldCommand('redo') || store.getState().redo(),
      duplicate: () => store.getState().duplicateSelection(),
      deleteSelection: () => fieldCommand('delete') || store.getState().deleteSelection(),
      selectAll: () => {
        if (fieldCommand('selectAll')) return;
        const { graph } = store.getState().doc;
        store.getState().select({ nodes: graph.nodes.map((n) => n.id), edges: graph.edges.map((e) => e.id) });
      },
      zoomToFit: () => void flow.fitView(FIT_VIEW_ANIMATED),
      autoLayout: () => autoLayout(store, flow),
      startTraining: () => void startTraining(workbench),
      togglePause: () => void togglePause(workbench.training),
      stopTraining: () => void stopTraining(workbench.training),
      showShortcuts: () => useCanvasUi.getState().setCheatSheet(true),
      showAbout: () => {
        getApi()
          .call('app.info', {})
          .then(
            (info) => useUi.getState().notify('info', `Netwright ${info.version} (${info.mode}, ${info.platform}). Design neural networks by wiring layers, train them locally, export them.`),
            (e: unknown) => useUi.getState().notify('error', `Could not read the app's version: ${errorText(e)}`),
          );
      },
    };
    const off = getApi().on('menu.command', (event) => {
      // A dialog has the focus: file and canvas commands wait for it to close.
      if (modalOpen()) return;
      runMenuCommand(event, actions);
    });
    // The recent files, now and whenever they change. The first call also tells the
    // desktop app this window listens to its menu (a project the system opened waits for it).
    const sendRecent = (paths: readonly string[]) => void getApi().call('app.recentFiles', { paths: [...paths] }).catch(() => undefined);
    sendRecent(useRecent.getState().paths);
    const offRecent = useRecent.subscribe((s, prev) => {
      if (s.paths !== prev.paths) sendRecent(s.paths);
    });
    return () => {
      off();
      offRecent();
    };
  }, [workbench, store, flow]);

  return null;
}
