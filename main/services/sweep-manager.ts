import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiError } from '../../shared/api/contract';
import type { ProjectDoc, TrainingSettings } from '../../shared/graph/document';
import type { DatasetInfo } from '../../shared/training/dataset-info';
import type { TrainEvent } from '../../shared/training/events';
import { applyTrial, expandTrials, rankTrials, SweepError, SweepStateSchema, type SweepSpec, type SweepState, type SweepTrial } from '../../shared/training/sweep';
import { inspectDataset } from '../trainer/datasets/load-dataset';
import { newRunId, runsRoot } from '../storage/runs';
import { readOwnFile, UnsafeFileError } from '../storage/safe-read';
import type { TrainingManager } from './training-manager';

const SWEEP_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

/** Where a project's sweeps are kept: `<project>.runs/.sweeps/` (a dot folder, so run listings skip it). */
export function sweepsDir(dataDir: string, projectPath: string | null): string {
  return path.join(runsRoot(dataDir, projectPath), '.sweeps');
}

function sweepFile(dataDir: string, projectPath: string | null, sweepId: string): string {
  if (!SWEEP_ID.test(sweepId)) throw new ApiError('UNKNOWN_SWEEP', `"${sweepId}" is not a sweep id.`);
  return path.join(sweepsDir(dataDir, projectPath), `${sweepId}.json`);
}

function writeSweep(dataDir: string, state: SweepState): void {
  const file = sweepFile(dataDir, state.projectPath, state.sweepId);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(SweepStateSchema.parse(state), null, 2)}\n`);
  fs.renameSync(tmp, file);
}

export function readSweep(dataDir: string, projectPath: string | null, sweepId: string): SweepState {
  let text: string;
  try {
    // A sweep's file travels with the project's runs: only a regular file is read (safe-read.ts).
    text = readOwnFile(sweepFile(dataDir, projectPath, sweepId)).toString('utf8');
  } catch (error) {
    if (error instanceof UnsafeFileError) throw new ApiError('DAMAGED_SWEEP', `Sweep "${sweepId}" has a damaged file: ${error.message}`);
    throw new ApiError('UNKNOWN_SWEEP', `There is no sweep "${sweepId}" in ${sweepsDir(dataDir, projectPath)}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  const parsed = SweepStateSchema.safeParse(json);
  if (!parsed.success) throw new ApiError('DAMAGED_SWEEP', `Sweep "${sweepId}" has a damaged file.`);
  return parsed.data;
}

const FINAL: ReadonlySet<SweepTrial['status']> = new Set(['done', 'error']);

interface Active {
  state: SweepState;
  /** Trial index by the run id training it. */
  readonly runs: Map<string, number>;
  starting: number;
  /**
   * Runs started for an unsaved project, by run id: the draft id they were started with. When the
   * project is saved while they train, they follow it as they end.
   */
  readonly drafted: Map<string, string>;
  /** The data set as inspected once for the whole sweep (trials vary no data setting), or why it could not be. */
  dataset?: DatasetInfo | Error;
}

/**
 * Runs sweeps: each trial an ordinary run (through the TrainingManager, kept beside the project),
 * `parallel` at a time. A failed run is recorded and the sweep goes on; a stopped sweep keeps what
 * finished and trains the rest when resumed, also after the app was closed.
 */
export class SweepManager {
  private readonly active = new Map<string, Active>();
  /** Moves of ended runs beside their newly saved project, one after another (two never move the same folder). */
  private moving: Promise<void> = Promise.resolve();

  /**
   * `adoptRuns` moves an unsaved project's finished runs (by draft id) beside the project it was
   * saved as; a sweep calls it for its runs that were still training when the project was saved.
   */
  constructor(
    private readonly training: TrainingManager,
    private readonly dataDir: string,
    private readonly emit: (state: SweepState) => void,
    private readonly adoptRuns: (draft: string, projectPath: string) => Promise<unknown> = () => Promise.resolve(),
    /** Reads the data set the settings name; the back end does it off its thread (heavy-work.ts). */
    private readonly inspect: (settings: TrainingSettings) => Promise<DatasetInfo> = (settings) => Promise.resolve(inspectDataset(settings)),
  ) {}

