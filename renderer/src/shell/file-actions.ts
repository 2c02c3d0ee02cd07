import { getApi, pickOpenPath, pickSavePath } from '../platform';
import type { EditorStore } from '../state/store';
import { errorText, useUi } from '../state/ui';
import { basename, dirname, joinPath, withProjectExt } from './paths';
import { useRecent } from './recent';

/** True when there is nothing unsaved, or the user agrees to lose it. */
export async function confirmDiscard(store: EditorStore, action: string): Promise<boolean> {
  const s = store.getState();
  if (!s.dirty) return true;
  const name = s.filePath ? basename(s.filePath) : s.doc.name;
  return useUi.getState().askConfirm('Unsaved changes', `"${name}" has unsaved changes. ${action} anyway and lose them?`, 'Discard changes');
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
    return true;
  } catch (e) {
    useUi.getState().notify('error', `Could not open ${basename(path)}. ${errorText(e)}`);
    return false;
  }
}

/** Opens a file from the recent list. */
export async function openRecent(store: EditorStore, path: string): Promise<void> {
  if (!(await confirmDiscard(store, 'Open another project'))) return;
  await openPath(store, path);
}

async function saveTo(store: EditorStore, path: string): Promise<boolean> {
  const rev = store.getState().currentRev();
  const doc = store.getState().doc;
  try {
    const result = await getApi().call('project.save', { path, doc });
    store.getState().markSaved(result.path, rev);
    useRecent.getState().add(result.path);
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
