import * as fs from 'node:fs/promises';
import { ApiError } from '../../shared/api/contract';
import type { DatasetInfo } from '../../shared/training/dataset-info';
import type { ProjectDoc } from '../../shared/graph/document';
import { analyzeWithBlocks, foldIssues } from '../../shared/graph/analyze-blocks';
import { checkTrainable } from '../../shared/training/trainable';
import { inspectDataset } from '../trainer/datasets/load-dataset';
import { FromTrainerSchema } from '../../shared/training/protocol';
import { TrainEventSchema, type TrainEvent } from '../../shared/training/events';
import { assertNever } from '../../shared/layers/params';
import type { TrainerLauncher, TrainerProcess } from './launcher';
import { newRunId, newRunRecord, previousRun, readRun, runDirOf, writeDraftMark, writeRun } from '../storage/runs';
import { defaultRunName } from '../../shared/training/run-names';
import { modelGraph } from '../../shared/graph/analyze-blocks';
import { existsSync } from 'node:fs';
import { readOwnFile } from '../storage/safe-read';
import path from 'node:path';
import { RunRecordSchema, type RunRecordData } from '../../shared/training/runs';
import { fileError } from '../storage/project-files';
import type { AppliedChange, RunChange } from '../../shared/training/control';

/** How long a stopped trainer may take to wrap up before it is ended (SIGTERM). */
const STOP_GRACE_MS = 30_000;
/** How long an ended trainer may take to exit before it is killed outright (SIGKILL). */
const KILL_GRACE_MS = 5_000;

export interface StopTiming {
  readonly stopGraceMs?: number;
  readonly killGraceMs?: number;
}

/** Batch events kept per run for a UI that reattaches (every other event is kept). */
export const MAX_LOGGED_BATCHES = 2000;
/** Epochs of layer insight kept per run for a UI that reattaches (bounded so the answer stays under the message limit). */
export const MAX_LOGGED_INSIGHT = 200;

/**
 * A run's events so far, for a UI that reloads mid-run: every event except
 * batches, decision grids and layer insight, the last `maxBatches` batch
 * events, the latest grid and the last 200 epochs' insight, in the order they came.
 */
export class RunEventLog {
  private readonly others: { seq: number; event: TrainEvent }[] = [];
  private batches: { seq: number; event: TrainEvent }[] = [];
  private seq = 0;
  private insights = 0;

  constructor(private readonly maxBatches = MAX_LOGGED_BATCHES) {}

  add(event: TrainEvent): void {
    const entry = { seq: this.seq++, event };
    if (event.type === 'grid' || event.type === 'augmented') {
      // Only the latest decision grid (and augmented examples) matter to a UI that reattaches.
      const previous = this.others.findLastIndex((e) => e.event.type === event.type);
      if (previous >= 0) this.others.splice(previous, 1);
    }
    if (event.type === 'insight' && ++this.insights > MAX_LOGGED_INSIGHT) {
      // A very long run keeps its newest epochs' histograms (all of them are in insight.jsonl).
      const oldest = this.others.findIndex((e) => e.event.type === 'insight');
      if (oldest >= 0) this.others.splice(oldest, 1);
      this.insights--;
    }
    if (event.type !== 'batch') {
      this.others.push(entry);
      return;
    }
    this.batches.push(entry);
    // Trimmed in chunks so that adding stays cheap.
    if (this.batches.length >= this.maxBatches + Math.max(1, Math.floor(this.maxBatches / 4))) {
      this.batches = this.batches.slice(this.batches.length - this.maxBatches);
    }
  }

  /** The kept events in arrival order. */
  events(): TrainEvent[] {
    const batches = this.batches.slice(Math.max(0, this.batches.length - this.maxBatches));
    const out: TrainEvent[] = [];
    let i = 0;
    let j = 0;
    while (i < this.others.length || j < batches.length) {
      const a = this.others[i];
      const b = batches[j];
      if (b === undefined || (a !== undefined && a.seq < b.seq)) {
        out.push((a as { event: TrainEvent }).event);
        i++;
      } else {
        out.push(b.event);
        j++;
      }
    }
    return out;
  }
}

