import type { Metrics, TrainEvent } from '../../../shared/training/events';
import { createTrainingContext, type BatchEndLogs, type EpochEndLogs, type TrainingContext } from './callback';

/** For callback tests: a context over a plan of `epochs` epochs that tests may change, keeping what is emitted. */
export function fakeContext(epochs = 10): TrainingContext & { events: TrainEvent[]; plan: { epochs: number; stopAfterEpoch: boolean } } {
  const events: TrainEvent[] = [];
  const plan = { epochs, stopAfterEpoch: false };
  return Object.assign(createTrainingContext({ runId: 'run-1', emit: (e) => events.push(e) }, plan, 0.01), { events, plan });
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
