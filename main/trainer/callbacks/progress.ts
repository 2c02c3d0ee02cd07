import type { BackendReport } from '../../../shared/training/events';
import { createBatchThrottle } from '../batch-throttle';
import type { TrainingCallback, TrainingContext } from './callback';

export interface ProgressOptions {
  readonly backend: BackendReport;
  /** Samples per epoch, for the time left. */
  readonly trainSamples: number;
  /** Minimum milliseconds between batch events (the epoch's last batch is always sent). */
  readonly intervalMs: number;
  /** Live tensors and their bytes now. */
  readonly memory: () => { tensors: number; bytes: number };
  readonly now?: () => number;
}

/**
 * The run's progress as events: a `batch` event at most once per interval and for every epoch's
 * last batch (throughput and time left over the training time so far), and an `epoch` event per epoch.
 */
export function createProgress(options: ProgressOptions, context: Pick<TrainingContext, 'runId' | 'emit' | 'epochs'>): TrainingCallback {
  const throttle = createBatchThrottle(options.intervalMs, options.now);
  return {
    onBatchEnd({ epoch, batch, step, loss, accuracy, learningRate, isLastOfEpoch, samplesSeen, trainMs }) {
      if (!throttle(isLastOfEpoch)) return;
      const samplesPerSec = trainMs > 0 ? (samplesSeen * 1000) / trainMs : 0;
      const totalSamples = context.epochs * options.trainSamples;
      context.emit({
        type: 'batch',
        runId: context.runId,
        epoch,
        batch,
        step,
        loss,
        accuracy: accuracy ?? 0,
        samplesPerSec,
        etaSec: samplesPerSec > 0 ? (totalSamples - samplesSeen) / samplesPerSec : 0,
        learningRate,
        memory: options.memory(),
        backend: options.backend.backend,
      });
    },
    onEpochEnd({ epoch, step, train, validation, learningRate, best, seconds }) {
      context.emit({ type: 'epoch', runId: context.runId, epoch, step, train, validation, learningRate, best, memory: options.memory(), seconds });
    },
  };
}
