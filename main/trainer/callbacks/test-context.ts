import type { Metrics, TrainEvent } from '../../../shared/training/events';
import type { BatchEndLogs, EpochEndLogs, TrainingContext } from './callback';

/** For callback tests: a context that keeps what is emitted, with a plan of `epochs` epochs. */
export function fakeContext(epochs = 10): TrainingContext & { events: TrainEvent[]; finalEpoch: number | null } {
  let stopRequested = false;
  const events: TrainEvent[] = [];
  return {
    runId: 'run-1',
    events,
    emit: (e) => events.push(e),
    epochs,
    /** Set to end the plan at this epoch ("stop after this epoch"). */
    finalEpoch: null,
    isFinalEpoch(epoch) {
      return epoch === this.epochs - 1 || epoch === this.finalEpoch;
    },
    learningRate: 0.01,
    stopTraining: () => {
      stopRequested = true;
    },
    get stopRequested() {
      return stopRequested;
    },
  };
}

const metrics = (loss: number): Metrics => ({ loss, accuracy: 1 - loss / 10 });

/** An epoch's logs with this monitored loss; `best` and `stopped` false unless given. */
export function epochLogs(epoch: number, loss: number, more: Partial<EpochEndLogs> = {}): EpochEndLogs {
  return { epoch, step: (epoch + 1) * 5, train: metrics(loss), validation: metrics(loss), monitored: metrics(loss), best: false, stopped: false, learningRate: 0.01, seconds: 1, ...more };
}

/** Batch `batch` of an epoch of `perEpoch` batches, 32 samples each, 10 ms each. */
export function batchLogs(epoch: number, batch: number, perEpoch: number, more: Partial<BatchEndLogs> = {}): BatchEndLogs {
  const step = epoch * perEpoch + batch;
  return { epoch, batch, step, loss: 1 / (step + 1), accuracy: 0.5, learningRate: 0.01, isLastOfEpoch: batch === perEpoch - 1, samplesSeen: (step + 1) * 32, trainMs: (step + 1) * 10, ...more };
}
