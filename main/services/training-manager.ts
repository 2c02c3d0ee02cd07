import * as fs from 'node:fs/promises';
import { ApiError } from '../../shared/api/contract';
import type { ProjectDoc } from '../../shared/graph/document';
import { analyzeGraph } from '../../shared/graph/analyze';
import { getDataset } from '../../shared/training/datasets';
import { checkTrainable } from '../../shared/training/trainable';
import { FromTrainerSchema } from '../../shared/training/protocol';
import { TrainEventSchema, type TrainEvent } from '../../shared/training/events';
import { assertNever } from '../../shared/layers/params';
import type { TrainerLauncher, TrainerProcess } from './launcher';
import { newRunId, runDirOf } from './runs';
import { fileError } from './project-files';

/** How long a stopped trainer may take to wrap up before it is killed. */
const STOP_GRACE_MS = 30_000;

interface ActiveRun {
  readonly proc: TrainerProcess;
  finished: boolean;
  stopTimer?: ReturnType<typeof setTimeout>;
}

/** Refuses, with the first readable reason, a document that cannot be trained. */
export function assertTrainable(doc: ProjectDoc): void {
  const analysis = analyzeGraph(doc.graph);
  if (!analysis.valid) {
    const first = analysis.issues.find((i) => i.severity === 'error');
    throw new ApiError('INVALID_GRAPH', first ? `${first.message} ${first.fix}` : 'The graph is empty: add an Input and some layers.');
  }
  const dataset = getDataset(doc.training.dataset);
  if (!dataset) throw new ApiError('UNKNOWN_DATASET', `Unknown data set "${doc.training.dataset}".`);
  const problem = checkTrainable(doc.graph, analysis, dataset).find((i) => i.severity === 'error');
  if (problem) throw new ApiError('NOT_TRAINABLE', `${problem.message} ${problem.fix}`);
}

/** Runs trainer processes, one per run, and turns what they say into TrainEvents. */
export class TrainingManager {
  private readonly runs = new Map<string, ActiveRun>();

  constructor(
    private readonly launcher: TrainerLauncher,
    private readonly dataDir: string,
    private readonly emit: (event: TrainEvent) => void,
  ) {}

  async start(doc: ProjectDoc): Promise<{ runId: string }> {
    assertTrainable(doc);
    const runId = newRunId();
    const runDir = runDirOf(this.dataDir, runId);
    try {
      await fs.mkdir(runDir, { recursive: true });
    } catch (error) {
      throw fileError(error, runDir);
    }
    let proc: TrainerProcess;
    try {
      proc = this.launcher.launch();
    } catch (error) {
      throw new ApiError('TRAINER_ERROR', `The trainer process could not start: ${error instanceof Error ? error.message : String(error)}`);
    }
    const run: ActiveRun = { proc, finished: false };
    this.runs.set(runId, run);
    const fail = (message: string) => this.finish(runId, { type: 'error', runId, message });
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
          else if (!run.finished) this.emit(msg.event);
          return;
        case 'failed':
          fail(msg.message);
          return;
        case 'exported':
          return;
        default:
          assertNever(msg);
      }
    });
    proc.onExit((code) => {
      if (run.stopTimer) clearTimeout(run.stopTimer);
      if (!run.finished) {
        fail(
          code === null
            ? 'The trainer process was killed before the run finished.'
            : `The trainer process ended unexpectedly (exit code ${code}) before the run finished.`,
        );
      }
      this.runs.delete(runId);
    });
    proc.send({ type: 'train', runId, doc, runDir });
    return { runId };
  }

  stop(runId: string): { stopped: boolean } {
    const run = this.runs.get(runId);
    if (!run || run.finished) return { stopped: false };
    run.proc.send({ type: 'stop' });
    if (!run.stopTimer) {
      run.stopTimer = setTimeout(() => {
        if (!run.finished) {
          this.finish(runId, { type: 'error', runId, message: 'The trainer did not stop in time and was ended.' });
          run.proc.kill();
        }
      }, STOP_GRACE_MS);
      run.stopTimer.unref?.();
    }
    return { stopped: true };
  }

  /** Kills every trainer still running. */
  dispose(): void {
    for (const run of this.runs.values()) {
      if (run.stopTimer) clearTimeout(run.stopTimer);
      run.finished = true;
      run.proc.kill();
    }
    this.runs.clear();
  }

  private finish(runId: string, event: TrainEvent): void {
    const run = this.runs.get(runId);
    if (!run || run.finished) return;
    run.finished = true;
    this.emit(TrainEventSchema.parse(event));
  }
}
