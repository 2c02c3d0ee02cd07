import { getApi, pickOpenPath, pickSavePath } from '../platform';
import type { EditorStore } from '../state/store';
import { errorText, useUi } from '../state/ui';
import { basename, dirname, joinPath, withProjectExt } from './paths';
import { useRecent } from './recent';
import { isActive } from '../state/training';
import { stopTraining } from '../training/actions';
import { adoptDraftRuns, loadLatestRun } from '../training/project-runs';

/**
 * True when the open project may be left: nothing unsaved (or the user agrees to lose it), and
 * no run training (or the user agrees to stop it: the dashboard shows only the open project's runs).
 */
export async function confirmDiscard(store: EditorStore, action: string): Promise<boolean> {
  const s = store.getState();
  const name = s.filePath ? basename(s.filePath) : s.doc.name;
  if (s.dirty && !(await useUi.getState().askConfirm('Unsaved changes', `"${name}" has unsaved changes. ${action} anyway and lose them?`, 'Discard changes'))) return false;
  if (isActive(store.getState().training)) {
    const stop = await useUi.getState().askConfirm('A run is training', `A run of "${name}" is still training. Stop it to ${action.toLowerCase()}?`, 'Stop the run');
    if (!stop) return false;
    await stopTraining(store);
  }
  return true;
}

function startDir(store: EditorStore): string | undefined {
  const path = store.getState().filePath;
  return path ? dirname(path) : (useUi.getState().defaultDir ?? undefined);
}

export async function newProject(store: EditorStore): Promise<void> {
  if (await confirmDiscard(store, 'Start a new project')) store.getState().newProject();
}

export async function openProject(store: EditorStore): Promise<void> {
  if (!(await confirmDiscard(store, 'Open another project'))) return;
  let path: string | null;
  try {
    path = await pickOpenPath({ title: 'Open a Netwright project', defaultPath: startDir(store) });
  } catch (e) {
    useUi.getState().notify('error', `Could not show the file picker: ${errorText(e)}`);
    return;
  }
  if (!path) return;
  await openPath(store, path);
}

/** Opens `path`; on failure the open project stays as it was and the message says why. */
async function openPath(store: EditorStore, path: string): Promise<boolean> {
  try {
    const result = await getApi().call('project.open', { path });
    store.getState().loadProject(result.doc, result.path);
    useRecent.getState().add(result.path);
    void loadLatestRun(store);
    return true;
  } catch (e) {
    useUi.getState().notify('error', `Could not open ${basename(path)}. ${errorText(e)}`);
    return false;
  }
}

/**
 * Imports a TF.js/Keras model.json or an ONNX model: the back end writes a new project beside it
 * (laid out, its weights kept as a run of it), which then opens on the canvas.
 */
export async function importModel(store: EditorStore): Promise<void> {
  if (!(await confirmDiscard(store, 'Import a model'))) return;
  let path: string | null;
  try {
    path = await pickOpenPath({ title: 'Import a model (TF.js/Keras model.json or .onnx)', defaultPath: startDir(store) });
  } catch (e) {
    useUi.getState().notify('error', `Could not show the file picker: ${errorText(e)}`);
    return;
  }
  if (!path) return;
  try {
    const result = await getApi().call('project.import', { path });
    store.getState().loadProject(result.doc, result.path);
    useRecent.getState().add(result.path);
    void loadLatestRun(store);
    const weights = result.runId ? ' Its weights are the run "imported" in the Runs tab: evaluate or fine-tune them there.' : ' It had no weights to import.';
    useUi.getState().notify('info', `Imported ${basename(path)} as ${basename(result.path)}: ${result.doc.graph.nodes.length} layers, ${result.totalParams.toLocaleString('en-US')} parameters.${weights}`);
    for (const w of result.warnings.slice(0, 3)) useUi.getState().notify('info', w);
  } catch (e) {
    useUi.getState().notify('error', `Could not import ${basename(path)}. ${errorText(e)}`);
  }
}

/** Opens a file from the recent list. */
export async function openRecent(store: EditorStore, path: string): Promise<void> {
  if (!(await confirmDiscard(store, 'Open another project'))) return;
  await openPath(store, path);
}

async function saveTo(store: EditorStore, path: string): Promise<boolean> {
  const rev = store.getState().currentRev();
  const { doc, filePath: before } = store.getState();
  try {
    const result = await getApi().call('project.save', { path, doc });
    store.getState().markSaved(result.path, rev);
    useRecent.getState().add(result.path);
    // First saved: the runs it made while unsaved go with it.
    if (before === null) await adoptDraftRuns(store, result.path);
    return true;
  } catch (e) {
    useUi.getState().notify('error', `Could not save the project. ${errorText(e)}`);
    return false;
  }
}

export async function saveProjectAs(store: EditorStore): Promise<boolean> {
  const s = store.getState();
  const dir = startDir(store);
  const suggested = s.filePath ?? (dir ? joinPath(dir, `${s.doc.name || 'Untitled'}.nwproj`) : undefined);
  let path: string | null;
  try {
    path = await pickSavePath({ title: 'Save the project as', defaultPath: suggested });
  } catch (e) {
    useUi.getState().notify('error', `Could not show the file picker: ${errorText(e)}`);
    return false;
  }
  if (!path) return false;
  return saveTo(store, withProjectExt(path));
}

export async function saveProject(store: EditorStore): Promise<boolean> {
  const path = store.getState().filePath;
  return path ? saveTo(store, path) : saveProjectAs(store);
}
