import * as tf from '@tensorflow/tfjs';
import type { LossName, LrSchedule, TrainingSettings } from '../../shared/graph/document';
import { assertNever } from '../../shared/layers/params';
import { NativeAdamOptimizer } from './native-adam';

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter): before each Adam
 * step every trained weight shrinks by `learningRate * weightDecay` of itself.
 */
export class AdamWOptimizer extends NativeAdamOptimizer {
  static override get className(): string {
    return 'AdamW';
  }

  constructor(
    learningRate: number,
    readonly weightDecay: number,
    beta1: number,
    beta2: number,
    epsilon?: number,
  ) {
    super(learningRate, beta1, beta2, epsilon);
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    const names = Array.isArray(variableGradients) ? variableGradients.map((g) => g.name) : Object.keys(variableGradients);
    const lr = (this as unknown as { learningRate: number }).learningRate;
    const shrink = 1 - lr * this.weightDecay;
    if (this.weightDecay > 0) {
      tf.tidy(() => {
        for (const name of names) {
          const v = tf.engine().registeredVariables[name];
          if (v && v.trainable) v.assign(tf.mul(v, shrink));
        }
      });
    }
    super.applyGradients(variableGradients);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), weightDecay: this.weightDecay };
  }
}

export function makeOptimizer(settings: Pick<TrainingSettings, 'optimizer' | 'optimizerOptions' | 'learningRate'>): tf.Optimizer {
  const o = settings.optimizerOptions;
  const lr = settings.learningRate;
  switch (settings.optimizer) {
    case 'sgd':
      return o.momentum > 0 ? tf.train.momentum(lr, o.momentum, o.nesterov) : tf.train.sgd(lr);
    case 'adam':
      // tfjs's Adam, with its update fused into one TensorFlow op on the native backend.
      return new NativeAdamOptimizer(lr, o.beta1, o.beta2, o.epsilon);
    case 'adamw':
      return new AdamWOptimizer(lr, o.weightDecay, o.beta1, o.beta2, o.epsilon);
    case 'rmsprop':
      return tf.train.rmsprop(lr, o.rho, o.momentum, o.epsilon);
    case 'adagrad':
      return tf.train.adagrad(lr);
    case 'adadelta':
      return tf.train.adadelta(lr, o.rho, o.epsilon);
    default:
      return assertNever(settings.optimizer);
  }
}

/** Sets an optimizer's learning rate for the next steps (SGD keeps it in a scalar). */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const o = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}

export interface Schedule {
  /** The learning rate for batch `batch` of epoch `epoch` (both 0-based). */
  at(epoch: number, batch: number): number;
  /** Reports an epoch's monitored loss (reduce-on-plateau). */
  endEpoch(loss: number): void;
}

/** Learning-rate schedules; `batchesPerEpoch` and `epochs` size the cosine curve. */
export function createSchedule(schedule: LrSchedule, lr0: number, batchesPerEpoch: number, epochs: number): Schedule {
  switch (schedule.kind) {
    case 'constant':
      return { at: () => lr0, endEpoch: () => undefined };
    case 'step':
      return { at: (e) => lr0 * schedule.factor ** Math.floor(e / schedule.everyEpochs), endEpoch: () => undefined };
    case 'exponential':
      return { at: (e, b) => lr0 * schedule.rate ** (e + b / Math.max(1, batchesPerEpoch)), endEpoch: () => undefined };
    case 'cosine': {
      const total = Math.max(1, batchesPerEpoch * epochs);
      return {
        at: (e, b) => {
          const t = Math.min(1, (e * batchesPerEpoch + b) / total);
          return schedule.minLearningRate + (lr0 - schedule.minLearningRate) * 0.5 * (1 + Math.cos(Math.PI * t));
        },
        endEpoch: () => undefined,
      };
    }
    case 'reduceOnPlateau': {
      let lr = lr0;
      let best = Number.POSITIVE_INFINITY;
      let wait = 0;
      return {
        at: () => lr,
        endEpoch: (loss) => {
          // Like Keras: an improvement resets the wait; `patience` epochs without one cut the rate.
          if (!Number.isFinite(best) || loss < best - 1e-4 * Math.abs(best)) {
            best = loss;
            wait = 0;
          } else if (++wait >= Math.max(1, schedule.patience)) {
            lr = Math.max(schedule.minLearningRate, lr * schedule.factor);
            wait = 0;
          }
        },
      };
    }
    default:
      return assertNever(schedule);
  }
}

/** Huber loss per sample (delta 1), averaged over the last axis like Keras. */
export function huber(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const err = tf.abs(tf.sub(yTrue, yPred));
    const quad = tf.minimum(err, 1);
    const lin = tf.sub(err, quad);
    return tf.mean(tf.add(tf.mul(0.5, tf.square(quad)), lin), -1);
  });
}

/** Hinge per sample with 0/1 labels mapped to -1/1, as Keras does. */
export function hinge(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const signed = tf.sub(tf.mul(yTrue, 2), 1);
    return tf.mean(tf.relu(tf.sub(1, tf.mul(signed, yPred))), -1);
  });
}

type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** What `model.compile` gets for a Keras loss name. */
export function compileLoss(name: LossName): string | LossFn {
  switch (name) {
    case 'huber':
      return huber;
    case 'hinge':
      return hinge;
    case 'categoricalCrossentropy':
    case 'sparseCategoricalCrossentropy':
    case 'binaryCrossentropy':
    case 'meanSquaredError':
    case 'meanAbsoluteError':
      return name;
    default:
      return assertNever(name);
  }
}

/** Per-sample loss, computed the way training computes it (used to evaluate sets). */
export function perSampleLoss(name: LossName, yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  switch (name) {
    case 'categoricalCrossentropy':
      return tf.metrics.categoricalCrossentropy(yTrue, yPred);
    case 'sparseCategoricalCrossentropy':
      return tf.tidy(() => {
        const classes = yPred.shape[yPred.shape.length - 1] as number;
        const oneHot = tf.oneHot(tf.cast(tf.reshape(yTrue, [-1]), 'int32'), classes);
        return tf.metrics.categoricalCrossentropy(oneHot, yPred);
      });
    case 'binaryCrossentropy':
      return tf.metrics.binaryCrossentropy(yTrue, yPred);
    case 'meanSquaredError':
      return tf.metrics.meanSquaredError(yTrue, yPred);
    case 'meanAbsoluteError':
      return tf.metrics.meanAbsoluteError(yTrue, yPred);
    case 'huber':
      return huber(yTrue, yPred);
    case 'hinge':
      return hinge(yTrue, yPred);
    default:
      return assertNever(name);
  }
}
