import type * as tf from '@tensorflow/tfjs';
import { DenseTrainStep } from './native-dense-step';
import { useNativeLoss } from './native-loss';

/** How a compiled model trains on one batch: [loss] or [loss, accuracy], as trainOnBatch returns them. */
export interface TrainStep {
  run(x: tf.Tensor, y: tf.Tensor): Promise<number | number[]>;
  /** What runs a step: 'compiled' (one TensorFlow function per batch) or 'layers' (tfjs's trainOnBatch). */
  readonly kind: 'compiled' | 'layers';
  /** Why a compiled step was not used (null where it is). */
  readonly why: string | null;
}

/**
 * The fastest way this model trains here, after `model.compile`: on the native backend a Dense
 * chain with Adam and categorical cross-entropy on one-hot targets runs as one TensorFlow function
 * per batch (DenseTrainStep); everything else runs tfjs's trainOnBatch, with the native
 * cross-entropy where it applies. `withAccuracy`: the model was compiled with categorical accuracy.
 */
export function trainStepFor(model: tf.LayersModel, options: { loss: string; withAccuracy: boolean; oneHotTargets: boolean }): TrainStep {
  const compiled = options.oneHotTargets ? DenseTrainStep.create(model, options) : 'the targets are not one-hot';
  if (typeof compiled !== 'string') {
    return { kind: 'compiled', why: null, run: (x, y) => Promise.resolve(options.withAccuracy ? compiled.run(x, y) : (compiled.run(x, y)[0] as number)) };
  }
  useNativeLoss(model, options.loss);
  return { kind: 'layers', why: compiled, run: (x, y) => model.trainOnBatch(x, y) };
}