interface ActiveRun {
  readonly proc: TrainerProcess;
  readonly runDir: string;
  readonly record: RunRecordData;
  readonly log: RunEventLog;
  finished: boolean;
  paused: boolean;
  stopTimer?: ReturnType<typeof setTimeout>;
  killTimer?: ReturnType<typeof setTimeout>;
  /** Set when the stop grace ran out: the run's final state, written again when the process is gone. */
  endedAfterGrace?: string;
}

/** The run's record as its trainer last wrote it (epochs so far), or `fallback` when unreadable. */
function latestRecord(runDir: string, fallback: RunRecordData): RunRecordData {
  try {
    const parsed = RunRecordSchema.safeParse(JSON.parse(readOwnFile(path.join(runDir, 'run.json')).toString('utf8')));
    return parsed.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}

/** Why a trainer process died, for people: what happened and that nothing else was lost. */
export function crashMessage(code: number | null, signal: string | null | undefined): string {
  const after = 'The app and the project are unaffected; you can start training again.';
  if (signal === 'SIGKILL' || code === 137) {
    return `The trainer process was killed (SIGKILL), most likely because the system ran out of memory. Try a smaller batch size or model. ${after}`;
  }
  if (signal === 'SIGABRT' || code === 134) return `The trainer process crashed in native code (abort). ${after}`;
  if (signal === 'SIGSEGV' || code === 139) return `The trainer process crashed in native code (segmentation fault). ${after}`;
  if (signal) return `The trainer process was ended by ${signal} before the run finished. ${after}`;
  if (code === null) return `The trainer process was killed before the run finished. ${after}`;
  return `The trainer process ended unexpectedly (exit code ${code}) before the run finished. ${after}`;
}

/** Refuses a graph with errors (the first one's message and fix); its analysis otherwise. */
export function assertGraphValid(doc: ProjectDoc): ReturnType<typeof analyzeWithBlocks> {
  const analysis = analyzeWithBlocks(doc.graph, doc.blocks);
  if (!analysis.outer.valid) {
    const first = analysis.outer.issues.find((i) => i.severity === 'error');
    throw new ApiError('INVALID_GRAPH', first ? `${first.message} ${first.fix}` : 'The graph is empty: add an Input and some layers.');
  }
  return analysis;
}

/** Refuses, with the first readable reason, a document that cannot be trained. */
export function assertTrainable(doc: ProjectDoc, inspected?: DatasetInfo): void {
  const { model, expansion, expanded } = assertGraphValid(doc);
  let dataset = inspected;
  try {
    dataset ??= inspectDataset(doc.training);
  } catch (error) {
    throw new ApiError('BAD_DATA', error instanceof Error ? error.message : String(error));
  }
  const problem = foldIssues(doc.graph, expansion, checkTrainable(model, expanded, dataset, doc.training)).find((i) => i.severity === 'error');
  if (problem) throw new ApiError('NOT_TRAINABLE', `${problem.message} ${problem.fix}`);
}

/** Runs trainer processes, one per run, and turns what they say into TrainEvents. */
export class TrainingManager {
  private readonly runs = new Map<string, ActiveRun>();

  constructor(
    private readonly launcher: TrainerLauncher,
    private readonly dataDir: string,
    private readonly emit: (event: TrainEvent) => void,
    /** Checks a new run's folder (its real path) just before it is created; throws to refuse. */
    private readonly confineRunDir: (dir: string, projectPath: string | null) => void = () => undefined,
    private readonly timing: StopTiming = {},
  ) {}

  /** Starts a run; `initialWeights` starts it from another run's saved model (or only evaluates that). */
  /**
   * Starts a run; `initialWeights` starts it from another run's saved model (or only evaluates that).
   * `draft` marks a run of an unsaved project as that project's; `name` names it (default: what
   * differs from the project's previous run).
   */
  async start(
    doc: ProjectDoc,
    projectPath: string | null = null,
    initialWeights?: { runId: string; evaluateOnly?: boolean | undefined },
    options: {
      draft?: string | undefined;
      name?: string | undefined;
      replay?: readonly AppliedChange[];
      sweep?: RunRecordData['sweep'];
      /** The data set as already inspected (off the host's thread); inspected here when absent. */
      dataset?: DatasetInfo;
    } = {},
  ): Promise<{ runId: string; name: string }> {
    assertTrainable(doc, options.dataset);
    const draft = projectPath ? undefined : options.draft;
    let from: { runId: string; runDir: string; evaluateOnly: boolean; name: string } | undefined;
    if (initialWeights) {
      this.confineRunDir(runDirOf(this.dataDir, initialWeights.runId, projectPath), projectPath);
      const fromDir = runDirOf(this.dataDir, initialWeights.runId, projectPath);
      const fromRecord = readRun(this.dataDir, projectPath, initialWeights.runId);
      if (!existsSync(path.join(fromDir, 'model.json'))) {
        throw new ApiError('NO_MODEL', `Run "${initialWeights.runId}" has no saved model to start from: it failed or was stopped before its first batch.`);
      }
      from = { runId: initialWeights.runId, runDir: fromDir, evaluateOnly: initialWeights.evaluateOnly === true, name: fromRecord.name };
    }
    const name = options.name ?? this.defaultName(doc, projectPath, draft, from);
    const runId = newRunId();
    const runDir = runDirOf(this.dataDir, runId, projectPath);
    const record: RunRecordData = {
      ...newRunRecord(runId, doc, projectPath, new Date().toISOString()),
      name,
      ...(from ? { origin: { kind: from.evaluateOnly ? ('evaluated' as const) : ('fineTuned' as const), runId: from.runId } } : {}),
      ...(options.sweep ? { sweep: options.sweep } : {}),
    };
    this.confineRunDir(runDir, projectPath);
    // Started first, so a busy or failed start leaves no run folder behind.
    let proc: TrainerProcess;
    try {
      proc = this.launcher.launch();
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw new ApiError('TRAINER_ERROR', `The trainer process could not start: ${error instanceof Error ? error.message : String(error)}`);
    }
    try {
      await fs.mkdir(runDir, { recursive: true });
      if (draft) writeDraftMark(runDir, draft);
      writeRun(runDir, record);
    } catch (error) {
      proc.kill('SIGKILL');
      throw fileError(error, runDir);
    }
    const run: ActiveRun = { proc, runDir, record, log: new RunEventLog(), finished: false, paused: false };
    this.runs.set(runId, run);
    const fail = (message: string, kind: 'crash' | 'failed' = 'failed') => {
      this.finish(runId, { type: 'error', runId, message, kind });
      // The trainer writes run.json when it ends on its own; a dead one cannot.
      try {
        writeRun(runDir, { ...latestRecord(runDir, record), status: 'error', finishedAt: new Date().toISOString(), error: message });
      } catch {
        // The event above already told the user.
      }
    };
    proc.onMessage((raw) => {
      const parsed = FromTrainerSchema.safeParse(raw);
      if (!parsed.success) {
        fail('The trainer sent a malformed message; the run was ended.');
        proc.kill();
        return;
      }
      const msg = parsed.data;
      switch (msg.type) {
        case 'event':
          if (msg.event.runId !== runId) return;
          if (msg.event.type === 'done' || msg.event.type === 'error') this.finish(runId, msg.event);
          else if (!run.finished) {
            run.log.add(msg.event);
            this.emit(msg.event);
          }
          return;
        case 'failed':
          fail(msg.message);
          return;
        case 'predicted':
        case 'grid':
        case 'doctor':
        case 'activations':
        case 'explained':
        case 'traced':
          return;
        default:
          assertNever(msg);
      }
    });
    proc.onExit((code, signal) => {
      if (run.stopTimer) clearTimeout(run.stopTimer);
      if (run.killTimer) clearTimeout(run.killTimer);
      if (!run.finished) fail(crashMessage(code, signal), 'crash');
      // A trainer ended after the grace may have rewritten run.json while dying: the final state wins.
      else if (run.endedAfterGrace) this.writeStopped(run, run.endedAfterGrace);
      this.runs.delete(runId);
    });
    proc.send({
      type: 'train',
      runId,
      name,
      doc,
      runDir,
      projectPath,
      ...(from ? { initialWeights: { runId: from.runId, runDir: from.runDir, evaluateOnly: from.evaluateOnly } } : {}),
      ...(options.replay?.length ? { replay: [...options.replay] } : {}),
    });
    return { runId, name };
  }

  /** What a new run is called unless named: what differs from the project's previous run, or what it starts from. */
  private defaultName(doc: ProjectDoc, projectPath: string | null, draft: string | undefined, from: { evaluateOnly: boolean; name: string } | undefined): string {
    if (from) return `${from.evaluateOnly ? 'Evaluation of' : 'Fine-tuned from'} ${from.name}`.slice(0, 120);
    const { previous, count } = previousRun(this.dataDir, projectPath, draft);
    return defaultRunName(previous ? { settings: previous.settings, graph: previous.graph } : null, { settings: doc.training, graph: modelGraph(doc) }, count + 1);
  }

  stop(runId: string): { stopped: boolean } {
    const run = this.runs.get(runId);
    if (!run || run.finished) return { stopped: false };
    run.proc.send({ type: 'stop' });
    if (!run.stopTimer) {
      const grace = this.timing.stopGraceMs ?? STOP_GRACE_MS;
      run.stopTimer = setTimeout(() => {
        if (run.finished) return;
        const message = `The trainer did not stop within ${Math.round(grace / 1000)} s and was ended; the run keeps what it had saved.`;
        run.endedAfterGrace = message;
        this.writeStopped(run, message);
        this.finish(runId, { type: 'error', runId, message });
        run.proc.kill('SIGTERM');
        // One that ignores SIGTERM is killed outright.
        run.killTimer = setTimeout(() => run.proc.kill('SIGKILL'), this.timing.killGraceMs ?? KILL_GRACE_MS);
        run.killTimer.unref?.();
      }, grace);
      run.stopTimer.unref?.();
    }
    return { stopped: true };
  }

  /** Records a run stopped by the user whose trainer had to be ended: `stopped`, with why, never left `running`. */
  private writeStopped(run: ActiveRun, message: string): void {
    try {
      writeRun(run.runDir, { ...latestRecord(run.runDir, run.record), status: 'stopped', finishedAt: new Date().toISOString(), error: message });
    } catch {
      // The error event already told the user.
    }
  }

  /** Passes a live change to the run's trainer; it takes effect before the next batch. */
  control(runId: string, change: RunChange): { accepted: boolean } {
    const run = this.runs.get(runId);
    if (!run || run.finished) return { accepted: false };
    run.proc.send({ type: 'control', change });
    return { accepted: true };
  }

  pause(runId: string): { paused: boolean } {
    const run = this.runs.get(runId);
    if (!run || run.finished) return { paused: false };
    run.paused = true;
    run.proc.send({ type: 'pause' });
    return { paused: true };
  }

  resume(runId: string): { resumed: boolean } {
    const run = this.runs.get(runId);
    if (!run || run.finished || !run.paused) return { resumed: false };
    run.paused = false;
    run.proc.send({ type: 'resume' });
    return { resumed: true };
  }

  /** Runs whose trainer is still working. */
  activeRunIds(): string[] {
    return [...this.runs.entries()].filter(([, r]) => !r.finished).map(([id]) => id);
  }

  /** The run still training (the newest, should there be several) and its events so far; null when none. */
  current(): { runId: string; paused: boolean; events: TrainEvent[] } | null {
    const active = [...this.runs.entries()].filter(([, r]) => !r.finished);
    const last = active.at(-1);
    if (!last) return null;
    const [runId, run] = last;
    return { runId, paused: run.paused, events: run.log.events() };
  }

  /** Kills every trainer still running. */
  dispose(): void {
    for (const run of this.runs.values()) {
      if (run.stopTimer) clearTimeout(run.stopTimer);
      if (run.killTimer) clearTimeout(run.killTimer);
      run.finished = true;
      run.proc.kill();
    }
    this.runs.clear();
  }

  private finish(runId: string, event: TrainEvent): void {
    const run = this.runs.get(runId);
    if (!run || run.finished) return;
    run.finished = true;
    // The trainer writes the final run.json without knowing of a sweep; the sweep's part is added here.
    if (run.record.sweep) {
      try {
        const dir = path.dirname(run.runDir);
        const text = readOwnFile(path.join(run.runDir, 'run.json')).toString('utf8');
        const parsed = RunRecordSchema.safeParse(JSON.parse(text));
        if (parsed.success && !parsed.data.sweep) writeRun(path.join(dir, runId), { ...parsed.data, sweep: run.record.sweep });
      } catch {
        // The run stays an ordinary run; the sweep's own file still lists it.
      }
    }
    this.emit(TrainEventSchema.parse(event));
  }
}
