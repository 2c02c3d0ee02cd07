import type { LiveGrid } from '../live-grid';
import type { TrainingCallback, TrainingContext } from './callback';

/**
 * The live decision boundary: after a batch, the grid when its interval passed (predicting it costs
 * about as much as a few batches, so at most twice a second) and always after the run's last batch.
 */
export function createLiveGridCallback(grid: LiveGrid, context: Pick<TrainingContext, 'runId' | 'emit' | 'isFinalEpoch'>): TrainingCallback {
  return {
    onBatchEnd({ epoch, step, isLastOfEpoch }) {
      const shown = grid.maybe(isLastOfEpoch && context.isFinalEpoch(epoch));
      if (shown) context.emit({ type: 'grid', runId: context.runId, epoch, step, grid: shown });
    },
    dispose: () => grid.dispose(),
  };
}
