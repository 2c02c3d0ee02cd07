import { getApi, pickFolder } from '../platform';
import type { ExportFormat, ExportResult } from '../../../shared/export/result';
import type { EditorStore } from '../state/store';
import { isActive } from '../state/training';
import { errorText, useUi } from '../state/ui';
import { backboneFor } from './backbone';

/**
 * Starts a run; `initialWeights`: from a run's saved weights (fine-tuning), or only evaluating them.
 * Without it, a run chosen as the project's backbone ("Use as backbone") gives the weights.
 */
export async function startTraining(store: EditorStore, given?: { runId: string; evaluateOnly: boolean }): Promise<void> {
  const s = store.getState();
  if (isActive(s.training)) return;
  const backbone = backboneFor(s);
  const initialWeights = given ?? (backbone ? { runId: backbone.runId, evaluateOnly: false } : undefined);
  s.trainingStarting();
  try {
    const { doc, filePath, draftId } = store.getState();
    // Runs are kept beside a saved project (unsaved ones in the data folder, marked with the draft's id).
    const { runId, name } = await getApi().call('training.start', { doc, projectPath: filePath, ...(filePath ? {} : { draft: draftId }), ...(initialWeights ? { initialWeights } : {}) });
    store.getState().trainingStarted(runId, name);
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

/** Pauses after the current batch, or resumes. */
export async function togglePause(store: EditorStore): Promise<void> {
  const { training } = store.getState();
  if (!training.runId || training.status !== 'running') return;
  const runId = training.runId;
  try {
    if (training.paused) {
      const r = await getApi().call('training.resume', { runId });
      if (r.resumed) store.getState().trainingPaused(false);
    } else {
      const r = await getApi().call('training.pause', { runId });
      if (r.paused) store.getState().trainingPaused(true);
    }
  } catch (e) {
    useUi.getState().notify('error', `Could not ${training.paused ? 'resume' : 'pause'} the run: ${errorText(e)}`);
  }
}

export type { ExportResult };

/** Asks for the folder to export to; null when cancelled. */
export function pickExportFolder(): Promise<string | null> {
  return pickFolder({ title: 'Export the trained model to a folder', defaultPath: useUi.getState().defaultDir ?? undefined });
}

/** Writes the model of the current run in `format` into `outDir`; the back end checks the export itself. */
export async function exportModel(store: EditorStore, outDir: string, format: ExportFormat): Promise<ExportResult> {
  const { runId, projectPath } = store.getState().training;
  if (!runId) throw new Error('There is no finished run to export.');
  const { doc } = store.getState();
  return getApi().call('export.model', { format, doc, runId, projectPath, outDir });
}
