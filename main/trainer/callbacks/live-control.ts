import type * as tf from '@tensorflow/tfjs';
import type { LiveControl } from '../live-control';
import { setLearningRate } from '../optimizers';
import type { TrainingCallback, TrainingContext } from './callback';

/**
 * Changes made while the run trains (live-control.ts): pending ones are applied before every batch
 * (before an epoch's first batch too, where a change of epochs may end the run); the learning rate
 * of each batch is set on the optimizer; reduce-on-plateau hears each epoch's monitored loss; and
 * "stop after this epoch" ends the run once the epoch under way is done.
 */
export function createLiveControlCallback(live: LiveControl, optimizer: tf.Optimizer, context: Pick<TrainingContext, 'stopTraining' | 'learningRate'>): TrainingCallback {
  return {
    async onEpochBegin(epoch, step) {
      await live.poll(step, epoch, 0);
    },
    async onBatchBegin({ epoch, batch, step }) {
      if (batch > 0) await live.poll(step, epoch, batch);
      const lr = live.learningRateAt(step, epoch, batch);
      setLearningRate(optimizer, lr);
      context.learningRate = lr;
    },
    onEpochEnd({ monitored, stopped }) {
      live.endEpoch(monitored.loss);
      if (live.stopAfterEpoch && !stopped) context.stopTraining();
    },
  };
}
