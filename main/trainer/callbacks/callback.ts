import type * as tf from '@tensorflow/tfjs';
import type { Metrics, TrainEvent } from '../../../shared/training/events';

/**
 * What the training loop shares with its callbacks: the run's plan, which live control can
 * change between batches, and a way to end the run after the epoch under way (Keras's
 * `model.stopTraining`).
 */
export interface TrainingContext {
  readonly runId: string;
  readonly emit: (event: TrainEvent) => void;
  /** The epochs the run trains now. */
  readonly epochs: number;
  /** Whether epoch `epoch` is planned to be the run's last (its last epoch, or "stop after this epoch"). */
  isFinalEpoch(epoch: number): boolean;
  /** The learning rate of the batch under way; a callback that schedules it sets it in `onBatchBegin`. */
  learningRate: number;
  /** Ends the run after the epoch under way: no further epoch starts; the run is still evaluated. */
  stopTraining(): void;
  readonly stopRequested: boolean;
}

/** What a run plans now (a LiveControl): its epochs and whether it ends after the epoch under way. */
export interface RunPlan {
  readonly epochs: number;
  readonly stopAfterEpoch: boolean;
}

/** The context of a run whose plan is `plan`, starting at `learningRate`. */
export function createTrainingContext(run: Pick<TrainingContext, 'runId' | 'emit'>, plan: RunPlan, learningRate: number): TrainingContext {
  let stopRequested = false;
  return {
    runId: run.runId,
    emit: run.emit,
    get epochs() {
      return plan.epochs;
    },
    isFinalEpoch: (epoch) => epoch === plan.epochs - 1 || plan.stopAfterEpoch,
    learningRate,
    stopTraining: () => {
      stopRequested = true;
    },
    get stopRequested() {
      return stopRequested;
    },
  };
}

export interface BatchBeginLogs {
  readonly epoch: number;
  readonly batch: number;
  /** Global batch index over the run. */
  readonly step: number;
  /** The batch's inputs; owned by the loop and freed after the batch. */
  readonly inputs: tf.Tensor;
}

export interface BatchEndLogs {
  readonly epoch: number;
  readonly batch: number;
  readonly step: number;
  readonly loss: number;
  readonly accuracy: number | undefined;
  readonly learningRate: number;
  readonly isLastOfEpoch: boolean;
  /** Samples trained on so far in the run, and the milliseconds spent training them. */
  readonly samplesSeen: number;
  readonly trainMs: number;
}

export interface EpochEndLogs {
  readonly epoch: number;
  /** Batches trained so far in the run. */
  readonly step: number;
  readonly train: Metrics;
  /** Null when the run has no validation set or the epoch was stopped part way. */
  readonly validation: Metrics | null;
  /** What early stopping and the best checkpoint watch: the validation metrics, else the training ones. */
  readonly monitored: Metrics;
  /** This epoch beat the best so far on the monitored value (never for an epoch stopped part way). */
  readonly best: boolean;
  /** The user stopped the run part way through this epoch. */
  readonly stopped: boolean;
  readonly learningRate: number;
  readonly seconds: number;
}

/**
 * One concern of a run, told of the loop's progress (Keras-style). Hooks run in the order the
 * callbacks are listed, each awaited; `dispose` frees what the callback holds, whatever happened.
 */
export interface TrainingCallback {
  onEpochBegin?(epoch: number, step: number): Promise<void> | void;
  onBatchBegin?(logs: BatchBeginLogs): Promise<void> | void;
  onBatchEnd?(logs: BatchEndLogs): Promise<void> | void;
  onEpochEnd?(logs: EpochEndLogs): Promise<void> | void;
  /** After the last epoch, before the test evaluation (not called when the run fails). */
  onTrainEnd?(): Promise<void> | void;
  dispose?(): void;
}

/** Runs a hook of every callback in order. */
export async function callAll<K extends Exclude<keyof TrainingCallback, 'dispose'>>(
  callbacks: readonly TrainingCallback[],
  hook: K,
  ...args: Parameters<NonNullable<TrainingCallback[K]>>
): Promise<void> {
  for (const callback of callbacks) {
    const fn = callback[hook] as ((...a: typeof args) => Promise<void> | void) | undefined;
    if (fn) await fn.apply(callback, args);
  }
}

/** Frees every callback; one that throws does not keep the others from being freed. */
export function disposeAll(callbacks: readonly TrainingCallback[]): void {
  for (const callback of callbacks) {
    try {
      callback.dispose?.();
    } catch {
      // Freeing is best effort at the end of a run.
    }
  }
}