  async start(doc: ProjectDoc, projectPath: string | null, spec: SweepSpec, draft?: string): Promise<SweepState> {
    let trials: ReturnType<typeof expandTrials>;
    let dataset: DatasetInfo;
    try {
      trials = expandTrials(doc, spec);
      dataset = await this.inspect(doc.training);
    } catch (error) {
      if (error instanceof SweepError) throw new ApiError('BAD_SWEEP', error.message);
      if (error instanceof ApiError) throw error;
      throw new ApiError('BAD_DATA', error instanceof Error ? error.message : String(error));
    }
    const task = dataset.task;
    const sweepId = newRunId();
    const state: SweepState = {
      sweepId,
      name: doc.name,
      projectPath,
      ...(draft && !projectPath ? { draft } : {}),
      spec,
      doc,
      task,
      status: 'running',
      createdAt: new Date().toISOString(),
      trials: trials.map((values, index) => ({ index, values, status: 'pending', runId: null, test: null, validation: null, error: null })),
      best: null,
    };
    this.save(state);
    const a: Active = { state, runs: new Map(), starting: 0, drafted: new Map(), dataset };
    this.active.set(sweepId, a);
    await this.pump(a);
    return a.state;
  }

  /** Stops a sweep: running trials are stopped (and trained again on resume), pending ones wait. */
  stop(projectPath: string | null, sweepId: string): SweepState {
    const a = this.active.get(sweepId);
    if (!a) return this.get(projectPath, sweepId);
    this.update(a, { ...a.state, status: 'stopped' });
    for (const runId of a.runs.keys()) this.training.stop(runId);
    return a.state;
  }

  async resume(projectPath: string | null, sweepId: string): Promise<SweepState> {
    const current = this.active.get(sweepId);
    if (current?.state.status === 'running') return current.state;
    if (current) throw new ApiError('SWEEP_BUSY', 'The sweep is still stopping its runs; resume it once they have ended.');
    const stored = readSweep(this.dataDir, projectPath, sweepId);
    if (stored.trials.every((t) => FINAL.has(t.status))) return this.finishIfDone({ state: stored, runs: new Map(), starting: 0, drafted: new Map() }).state;
    const state: SweepState = {
      ...stored,
      status: 'running',
      trials: stored.trials.map((t) => (FINAL.has(t.status) ? t : { ...t, status: 'pending', runId: null, test: null, validation: null, error: null })),
    };
    const a: Active = { state, runs: new Map(), starting: 0, drafted: new Map() };
    this.active.set(sweepId, a);
    this.save(state);
    this.emit(state);
    // Read once for the trials still to train; a data set that is gone fails each of them with why.
    a.dataset = await this.inspect(state.doc.training).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    await this.pump(a);
    return a.state;
  }

  get(projectPath: string | null, sweepId: string): SweepState {
    const a = this.active.get(sweepId);
    if (a) return a.state;
    return interrupted(readSweep(this.dataDir, projectPath, sweepId));
  }

  /** The project's sweeps, newest first; with `draft` (and no project path) only that unsaved project's. */
  list(projectPath: string | null, draft?: string): SweepState[] {
    let names: string[];
    try {
      names = fs.readdirSync(sweepsDir(this.dataDir, projectPath));
    } catch {
      return [];
    }
    const out: SweepState[] = [];
    for (const n of names.filter((x) => x.endsWith('.json')).sort().reverse()) {
      try {
        const state = this.get(projectPath, n.slice(0, -'.json'.length));
        if (projectPath || draft === undefined || state.draft === draft) out.push(state);
      } catch {
        // A damaged sweep file is not listed.
      }
    }
    return out;
  }

  /**
   * An unsaved project was saved at `projectPath` (its finished runs move beside it): its sweeps move
   * too, pointing at the project. A running sweep trains its next runs beside the project, and its
   * runs still training follow the project when they end. Returns the ids moved.
   */
  adopt(draft: string, projectPath: string): string[] {
    const moved: string[] = [];
    for (const state of this.list(null, draft)) {
      if (state.draft !== draft) continue;
      const { draft: _draft, ...rest } = state;
      const a = this.active.get(state.sweepId);
      if (a) this.update(a, { ...rest, projectPath });
      else writeSweep(this.dataDir, { ...rest, projectPath });
      fs.rmSync(sweepFile(this.dataDir, null, state.sweepId), { force: true });
      moved.push(state.sweepId);
      // A run of it that ended while the project's runs were being moved follows now.
      if (a) void this.follow(draft, projectPath);
    }
    return moved;
  }

