import type { LiveAugmented } from '../live-augmented';
import type { TrainingCallback, TrainingContext } from './callback';

/** What an image model with augmentation layers sees: a batch's examples after them, from the first batch on, throttled. */
export function createAugmentedGrid(augmented: LiveAugmented, context: Pick<TrainingContext, 'runId' | 'emit'>): TrainingCallback {
  return {
    onBatchBegin({ epoch, step, inputs }) {
      const images = augmented.maybe(inputs, step, step === 0);
      if (images) context.emit({ type: 'augmented', runId: context.runId, epoch, step, layer: augmented.layer, images });
    },
  };
}
