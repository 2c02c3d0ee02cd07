import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ProjectDoc, TrainingSettings } from '../../shared/graph/document';
import type { BackendReport, Metrics, TrainEvent } from '../../shared/training/events';
import { assertNever } from '../../shared/layers/params';
import { buildModelFromDoc } from './build-model';
import { loadDataset } from './datasets/load-dataset';
import type { SplitData } from './datasets/mnist';
import { gatherBatch, shuffledIndices } from './batches';
import { createBatchThrottle } from './batch-throttle';
import { evaluateSet, yieldToEventLoop } from './evaluate';
import { saveModelToDir, writeFileAtomic } from './save-model';
import { weightsAreFinite } from './weights-finite';

export interface TrainJob {
  readonly runId: string;
  readonly doc: ProjectDoc;
  /** Where model.json, weights.bin and run.json are written. */
  readonly runDir: string;
  readonly backend: BackendReport;
  readonly emit: (event: TrainEvent) => void;
  /** Polled between batches; true ends the run early (still reported as `done`). */
  readonly shouldStop: () => boolean;
  /** Data to use instead of loading the project's data set (tests). */
  readonly data?: SplitData;
  /** Minimum milliseconds between batch events (the epoch's last batch is always sent). */
  readonly batchEventIntervalMs?: number;
}

export interface EpochRecord {
  readonly epoch: number;
  readonly train: Metrics;
  readonly validation: Metrics | null;
}

/** What `run.json` holds. */
export interface RunRecord {
  readonly runId: string;
  readonly name: string;
  readonly settings: TrainingSettings;
  readonly backend: BackendReport;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly seconds: number;
  readonly trainSeconds: number;
  readonly samplesPerSec: number;
  readonly stopped: boolean;
  readonly epochs: readonly EpochRecord[];
  readonly test: Metrics | null;
  readonly totalParams: number;
  /** Files of the trained model, relative to the run folder; empty when nothing was trained. */
  readonly modelFiles: readonly string[];
}

/** Batches between checks that all weights are still finite. */
const WEIGHT_CHECK_EVERY = 16;

/** Thrown to end a run with a readable message (reported as an `error` event). */
export class TrainingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingError';
  }
}

function makeOptimizer(settings: TrainingSettings): tf.Optimizer {
  switch (settings.optimizer) {
    case 'adam':
      return tf.train.adam(settings.learningRate);
    case 'sgd':
      return tf.train.sgd(settings.learningRate);
    default:
      return assertNever(settings.optimizer);
  }
}

/**
 * Trains the project's model on its data set and reports progress as TrainEvents.
 * Ends with `done` (also when stopped) or `error`; never throws.
 */
