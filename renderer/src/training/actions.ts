import { getApi, pickFolder } from '../platform';
import type { ExportFormat, ExportResult } from '../../../shared/export/result';
import type { TrainingStore } from '../state/training-store';
import type { Workbench } from '../state/workbench';
import { isActive } from '../state/training';
import { errorText, useUi } from '../state/ui';
import { backboneFor } from './backbone';

/**
 * Starts a run; `initialWeights`: from a run's saved weights (fine-tuning), or only evaluating them.
 * Without it, a run chosen as the project's backbone ("Use as backbone") gives the weights.
 */
export async function startTraining({ editor, training }: Workbench, given?: { runId: string; evaluateOnly: boolean }): Promise<void> {
  if (isActive(training.getState().run)) return;
  const backbone = backboneFor(editor.getState());
  const initialWeights = given ?? (backbone ? { runId: backbone.runId, evaluateOnly: false } : undefined);
  training.getState().starting(editor.getState().filePath);
  try {
    const { doc, filePath, draftId } = editor.getState();
    // Runs are kept beside a saved project (unsaved ones in the data folder, marked with the draft's id).
    const { runId, name } = await getApi().call('training.start', { doc, projectPath: filePath, ...(filePath ? {} : { draft: draftId }), ...(initialWeights ? { initialWeights } : {}) });
    training.getState().started(runId, name);
  } catch (e) {
    training.getState().failed(`Training could not start: ${errorText(e)}`);
  }
}

export async function stopTraining(store: TrainingStore): Promise<void> {
  const { run } = store.getState();
  if (!run.runId || !isActive(run)) return;
  store.getState().stopRequested();
  try {
    await getApi().call('training.stop', { runId: run.runId });
  } catch (e) {
    useUi.getState().notify('error', `Could not stop the run: ${errorText(e)}`);
  }
}

/** Pauses after the current batch, or resumes. */
export async function togglePause(store: TrainingStore): Promise<void> {
  const { run } = store.getState();
  if (!run.runId || run.status !== 'running') return;
  const runId = run.runId;
  try {
    if (run.paused) {
      const r = await getApi().call('training.resume', { runId });
      if (r.resumed) store.getState().paused(false);
    } else {
      const r = await getApi().call('training.pause', { runId });
      if (r.paused) store.getState().paused(true);
    }
  } catch (e) {
    useUi.getState().notify('error', `Could not ${run.paused ? 'resume' : 'pause'} the run: ${errorText(e)}`);
  }
}

export type { ExportResult };

/** Asks for the folder to export to; null when cancelled. */
export async function pickExportFolder(): Promise<string | null> {
  return pickFolder({ title: 'Export the trained model to a folder', defaultPath: (await useUi.getState().whenDefaultDir()) ?? undefined });
}

/** Writes the model of the current run in `format` into `outDir`; the back end checks the export itself. */
export async function exportModel({ editor, training }: Workbench, outDir: string, format: ExportFormat): Promise<ExportResult> {
  const { runId, projectPath } = training.getState().run;
  if (!runId) throw new Error('There is no finished run to export.');
  const { doc } = editor.getState();
  return getApi().call('export.model', { format, doc, runId, projectPath, outDir });
}
