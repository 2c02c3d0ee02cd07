import type { RunChange } from '../../../shared/training/control';
import { getApi } from '../platform';
import type { TrainingStore } from '../state/training-store';
import { isActive } from '../state/training';
import { errorText, useUi } from '../state/ui';

/**
 * Asks the run under way to change (learning rate, epochs, stop after this epoch, early stopping,
 * a checkpoint now). It takes effect before the next batch and comes back as a 'control' event,
 * which marks the curves and the run's history. False when there is no run or it has ended.
 */
export async function sendRunChange(store: TrainingStore, change: RunChange): Promise<boolean> {
  const { run } = store.getState();
  if (!run.runId || !isActive(run)) return false;
  try {
    const { accepted } = await getApi().call('training.control', { runId: run.runId, change });
    if (!accepted) useUi.getState().notify('info', 'The run has already ended; the change was not made.');
    return accepted;
  } catch (e) {
    useUi.getState().notify('error', `Could not change the run: ${errorText(e)}`);
    return false;
  }
}
