import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ProjectDoc, TrainingSettings } from '../../shared/graph/document';
import type { BackendReport, Evaluation, Metrics, TrainEvent } from '../../shared/training/events';
import type { EpochRecordData, RunRecordData } from '../../shared/training/runs';
import { buildModelFromDoc } from './build-model';
import { loadDataset } from './datasets/load-dataset';
import type { SplitData } from './datasets/mnist';
import { gatherInputs, gatherTargets, shuffledIndices, targetShape, type TargetMode } from './batches';
import { isReconstruction } from '../../shared/training/reconstruction';
import { evaluateModel, yieldToEventLoop } from './evaluate';
import { writeFileAtomic, type SaveWriter } from './save-model';
import { weightsAreFinite } from './weights-finite';
import { compileLoss, makeOptimizer } from './optimizers';
import { LiveControl } from './live-control';
import { describeChange, type AppliedChange, type RunChange } from '../../shared/training/control';
import { seededRandom } from './random';
import { graphHash } from './graph-hash';
import { modelGraph } from '../../shared/graph/analyze-blocks';
import type { WeightsReport } from '../../shared/training/weights-report';
import { loadInitialWeights, WeightsMismatchError } from './initial-weights';
import { createRunInsight } from './layer-insight';
import { createLiveGrid } from './live-grid';
import { createLiveAugmented } from './live-augmented';
import { TrainingError } from './training-error';
import { callAll, createTrainingContext, disposeAll, type TrainingCallback, type TrainingContext } from './callbacks/callback';
import { createLiveControlCallback } from './callbacks/live-control';
import { createAugmentedGrid } from './callbacks/augmented-grid';
import { createEarlyStopping, type EarlyStoppingCallback } from './callbacks/early-stopping';
import { createBestCheckpoint, modelSaver, saveStepCheckpoint, type BestCheckpointCallback, type ModelSaver } from './callbacks/checkpoint';
import { createProgress } from './callbacks/progress';
import { createLiveGridCallback } from './callbacks/live-grid';
import { createInsightCallback } from './callbacks/insight';
import { BestEpoch } from './callbacks/best-epoch';
import { trainStepFor } from './train-step';

export interface TrainJob {
  readonly runId: string;
  /** The run's name (absent: the project's name). */
  readonly name?: string;
  readonly doc: ProjectDoc;
  /** Where model.json, weights.bin, best/ and run.json are written. */
  readonly runDir: string;
  readonly backend: BackendReport;
  readonly emit: (event: TrainEvent) => void;
  /** Polled between batches; true ends the run early (still reported as `done`). */
  readonly shouldStop: () => boolean;
  /** Resolves when training may go on (at once unless paused); polled between batches. */
  readonly waitWhilePaused?: () => Promise<void>;
  /** Data to use instead of loading the project's data set (tests). */
  readonly data?: SplitData;
  /** Minimum milliseconds between batch events (the epoch's last batch is always sent). */
  readonly batchEventIntervalMs?: number;
  /** The project the run is kept beside (null: unsaved). */
  readonly projectPath?: string | null;
  /** The file write model saves use (tests inject a failing one: a full disk). */
  readonly writeFile?: SaveWriter;
  /** Start from this run's saved weights (fine-tuning); `evaluateOnly`: no training, only the test evaluation. */
  readonly initialWeights?: { readonly runId: string; readonly runDir: string; readonly evaluateOnly: boolean };
  /** Live changes asked for since the last call; polled before every batch. */
  readonly takeChanges?: () => readonly RunChange[];
  /** An earlier run's changes (its `controls`), made again at the same steps. */
  readonly replay?: readonly AppliedChange[];
}

export type EpochRecord = EpochRecordData;
/** What `run.json` holds. */
export type RunRecord = RunRecordData;

/** Batches between checks that all weights are still finite. */
const WEIGHT_CHECK_EVERY = 16;

