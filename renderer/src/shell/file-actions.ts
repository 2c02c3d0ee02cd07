import { getApi, pickOpenPath, pickSavePath } from '../platform';
import type { Workbench } from '../state/workbench';
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
export async function confirmDiscard(workbench: Workbench, action: string): Promise<boolean> {
  const s = workbench.editor.getState();
  const name = s.filePath ? basename(s.filePath) : s.doc.name;
  if (s.dirty && !(await useUi.getState().askConfirm('Unsaved changes', `"${name}" has unsaved changes. ${action} anyway and lose them?`, 'Discard changes'))) return false;
  if (isActive(workbench.training.getState().run)) {
    const stop = await useUi.getState().askConfirm('A run is training', `A run of "${name}" is still training. Stop it to ${action.toLowerCase()}?`, 'Stop the run');
    if (!stop) return false;
    await stopTraining(workbench.training);
  }
  return true;
}

/** Where a picker starts: the open project's folder, else the back end's default folder (waited for while the page connects). */
async function startDir(workbench: Workbench): Promise<string | undefined> {
  const path = workbench.editor.getState().filePath;
  return path ? dirname(path) : ((await useUi.getState().whenDefaultDir()) ?? undefined);
}

export async function newProject(workbench: Workbench): Promise<void> {
  if (await confirmDiscard(workbench, 'Start a new project')) workbench.editor.getState().newProject();
}

export async function openProject(workbench: Workbench): Promise<void> {
  if (!(await confirmDiscard(workbench, 'Open another project'))) return;
  let path: string | null;
  try {
    path = await pickOpenPath({ title: 'Open a Netwright project', defaultPath: await startDir(workbench) });
  } catch (e) {
    useUi.getState().notify('error', `Could not show the file picker: ${errorText(e)}`);
    return;
  }
  if (!path) return;
  await openPath(workbench, path);
}

/** Opens `path`; on failure the open project stays as it was and the message says why. */
async function openPath(workbench: Workbench, path: string): Promise<boolean> {
  try {
    const result = await getApi().call('project.open', { path });
    workbench.editor.getState().loadProject(result.doc, result.path);
    useRecent.getState().add(result.path);
    void loadLatestRun(workbench);
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
export async function importModel(workbench: Workbench): Promise<void> {
  if (!(await confirmDiscard(workbench, 'Import a model'))) return;
  let path: string | null;
  try {
    path = await pickOpenPath({ title: 'Import a model (TF.js/Keras model.json or .onnx)', defaultPath: await startDir(workbench) });
  } catch (e) {
    useUi.getState().notify('error', `Could not show the file picker: ${errorText(e)}`);
    return;
  }
  if (!path) return;
  try {
    const result = await getApi().call('project.import', { path });
    workbench.editor.getState().loadProject(result.doc, result.path);
    useRecent.getState().add(result.path);
    void loadLatestRun(workbench);
    const weights = result.runId ? ' Its weights are the run "imported" in the Runs tab: evaluate or fine-tune them there.' : ' It had no weights to import.';
    useUi.getState().notify('info', `Imported ${basename(path)} as ${basename(result.path)}: ${result.doc.graph.nodes.length} layers, ${result.totalParams.toLocaleString('en-US')} parameters.${weights}`);
    for (const w of result.warnings.slice(0, 3)) useUi.getState().notify('info', w);
  } catch (e) {
    useUi.getState().notify('error', `Could not import ${basename(path)}. ${errorText(e)}`);
  }
}

/** Opens a file from the recent list. */
export async function openRecent(workbench: Workbench, path: string): Promise<void> {
  if (!(await confirmDiscard(workbench, 'Open another project'))) return;
  await openPath(workbench, path);
}

async function saveTo(workbench: Workbench, path: string): Promise<boolean> {
  const rev = workbench.editor.getState().currentRev();
  const { doc, filePath: before } = workbench.editor.getState();
  try {
    const result = await getApi().call('project.save', { path, doc });
    workbench.editor.getState().markSaved(result.path, rev);
    useRecent.getState().add(result.path);
    // First saved: the runs it made while unsaved go with it.
    if (before === null) await adoptDraftRuns(workbench, result.path);
    return true;
  } catch (e) {
    useUi.getState().notify('error', `Could not save the project. ${errorText(e)}`);
    return false;
  }
}

export async function saveProjectAs(workbench: Workbench): Promise<boolean> {
  const dir = await startDir(workbench);
  const s = workbench.editor.getState();
  const suggested = s.filePath ?? (dir ? joinPath(dir, `${s.doc.name || 'Untitled'}.nwproj`) : undefined);
  let path: string | null;
  try {
    path = await pickSavePath({ title: 'Save the project as', defaultPath: suggested });
  } catch (e) {
    useUi.getState().notify('error', `Could not show the file picker: ${errorText(e)}`);
    return false;
  }
  if (!path) return false;
  return saveTo(workbench, withProjectExt(path));
}

export async function saveProject(workbench: Workbench): Promise<boolean> {
  const path = workbench.editor.getState().filePath;
  return path ? saveTo(workbench, path) : saveProjectAs(workbench);
}
