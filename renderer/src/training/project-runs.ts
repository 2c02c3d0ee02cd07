import { getApi } from '../platform';
import type { Workbench } from '../state/workbench';
import { errorText, useUi } from '../state/ui';
import { useRunsRevision } from './runs-revision';
import { projectOwner, useBackbone } from './backbone';

/**
 * Shows the open project's newest finished run in the dashboard (test results, Evaluation,
 * Try it, Export), as it was when the project was last used. Nothing when it has none, when
 * another document was opened meanwhile, or when a run started meanwhile.
 */
export async function loadLatestRun({ editor, training }: Workbench): Promise<void> {
  const { filePath, baseRev } = editor.getState();
  if (!filePath) return;
  const stillOpen = () => editor.getState().filePath === filePath && editor.getState().baseRev === baseRev;
  try {
    const runs = await getApi().call('runs.list', { projectPath: filePath });
    const latest = runs.find((r) => r.status === 'done' && r.hasModel && r.origin?.kind !== 'evaluated');
    if (!latest || !stillOpen()) return;
    const record = await getApi().call('runs.get', { projectPath: filePath, runId: latest.runId });
    if (stillOpen()) training.getState().loaded(record, filePath);
  } catch {
    // A project without readable runs opens with an empty dashboard.
  }
}

/**
 * The unsaved project was first saved at `projectPath`: its finished runs move beside it (and
 * the shown run with them). A run still training is moved when it ends (see `useAdoptAfterRun`).
 */
export async function adoptDraftRuns({ editor, training }: Workbench, projectPath: string): Promise<void> {
  const { draftId } = editor.getState();
  try {
    const { moved } = await getApi().call('runs.adopt', { draft: draftId, projectPath });
    training.getState().runsMoved(projectPath, moved);
    // The backbone moved with the runs: it stays the project's.
    const backbone = useBackbone.getState().backbone;
    if (backbone && backbone.owner === projectOwner({ filePath: null, draftId }) && moved.includes(backbone.runId)) {
      useBackbone.getState().set({ ...backbone, owner: projectOwner({ filePath: projectPath, draftId }) });
    }
    if (moved.length > 0) useRunsRevision.getState().bump();
  } catch (e) {
    useUi.getState().notify('error', `The project was saved, but its runs could not be moved beside it: ${errorText(e)}`);
  }
}

/**
 * A run that was still training when its unsaved project was first saved stays in the data
 * folder; when it ends, it follows the project too. Returns the unsubscribe.
 */
export function adoptRunsWhenTheyEnd(workbench: Workbench): () => void {
  return workbench.training.subscribe(({ run }, { run: prev }) => {
    const ended = (run.status === 'done' || run.status === 'error') && run.status !== prev.status;
    const { filePath } = workbench.editor.getState();
    if (ended && run.projectPath === null && filePath !== null && run.runId !== null) void adoptDraftRuns(workbench, filePath);
  });
}
