import { getApi, pickFolder } from '../platform';
import type { EditorStore } from '../state/store';
import { isActive } from '../state/training';
import { errorText, useUi } from '../state/ui';

export async function startTraining(store: EditorStore): Promise<void> {
  const s = store.getState();
  if (isActive(s.training)) return;
  s.trainingStarting();
  try {
    const { runId } = await getApi().call('training.start', { doc: store.getState().doc });
    store.getState().trainingStarted(runId);
  } catch (e) {
    store.getState().trainingFailed(`Training could not start: ${errorText(e)}`);
  }
}

export async function stopTraining(store: EditorStore): Promise<void> {
  const { training } = store.getState();
  if (!training.runId || !isActive(training)) return;
  store.getState().trainingStopRequested();
  try {
    await getApi().call('training.stop', { runId: training.runId });
  } catch (e) {
    useUi.getState().notify('error', `Could not stop the run: ${errorText(e)}`);
  }
}

export interface ExportResult {
  readonly outDir: string;
  readonly files: readonly string[];
}

/** Asks for a folder and writes the trained model there; null when cancelled. */
export async function exportModel(store: EditorStore): Promise<ExportResult | null> {
  const { training } = store.getState();
  if (!training.runId) return null;
  const outDir = await pickFolder({ title: 'Export the trained model (TF.js) to a folder', defaultPath: useUi.getState().defaultDir ?? undefined });
  if (!outDir) return null;
  return getApi().call('export.tfjs', { runId: training.runId, outDir });
}
