import type * as tf from '@tensorflow/tfjs';
import type { EarlyStopping } from '../../../shared/graph/document';
import type { TrainingCallback, TrainingContext } from './callback';

export interface EarlyStoppingCallback extends TrainingCallback {
  /** The epoch after which the run stopped early (null: it did not). */
  readonly stoppedAt: number | null;
}

/**
 * Like Keras's EarlyStopping: ends the run once `patience` epochs in a row (at least one) brought
 * no improvement, never at the run's last epoch; with `restoreBestWeights`, keeps a copy of the
 * best epoch's weights and puts them back when training ends. `enabled` is asked each time, since
 * live control can switch early stopping on and off during the run.
 */
export function createEarlyStopping(
  model: tf.LayersModel,
  settings: Pick<EarlyStopping, 'patience' | 'restoreBestWeights'>,
  enabled: () => boolean,
  context: Pick<TrainingContext, 'epochs' | 'stopTraining'>,
): EarlyStoppingCallback {
  let wait = 0;
  let stoppedAt: number | null = null;
  let bestWeights: tf.Tensor[] | null = null;
  const freeBest = () => {
    bestWeights?.forEach((t) => t.dispose());
    bestWeights = null;
  };
  return {
    get stoppedAt() {
      return stoppedAt;
    },
    onEpochEnd({ epoch, best, stopped }) {
      if (best) {
        wait = 0;
        if (enabled() && settings.restoreBestWeights) {
          freeBest();
          bestWeights = model.getWeights().map((t) => t.clone());
        }
      } else if (!stopped) {
        wait++;
      }
      if (enabled() && !stopped && wait >= Math.max(1, settings.patience) && epoch < context.epochs - 1) {
        stoppedAt = epoch;
        context.stopTraining();
      }
    },
    onTrainEnd() {
      if (bestWeights && enabled() && settings.restoreBestWeights) model.setWeights(bestWeights);
    },
    dispose: freeBest,
  };
}