/** How the labels feed this loss and output. */
export function targetModeFor(settings: Pick<TrainingSettings, 'loss'>, data: SplitData, outputUnits: number, outputShape?: readonly (number | null)[]): TargetMode {
  if (data.task === 'regression') return { kind: 'regression', size: data.train.targetSize ?? 1 };
  if (outputShape && isReconstruction(outputShape, data.train.sampleSize, data)) {
    const shape = outputShape.slice(1) as number[];
    return { kind: 'reconstruction', size: data.train.sampleSize, shape };
  }
  if (settings.loss === 'sparseCategoricalCrossentropy') return { kind: 'index' };
  if (outputUnits === 1 && data.numClasses === 2) return { kind: 'binary' };
  return { kind: 'onehot', classes: data.numClasses };
}

function accuracyMetric(mode: TargetMode): ((a: tf.Tensor, b: tf.Tensor) => tf.Tensor) | null {
  switch (mode.kind) {
    case 'onehot':
      return tf.metrics.categoricalAccuracy;
    case 'index':
      return (yTrue, yPred) => tf.metrics.categoricalAccuracy(tf.oneHot(tf.cast(tf.reshape(yTrue, [-1]), 'int32'), yPred.shape[1] as number), yPred);
    case 'binary':
      return tf.metrics.binaryAccuracy;
    case 'regression':
    case 'reconstruction':
      return null;
  }
}

function memory(): { tensors: number; bytes: number } {
  const m = tf.memory();
  return { tensors: m.numTensors, bytes: m.numBytes };
}

/**
 * Trains the project's model on its data set and reports progress as TrainEvents.
 * Ends with `done` (also when stopped) or `error`; never throws. The loop itself trains
 * batches and evaluates epochs; everything else a run does along the way (live changes,
 * early stopping, checkpoints, progress events, insight, the live grids) is a callback.
 */
