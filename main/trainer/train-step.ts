import type * as tf from '@tensorflow/tfjs';
import { CompiledTrainStep } from './native-train-step';
import { useNativeLoss } from './native-loss';

/** How a compiled model trains on one batch: [loss] or [loss, accuracy], as trainOnBatch returns them. */
export interface TrainStep {
  run(x: tf.Tensor, y: tf.Tensor): Promise<number | number[]>;
  /** What runs a step: 'compiled' (one TensorFlow function per batch) or 'layers' (tfjs's trainOnBatch). */
  readonly kind: 'compiled' | 'layers';
  /** Why a compiled step is not used (null while it is). */
  readonly why: string | null;
}

/**
 * The fastest way this model trains here, after `model.compile`: on the native backend a chain
 * the compiled step knows (Dense layers, optionally after an Embedding and a GRU) with Adam and
 * categorical cross-entropy on one-hot targets runs as one TensorFlow function per batch
 * (CompiledTrainStep); everything else runs tfjs's trainOnBatch, with the native cross-entropy
 * where it applies. `withAccuracy`: the model was compiled with categorical accuracy.
 *
 * Should TensorFlow refuse the function at some step, that batch and the rest train through
 * trainOnBatch from the same weights (a step's results are assigned only once it succeeded), so a
 * problem of the compiled path costs speed, not the run; `why` then says what happened.
 */
export function trainStepFor(model: tf.LayersModel, options: { loss: string; withAccuracy: boolean; oneHotTargets: boolean }): TrainStep {
  const made = options.oneHotTargets ? CompiledTrainStep.create(model, options) : 'the targets are not one-hot';
  const layers = (x: tf.Tensor, y: tf.Tensor): Promise<number | number[]> => model.trainOnBatch(x, y);
  if (typeof made === 'string') {
    useNativeLoss(model, options.loss);
    return { kind: 'layers', why: made, run: layers };
  }
  let compiled: CompiledTrainStep | null = made;
  let why: string | null = null;
  return {
    get kind() {
      return compiled ? 'compiled' : 'layers';
    },
    get why() {
      return why;
    },
    run(x, y) {
      if (compiled) {
        try {
          const metrics = compiled.run(x, y);
          return Promise.resolve(options.withAccuracy ? metrics : (metrics[0] as number));
        } catch (error) {
          why = `TensorFlow refused the compiled step (${(error instanceof Error ? error.message : String(error)).split('\n')[0] ?? ''}); trainOnBatch from here on`;
          compiled = null;
          useNativeLoss(model, options.loss);
        }
      }
      return layers(x, y);
    },
  };
}