export async function runTraining(job: TrainJob): Promise<RunRecord | null> {
  const startedAt = new Date();
  const t0 = performance.now();
  let model: tf.LayersModel | null = null;
  try {
    const settings = job.doc.training;
    const data = job.data ?? loadDataset(settings);
    const built = buildModelFromDoc(job.doc);
    model = built.model;
    const planShape = built.plan.inputs[0]?.shape;
    if (!planShape || built.plan.inputs.length !== 1) throw new TrainingError('Training needs exactly one Input layer.');
    if (planShape.some((d) => d === null)) throw new TrainingError('Training on this data set needs an Input shape with every size known (no ?).');
    const inputShape = planShape as readonly number[];
    const sampleSize = inputShape.reduce((a, b) => a * b, 1);
    if (sampleSize !== data.train.sampleSize) {
      throw new TrainingError(`The Input shape [${inputShape.join(', ')}] does not fit samples of ${data.train.sampleSize} values.`);
    }
    model.compile({ optimizer: makeOptimizer(settings), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

    const { batchSize, epochs } = settings;
    const trainCount = data.train.count;
    const batchesPerEpoch = Math.ceil(trainCount / batchSize);
    job.emit({
      type: 'started',
      runId: job.runId,
      backend: job.backend,
      epochs,
      batchesPerEpoch,
      trainSamples: trainCount,
      validationSamples: data.validation?.count ?? 0,
      testSamples: data.test.count,
    });

    const throttle = createBatchThrottle(job.batchEventIntervalMs ?? 100);
    const totalSamples = epochs * trainCount;
    const epochRecords: EpochRecord[] = [];
    let samplesSeen = 0;
    let trainMs = 0;
    let step = 0;
    let stopped = false;
    let lastYield = performance.now();

    for (let epoch = 0; epoch < epochs && !stopped; epoch++) {
      const order = shuffledIndices(trainCount);
      let lossSum = 0;
      let accSum = 0;
      let epochSamples = 0;
      for (let b = 0; b < batchesPerEpoch; b++) {
        if (job.shouldStop()) {
          stopped = true;
          break;
        }
        const batchStart = performance.now();
        const from = b * batchSize;
        const batch = gatherBatch(data.train, order, from, Math.min(trainCount, from + batchSize), data.numClasses);
        const x = tf.tensor(batch.x, [batch.size, ...inputShape]);
        const y = tf.tensor2d(batch.y, [batch.size, data.numClasses]);
        let result: number | number[];
        try {
          result = await model.trainOnBatch(x, y);
        } finally {
          x.dispose();
          y.dispose();
        }
        const [loss, accuracy] = Array.isArray(result) ? result : [result, Number.NaN];
        const isLast = b === batchesPerEpoch - 1;
        if (loss === undefined || !Number.isFinite(loss)) {
          throw new TrainingError(
            `Training diverged in epoch ${epoch + 1}, batch ${b + 1}: the loss became ${String(loss)}. Try a smaller learning rate, or check the data.`,
          );
        }
        // Checking every weight costs a little, so it runs every few batches.
        if ((step % WEIGHT_CHECK_EVERY === WEIGHT_CHECK_EVERY - 1 || isLast) && !weightsAreFinite(model)) {
          throw new TrainingError(
            `Training diverged in epoch ${epoch + 1}, by batch ${b + 1}: the weights became NaN or infinite. Try a smaller learning rate, or check the data.`,
          );
        }
        trainMs += performance.now() - batchStart;
        samplesSeen += batch.size;
        epochSamples += batch.size;
        lossSum += loss * batch.size;
        accSum += (accuracy ?? 0) * batch.size;
        if (throttle(isLast)) {
          const samplesPerSec = trainMs > 0 ? (samplesSeen * 1000) / trainMs : 0;
          job.emit({
            type: 'batch',
            runId: job.runId,
            epoch,
            batch: b,
            step,
            loss,
            accuracy: accuracy ?? 0,
            samplesPerSec,
            etaSec: samplesPerSec > 0 ? (totalSamples - samplesSeen) / samplesPerSec : 0,
          });
        }
        step++;
        if (performance.now() - lastYield > 20) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
      }
      if (epochSamples === 0) break;
      const train = { loss: lossSum / epochSamples, accuracy: accSum / epochSamples };
      // A stopped epoch reports its partial training metrics but skips validation.
      const validation = data.validation && !stopped ? await evaluateSet(model, data.validation, inputShape, data.numClasses) : null;
      epochRecords.push({ epoch, train, validation });
      job.emit({ type: 'epoch', runId: job.runId, epoch, step, train, validation });
      // A stop that arrives after the last epoch's last batch skips nothing.
      if (!stopped && epoch < epochs - 1 && job.shouldStop()) stopped = true;
    }

    let test: Metrics | null = null;
    let modelFiles: string[] = [];
    if (samplesSeen > 0) {
      job.emit({ type: 'evaluating', runId: job.runId });
      test = await evaluateSet(model, data.test, inputShape, data.numClasses);
      modelFiles = (await saveModelToDir(model, job.runDir)).map((f) => path.basename(f));
    }
    const seconds = (performance.now() - t0) / 1000;
    const record: RunRecord = {
      runId: job.runId,
      name: job.doc.name,
      settings,
      backend: job.backend,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      seconds,
      trainSeconds: trainMs / 1000,
      samplesPerSec: trainMs > 0 ? (samplesSeen * 1000) / trainMs : 0,
      stopped,
      epochs: epochRecords,
      test,
      totalParams: model.countParams(),
      modelFiles,
    };
    fs.mkdirSync(job.runDir, { recursive: true });
    writeFileAtomic(path.join(job.runDir, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
    job.emit({ type: 'done', runId: job.runId, stopped, test, seconds });
    return record;
  } catch (error) {
    job.emit({ type: 'error', runId: job.runId, message: readableError(error) });
    return null;
  } finally {
    model?.optimizer?.dispose();
    model?.dispose();
  }
}

/** One line for people: the message without a stack, prefixed where tfjs is terse. */
export function readableError(error: unknown): string {
  if (error instanceof TrainingError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  const first = (message.split('\n')[0] ?? '').trim() || 'unknown error';
  return error instanceof Error && error.name === 'CompileError' ? first : `Training failed: ${first}`;
}