  /** Every training event passes here; those of sweep runs move their sweep on. */
  onTrainEvent(event: TrainEvent): void {
    for (const a of this.active.values()) {
      const index = a.runs.get(event.runId);
      if (index === undefined) continue;
      const trial = a.state.trials[index] as SweepTrial;
      switch (event.type) {
        case 'epoch':
          this.setTrial(a, index, { ...trial, validation: event.validation });
          return;
        case 'done':
        case 'error': {
          const ended = (): void => {
            a.runs.delete(event.runId);
            const now = a.state.trials[index] as SweepTrial;
            if (event.type === 'done') this.setTrial(a, index, { ...now, status: event.stopped ? 'stopped' : 'done', test: event.test });
            else this.setTrial(a, index, { ...now, status: 'error', error: event.message });
            void this.pump(a);
          };
          const draft = a.drafted.get(event.runId);
          a.drafted.delete(event.runId);
          const projectPath = a.state.projectPath;
          // Started for the unsaved project that has been saved since: the run follows it first.
          if (draft !== undefined && projectPath !== null) void this.follow(draft, projectPath).then(ended);
          else ended();
          return;
        }
        default:
          return;
      }
    }
  }

  /** Running sweeps stop with the back end; their files say where to resume. */
  dispose(): void {
    for (const a of this.active.values()) {
      if (a.state.status === 'running') this.save({ ...a.state, status: 'stopped' });
    }
    this.active.clear();
  }

  private async pump(a: Active): Promise<void> {
    while (a.state.status === 'running' && a.runs.size + a.starting < a.state.spec.parallel) {
      const next = a.state.trials.find((t) => t.status === 'pending');
      if (!next) break;
      this.setTrial(a, next.index, { ...next, status: 'running' });
      a.starting++;
      try {
        if (a.dataset instanceof Error) throw a.dataset;
        const doc = applyTrial(a.state.doc, next.values);
        const { draft, projectPath } = a.state;
        const { runId } = await this.training.start(doc, projectPath, undefined, {
          sweep: { sweepId: a.state.sweepId, trial: next.index, values: next.values },
          draft,
          ...(a.dataset ? { dataset: a.dataset } : {}),
        });
        a.runs.set(runId, next.index);
        if (draft !== undefined && projectPath === null) a.drafted.set(runId, draft);
        // Stopped while this run was starting.
        if (a.state.status !== 'running') this.training.stop(runId);
        this.setTrial(a, next.index, { ...(a.state.trials[next.index] as SweepTrial), runId });
      } catch (error) {
        // A run that cannot start (say, a layer size the graph refuses) fails alone.
        this.setTrial(a, next.index, { ...(a.state.trials[next.index] as SweepTrial), status: 'error', error: error instanceof Error ? error.message : String(error) });
      } finally {
        a.starting--;
      }
    }
    this.finishIfDone(a);
  }

  /** Moves the draft's ended runs beside the project (after any move still under way); never fails. */
  private follow(draft: string, projectPath: string): Promise<void> {
    this.moving = this.moving.then(
      () => this.adoptRuns(draft, projectPath).then(
        () => undefined,
        () => undefined, // A run that cannot move stays an ordinary run of the unsaved project.
      ),
    );
    return this.moving;
  }

  private finishIfDone(a: Active): Active {
    if (a.state.status !== 'stopped' && a.runs.size === 0 && a.starting === 0 && a.state.trials.every((t) => FINAL.has(t.status))) {
      this.update(a, { ...a.state, status: 'done' });
      this.active.delete(a.state.sweepId);
    } else if (a.state.status === 'stopped' && a.runs.size === 0 && a.starting === 0) {
      this.active.delete(a.state.sweepId);
    }
    return a;
  }

  private setTrial(a: Active, index: number, trial: SweepTrial): void {
    const trials = a.state.trials.map((t) => (t.index === index ? trial : t));
    const best = rankTrials(trials, a.state.spec.metric, a.state.task)[0]?.index ?? null;
    this.update(a, { ...a.state, trials, best });
  }

  private update(a: Active, state: SweepState): void {
    a.state = state;
    this.save(state);
    this.emit(state);
  }

  private save(state: SweepState): void {
    try {
      writeSweep(this.dataDir, state);
    } catch {
      // The sweep goes on; its runs are kept as ordinary runs either way.
    }
  }
}

/** A sweep file that says "running" but no sweep runs here was cut short (the app closed): it reads as stopped. */
function interrupted(state: SweepState): SweepState {
  return state.status === 'running' ? { ...state, status: 'stopped' } : state;
}
