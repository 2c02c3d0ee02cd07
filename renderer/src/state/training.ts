import type { TrainEvent } from '../../../shared/training/events';
import type { RunRecordData } from '../../../shared/training/runs';
import type { WeightsReport } from '../../../shared/training/weights-report';
import { describeChange } from '../../../shared/training/control';

type Ev<T extends TrainEvent['type']> = Extract<TrainEvent, { type: T }>;
export type StartedEvent = Ev<'started'>;
export type BatchEvent = Ev<'batch'>;
export type EpochEvent = Ev<'epoch'>;
export type DoneEvent = Ev<'done'>;
export type InsightEvent = Ev<'insight'>;
export type GridEvent = Ev<'grid'>;
export type AugmentedEvent = Ev<'augmented'>;
export type ControlEvent = Ev<'control'>;

export type TrainingStatus = 'idle' | 'starting' | 'running' | 'evaluating' | 'done' | 'error';

/**
 * Batch curves, appended in place: a run can report tens of thousands of
 * batches and the chart reads these arrays directly. `version` in the
 * training state changes whenever they grow.
 */
export interface BatchSeries {
  readonly step: number[];
  readonly loss: number[];
  readonly accuracy: number[];
  /** Learning rate at each batch (null where the run does not report it). */
  readonly lr: (number | null)[];
}

export interface TrainingState {
  readonly status: TrainingStatus;
  readonly runId: string | null;
  readonly started: StartedEvent | null;
  readonly lastBatch: BatchEvent | null;
  readonly epochs: readonly EpochEvent[];
  readonly done: DoneEvent | null;
  readonly error: string | null;
  readonly stopRequested: boolean;
  /** Paused by the user (training.pause answered yes); no progress events until resumed. */
  readonly paused: boolean;
  readonly series: BatchSeries;
  readonly version: number;
  /** Per-layer histograms of each epoch so far, in epoch order. */
  readonly insight: readonly InsightEvent[];
  /** The latest live decision grid (two-feature data sets); kept when the run ends. */
  readonly grid: GridEvent | null;
  /** The latest examples as the model's augmentation layers change them (image models with augmentation). */
  readonly augmented: AugmentedEvent | null;
  /** The project whose runs folder holds this run (null: the data folder's, an unsaved project's). */
  readonly projectPath: string | null;
  /** The run's name (from training.start, or the record of a run loaded from disk). */
  readonly name: string | null;
  /** Shown from its record on disk (the project's last run, opened with it), not watched live. */
  readonly fromDisk: boolean;
  /** Live changes that took effect, in order (markers on the curves). */
  readonly controls: readonly ControlEvent[];
  /** Started from another run's weights: the layers loaded, fresh and dropped. */
  readonly weights: WeightsReport | null;
}

export function idleTraining(): TrainingState {
  return {
    status: 'idle',
    runId: null,
    started: null,
    lastBatch: null,
    epochs: [],
    done: null,
    error: null,
    stopRequested: false,
    paused: false,
    series: { step: [], loss: [], accuracy: [], lr: [] },
    version: 0,
    insight: [],
    grid: null,
    augmented: null,
    projectPath: null,
    name: null,
    fromDisk: false,
    controls: [],
    weights: null,
  };
}

export function startingTraining(projectPath: string | null = null): TrainingState {
  return { ...idleTraining(), status: 'starting', projectPath };
}

/**
 * A finished run read from disk (a reopened project's last run): its curves per epoch, test
 * results and evaluation, so that Evaluation, Try it and Export work without training again.
 */
export function loadedTraining(record: RunRecordData, projectPath: string | null): TrainingState {
  const epochs: EpochEvent[] = record.epochs.map((e, i) => ({
    type: 'epoch',
    runId: record.runId,
    epoch: e.epoch,
    step: i,
    train: e.train,
    validation: e.validation,
    learningRate: e.learningRate,
    seconds: e.seconds,
  }));
  const done: DoneEvent = {
    type: 'done',
    runId: record.runId,
    stopped: record.stopped,
    test: record.test,
    seconds: record.seconds,
    earlyStoppedAt: record.earlyStoppedAt,
    bestEpoch: record.bestEpoch,
    evaluation: record.evaluation,
  };
  const controls: ControlEvent[] = (record.controls ?? []).map((c) => ({ type: 'control', runId: record.runId, ...c, text: describeChange(c.change) }));
  return { ...idleTraining(), status: 'done', runId: record.runId, epochs, done, version: 1, projectPath, name: record.name, fromDisk: true, weights: record.weights ?? null, controls };
}

export function isActive(s: TrainingState): boolean {
  return s.status === 'starting' || s.status === 'running' || s.status === 'evaluating';
}

/** The state after one event of the current run; events of other runs are ignored. */
export function reduceTraining(s: TrainingState, ev: TrainEvent): TrainingState {
  if (s.runId === null) {
    // Events may overtake the answer to training.start: adopt the run that starts.
    if (s.status !== 'starting') return s;
  } else if (ev.runId !== s.runId) {
    return s;
  }
  const base = { ...s, runId: ev.runId };
  switch (ev.type) {
    case 'started':
      return { ...base, status: 'running', started: ev, projectPath: ev.projectPath === undefined ? s.projectPath : ev.projectPath };
    case 'batch':
      s.series.step.push(ev.step);
      s.series.loss.push(ev.loss);
      s.series.accuracy.push(ev.accuracy);
      s.series.lr.push(ev.learningRate ?? null);
      return { ...base, status: s.status === 'starting' ? 'running' : s.status, lastBatch: ev, version: s.version + 1 };
    case 'epoch':
      return { ...base, epochs: [...s.epochs, ev], version: s.version + 1 };
    case 'insight':
      return { ...base, insight: [...s.insight.filter((i) => i.epoch !== ev.epoch), ev] };
    case 'grid':
      // Grids may arrive out of step order only if the transport reorders; never go back.
      return s.grid && s.grid.step > ev.step ? s : { ...base, grid: ev };
    case 'augmented':
      return s.augmented && s.augmented.step > ev.step ? s : { ...base, augmented: ev };
    case 'control': {
      // A change of epochs moves the end of the progress bar.
      const started = ev.change.kind === 'epochs' && s.started ? { ...s.started, epochs: ev.change.epochs } : s.started;
      return { ...base, started, controls: [...s.controls, ev] };
    }
    case 'weights':
      return { ...base, weights: ev.report };
    case 'evaluating':
      return { ...base, status: 'evaluating' };
    case 'done':
      return { ...base, status: 'done', done: ev, paused: false };
    case 'error':
      return { ...base, status: 'error', error: ev.message, paused: false };
  }
}

/**
 * The state of a run this UI did not start (it reloaded or connected mid-run):
 * the run's events so far replayed, so that progress, charts and Stop work again.
 */
export function reattachedTraining(runId: string, paused: boolean, events: readonly TrainEvent[]): TrainingState {
  let s: TrainingState = { ...startingTraining(), runId };
  for (const ev of events) s = reduceTraining(s, ev);
  return isActive(s) ? { ...s, paused } : s;
}