export async function runTraining(job: TrainJob): Promise<RunRecord | null> {
  const startedAt = new Date();
  const t0 = performance.now();
  let model: tf.LayersModel | null = null;
  const callbacks: TrainingCallback[] = [];
  const originalRandom = Math.random;
  const settings = job.doc.training;
  // Without a seed (Seed: random) the run draws one and keeps it in run.json, so every run can be replayed.
  const seed = settings.seed ?? Math.floor(originalRandom() * 2 ** 31);
  const epochRecords: EpochRecord[] = [];
  const baseRecord = {
    runId: job.runId,
    name: job.name ?? job.doc.name,
    projectPath: job.projectPath ?? null,
    settings,
    seed,
    graph: modelGraph(job.doc),
    graphHash: graphHash(modelGraph(job.doc)),
    backend: job.backend,
    startedAt: startedAt.toISOString(),
    ...(job.initialWeights ? { origin: { kind: job.initialWeights.evaluateOnly ? ('evaluated' as const) : ('fineTuned' as const), runId: job.initialWeights.runId } } : {}),
  };
  const evaluateOnly = job.initialWeights?.evaluateOnly === true;
  let control: LiveControl | null = null;
  let weightsReport: WeightsReport | null = null;
  const save = modelSaver(job.runId, job.writeFile);
  const writeRecord = (record: RunRecord) => {
    fs.mkdirSync(job.runDir, { recursive: true });
    writeFileAtomic(path.join(job.runDir, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
  };
  try {
    // A seed makes initial weights, dropout (tfjs seeds both from Math.random) and shuffling repeatable.
    const random = seededRandom(seed);
    Math.random = random;
    let data: SplitData;
    try {
      data = job.data ?? loadDataset(settings);
    } catch (error) {
      throw new TrainingError(error instanceof Error ? error.message : String(error), 'data');
    }
    const built = buildModelFromDoc(job.doc);
    const trained = built.model;
    model = trained;
    if (job.initialWeights) {
      try {
        weightsReport = await loadInitialWeights(trained, job.initialWeights.runDir, job.initialWeights.runId, {
          ids: new Map(built.plan.layers.map((l) => [l.nodeId, l.name])),
          evaluateOnly,
        });
      } catch (error) {
        throw new TrainingError(error instanceof Error ? error.message : String(error), error instanceof WeightsMismatchError ? 'data' : 'failed');
      }
    }
    const planShape = built.plan.inputs[0]?.shape;
    if (!planShape || built.plan.inputs.length !== 1) throw new TrainingError('Training needs exactly one Input layer.', 'data');
    // A free dimension (a sequence of any length) takes the data's.
    const inputShape: number[] = planShape.some((d) => d === null) ? [...data.sampleShape] : (planShape as number[]);
    const inputDtype = trained.inputs[0]?.dtype === 'int32' ? 'int32' : 'float32';
    const sampleSize = inputShape.reduce((a, b) => a * b, 1);
    if (sampleSize !== data.train.sampleSize) {
      throw new TrainingError(`The Input shape [${inputShape.join(', ')}] does not fit samples of ${data.train.sampleSize} values.`, 'data');
    }
    const outShape = trained.outputs[0]?.shape ?? [];
    const outputUnits = (outShape[outShape.length - 1] as number | null) ?? 1;
    const mode = targetModeFor(settings, data, outputUnits, outShape);
    // A reconstruction run reports as regression does: loss (and MAE), no accuracy or classes.
    const task = mode.kind === 'reconstruction' ? 'regression' : (data.task ?? 'classification');
    const acc = accuracyMetric(mode);
    const optimizer = makeOptimizer(settings);
    trained.compile({ optimizer, loss: compileLoss(settings.loss), metrics: acc ? [acc] : [] });
    const trainStep = trainStepFor(trained, { loss: settings.loss, withAccuracy: acc !== null, oneHotTargets: mode.kind === 'onehot' });

    const { batchSize } = settings;
    const epochs = evaluateOnly ? 0 : settings.epochs;
    const trainCount = data.train.count;
    const batchesPerEpoch = Math.ceil(trainCount / batchSize);
    const live = new LiveControl({
      settings,
      batchesPerEpoch,
      epochs,
      ...(job.takeChanges ? { take: job.takeChanges } : {}),
      ...(job.replay ? { replay: job.replay } : {}),
      checkpoint: (at) => saveStepCheckpoint(save, trained, job.runDir, at),
      applied: (c) => job.emit({ type: 'control', runId: job.runId, ...c, text: describeChange(c.change) }),
    });
    control = live;
    const classNames = data.classNames && mode.kind !== 'reconstruction' ? [...data.classNames] : [];
    job.emit({
      type: 'started',
      runId: job.runId,
      backend: job.backend,
      epochs,
      batchesPerEpoch,
      trainSamples: trainCount,
      validationSamples: data.validation?.count ?? 0,
      testSamples: data.test.count,
      task,
      classNames,
      projectPath: job.projectPath ?? null,
      trainStep: { kind: trainStep.kind, why: trainStep.why },
    });
    if (weightsReport) job.emit({ type: 'weights', runId: job.runId, report: weightsReport });
    const evalOptions = { inputShape, inputDtype, mode, loss: settings.loss, metrics: settings.metrics } as const;

    const context = createTrainingContext(job, live, settings.learningRate);
    const { earlyStopping, bestCheckpoint } = addRunCallbacks(callbacks, { job, model: trained, optimizer, live, context, save, data, inputShape, inputDtype });

    const best = new BestEpoch(settings.earlyStopping, task);
    let samplesSeen = 0;
    let trainMs = 0;
    let step = 0;
    let stopped = false;
    let lastYield = performance.now();
    const identity = Uint32Array.from({ length: trainCount }, (_, i) => i);

    // Changes are polled before every batch; those made before an epoch's first batch may end the run there.
    for (let epoch = 0; ; epoch++) {
      if (!stopped && !context.stopRequested && !evaluateOnly) await callAll(callbacks, 'onEpochBegin', epoch, step);
      if (epoch >= live.epochs || stopped || context.stopRequested || evaluateOnly) break;
      const epochStart = performance.now();
      const order = settings.shuffle ? shuffledIndices(trainCount, random) : identity;
      let lossSum = 0;
      let accSum = 0;
      let epochSamples = 0;
      let lr = settings.learningRate;
      for (let b = 0; b < batchesPerEpoch; b++) {
        if (job.waitWhilePaused) await job.waitWhilePaused();
        if (job.shouldStop()) {
          stopped = true;
          break;
        }
        const from = b * batchSize;
        const to = Math.min(trainCount, from + batchSize);
        const size = to - from;
        const x = tf.tensor(gatherInputs(data.train, order, from, to), [size, ...inputShape], inputDtype);
        const y = tf.tensor(gatherTargets(data.train, order, from, to, mode), targetShape(mode, size));
        let result: number | number[];
        let batchStart: number;
        try {
          await callAll(callbacks, 'onBatchBegin', { epoch, batch: b, step, inputs: x });
          lr = context.learningRate;
          batchStart = performance.now();
          result = await trainStep.run(x, y);
        } finally {
          x.dispose();
          y.dispose();
        }
        const [loss, accuracy] = Array.isArray(result) ? result : [result, undefined];
        const isLast = b === batchesPerEpoch - 1;
        if (loss === undefined || !Number.isFinite(loss)) {
          throw new TrainingError(
            `Training diverged in epoch ${epoch + 1}, batch ${b + 1}: the loss became ${String(loss)}. Try a smaller learning rate (now ${lr.toPrecision(3)}), or check the data for extreme values.`,
            'diverged',
          );
        }
        // Checking every weight costs a little, so it runs every few batches.
        if ((step % WEIGHT_CHECK_EVERY === WEIGHT_CHECK_EVERY - 1 || isLast) && !weightsAreFinite(trained)) {
          throw new TrainingError(
            `Training diverged in epoch ${epoch + 1}, by batch ${b + 1}: the weights became NaN or infinite. Try a smaller learning rate (now ${lr.toPrecision(3)}), or check the data for extreme values.`,
            'diverged',
          );
        }
        trainMs += performance.now() - batchStart;
        samplesSeen += size;
        epochSamples += size;
        lossSum += loss * size;
        accSum += (accuracy ?? 0) * size;
        await callAll(callbacks, 'onBatchEnd', { epoch, batch: b, step, loss, accuracy, learningRate: lr, isLastOfEpoch: isLast, samplesSeen, trainMs });
        step++;
        if (performance.now() - lastYield > 20) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
      }
      if (epochSamples === 0) break;
      const train: Metrics = { loss: lossSum / epochSamples, accuracy: accSum / epochSamples };
      // A stopped epoch reports its partial training metrics but skips validation.
      const validation = data.validation && !stopped ? (await evaluateModel(trained, data.validation, evalOptions)).metrics : null;
      if (task === 'regression' && validation?.mae === undefined && validation) delete validation.mae;
      const monitored = validation ?? train;
      const seconds = (performance.now() - epochStart) / 1000;
      const improved = best.observe(epoch, monitored, stopped);
      await callAll(callbacks, 'onEpochEnd', { epoch, step, train, validation, monitored, best: improved, stopped, learningRate: lr, seconds });
      epochRecords.push({ epoch, train, validation, learningRate: lr, seconds });
      // A stop that arrives after the run's last planned batch (its last epoch, or "stop after this epoch") skips nothing.
      if (!stopped && !context.isFinalEpoch(epoch) && job.shouldStop()) stopped = true;
      if (stopped || context.stopRequested) break;
    }
    await callAll(callbacks, 'onTrainEnd');

    let test: Metrics | null = null;
    let evaluation: Evaluation | null = null;
    let modelFiles: string[] = [];
    if (samplesSeen > 0 || evaluateOnly) {
      job.emit({ type: 'evaluating', runId: job.runId });
      const target = data.preprocessing?.kind === 'tabular' ? data.preprocessing.target : null;
      const r = await evaluateModel(trained, data.test, {
        ...evalOptions,
        details: { classNames, ...(data.viewTest ? { view: data.viewTest } : {}), target },
      });
      test = r.metrics;
      evaluation = r.evaluation;
      modelFiles = (await save(trained, job.runDir, 'model')).map((f) => path.basename(f));
    }
    const seconds = (performance.now() - t0) / 1000;
    const earlyStoppedAt = earlyStopping.stoppedAt;
    const bestEpoch = best.epoch;
    const record: RunRecord = {
      ...baseRecord,
      status: stopped ? 'stopped' : 'done',
      finishedAt: new Date().toISOString(),
      seconds,
      trainSeconds: trainMs / 1000,
      samplesPerSec: trainMs > 0 ? (samplesSeen * 1000) / trainMs : 0,
      stopped,
      earlyStoppedAt,
      bestEpoch,
      epochs: epochRecords,
      test,
      evaluation,
      preprocessing: data.preprocessing ?? null,
      totalParams: trained.countParams(),
      modelFiles,
      bestModelFiles: [...(bestCheckpoint?.files ?? [])],
      error: null,
      ...(live.history.length > 0 ? { controls: live.history } : {}),
      ...(weightsReport ? { weights: weightsReport } : {}),
    };
    writeRecord(record);
    job.emit({ type: 'done', runId: job.runId, stopped, test, seconds, earlyStoppedAt, bestEpoch, evaluation });
    return record;
  } catch (error) {
    const message = readableError(error);
    try {
      writeRecord({
        ...baseRecord,
        status: 'error',
        finishedAt: new Date().toISOString(),
        seconds: (performance.now() - t0) / 1000,
        trainSeconds: 0,
        samplesPerSec: 0,
        stopped: false,
        earlyStoppedAt: null,
        bestEpoch: null,
        epochs: epochRecords,
        test: null,
        evaluation: null,
        preprocessing: null,
        totalParams: model?.countParams() ?? 0,
        modelFiles: [],
        bestModelFiles: [],
        error: message,
        ...(control && control.history.length > 0 ? { controls: control.history } : {}),
        ...(weightsReport ? { weights: weightsReport } : {}),
      });
    } catch {
      // The error event below still tells the user.
    }
    job.emit({ type: 'error', runId: job.runId, message, kind: error instanceof TrainingError ? error.kind : 'failed' });
    return null;
  } finally {
    Math.random = originalRandom;
    disposeAll(callbacks);
    model?.optimizer?.dispose();
    model?.dispose();
  }
}

/**
 * Adds the run's callbacks to `into`, in the order their hooks run; each is added as soon as it
 * exists, so that it is freed whatever happens next.
 */
function addRunCallbacks(
  into: TrainingCallback[],
  o: {
    readonly job: TrainJob;
    readonly model: tf.LayersModel;
    readonly optimizer: tf.Optimizer;
    readonly live: LiveControl;
    readonly context: TrainingContext;
    readonly save: ModelSaver;
    readonly data: SplitData;
    readonly inputShape: readonly number[];
    readonly inputDtype: 'float32' | 'int32';
  },
): { earlyStopping: EarlyStoppingCallback; bestCheckpoint: BestCheckpointCallback | null } {
  const { job, model, live, context, data } = o;
  const settings = job.doc.training;
  into.push(createLiveControlCallback(live, o.optimizer, context));
  // Image models with augmentation: what the model sees, from the first batch on.
  const augmented = createLiveAugmented(model);
  if (augmented) into.push(createAugmentedGrid(augmented, context));
  const earlyStopping = createEarlyStopping(model, settings.earlyStopping, () => live.earlyStopping, context);
  into.push(earlyStopping);
  const bestCheckpoint = settings.checkpointBest ? createBestCheckpoint(model, job.runDir, o.save) : null;
  if (bestCheckpoint) into.push(bestCheckpoint);
  into.push(createProgress({ backend: job.backend, trainSamples: data.train.count, intervalMs: job.batchEventIntervalMs ?? 100, memory }, context));
  // For two-feature sets, the live decision boundary; per-layer histograms after each epoch.
  const grid = createLiveGrid(model, settings.dataset, data.train);
  if (grid) into.push(createLiveGridCallback(grid, context));
  const insight = createRunInsight(model, data.validation ?? data.test, o.inputShape, o.inputDtype, job.runDir);
  if (insight) into.push(createInsightCallback(insight, context));
  return { earlyStopping, bestCheckpoint };
}

/** One line for people: the message without a stack, prefixed where tfjs is terse. */
export function readableError(error: unknown): string {
  if (error instanceof TrainingError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  const first = (message.split('\n')[0] ?? '').trim() || 'unknown error';
  return error instanceof Error && (error.name === 'CompileError' || error.name === 'DataFileError') ? first : `Training failed: ${first}`;
}
