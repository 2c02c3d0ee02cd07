import { getApi } from '../platform';
import type { EditorStore } from '../state/store';
import { errorText, useUi } from '../state/ui';
import { projectOwner, useBackbone } from '../training/backbone';
import { useRunsRevision } from '../training/runs-revision';

/**
 * A template that ships trained weights (its `backbone`) was opened: they become a run of the new
 * unsaved project and its backbone, as "Use as backbone" makes one, so Train starts from them.
 * Nothing happens when another project was opened meanwhile.
 */
export async function startFromTemplateBackbone(store: EditorStore, name: string): Promise<void> {
  const { draftId } = store.getState();
  try {
    const run = await getApi().call('templates.backbone', { name, draft: draftId });
    const s = store.getState();
    if (s.draftId !== draftId || s.filePath !== null) return;
    useBackbone.getState().set({ runId: run.runId, name: run.name, owner: projectOwner(s) });
    useRunsRevision.getState().bump();
  } catch (e) {
    useUi.getState().notify('error', `The template's trained backbone could not be set up, so Train would start from fresh weights. ${errorText(e)}`);
  }
}
